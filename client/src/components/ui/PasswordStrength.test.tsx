import { render, screen } from "@testing-library/react";
import { PasswordStrength } from "./PasswordStrength";

describe("PasswordStrength", () => {
  it("states the rule before anything is typed", () => {
    render(<PasswordStrength password="" estimate={null} />);
    expect(screen.getByText(/Hard enough to guess/)).toBeInTheDocument();
  });

  it("says it is checking while the estimator loads", () => {
    render(<PasswordStrength password="abc" estimate={null} />);
    expect(screen.getByRole("status")).toHaveTextContent("Checking strength…");
  });

  it("shows a weak score with the API's wording and the estimator's hint", () => {
    render(
      <PasswordStrength password="password1" estimate={{ score: 1, warning: "This is a very common password." }} />,
    );
    expect(screen.getByRole("meter", { name: "Strength: Weak" })).toHaveAttribute("value", "1");
    expect(screen.getByText("This password is too easy to guess. This is a very common password.")).toBeInTheDocument();
  });

  it("accepts a score of 3 or more", () => {
    render(<PasswordStrength password="long and odd" estimate={{ score: 3, warning: null }} />);
    expect(screen.getByRole("meter", { name: "Strength: Strong" })).toBeInTheDocument();
    expect(screen.getByText("Hard enough to guess")).toBeInTheDocument();
  });
});
