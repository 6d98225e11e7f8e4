import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { USERNAME_RULES } from "../../validation/rules";
import { TextField } from "./TextField";

function Harness({ errors }: { errors?: string[] }) {
  const [value, setValue] = useState("");
  return (
    <TextField id="name" label="Username" value={value} onChange={setValue} rules={USERNAME_RULES} errors={errors} />
  );
}

describe("TextField", () => {
  it("labels its input and lists the rules, neutral before typing", () => {
    render(<Harness />);
    const input = screen.getByLabelText("Username");
    expect(input).toHaveAccessibleDescription(/3 to 32 characters/);
    expect(input).not.toHaveClass("is-invalid");
    expect(screen.queryByText(/\(not yet\)/)).not.toBeInTheDocument();
  });

  it("marks each rule met or not as the user types", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const input = screen.getByLabelText("Username");

    await user.type(input, "a b");
    expect(screen.getByText("3 to 32 characters").closest("li")).toHaveTextContent("(done)");
    expect(screen.getByText("Only letters, digits, underscore, dot or hyphen").closest("li")).toHaveTextContent(
      "(not yet)",
    );
    expect(input).toHaveClass("is-invalid");

    await user.clear(input);
    await user.type(input, "ab_c");
    expect(screen.getAllByText(/\(done\)/)).toHaveLength(2);
    expect(input).not.toHaveClass("is-invalid");
  });

  it("shows server errors next to the field and links them to it", () => {
    render(<Harness errors={["Username is already taken."]} />);
    const input = screen.getByLabelText("Username");
    expect(screen.getByText("Username is already taken.")).toBeVisible();
    expect(input).toHaveAccessibleDescription(/Username is already taken\./);
    expect(input).toHaveClass("is-invalid");
  });
});
