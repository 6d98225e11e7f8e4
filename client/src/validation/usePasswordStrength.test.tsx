import { render, screen } from "@testing-library/react";
import { usePasswordStrength } from "./usePasswordStrength";

// The estimator's chunk fails to load, as it would when the network drops after the page loaded.
vi.mock("./passwordStrength", () => {
  throw new Error("Failed to fetch dynamically imported module");
});

function Strength({ password }: { password: string }) {
  const estimate = usePasswordStrength(password, []);
  return <output aria-label="Score">{estimate ? estimate.score : "unknown"}</output>;
}

describe("usePasswordStrength", () => {
  it("leaves the strength unknown, without an unhandled error, when the estimator cannot load", async () => {
    render(<Strength password="correct horse battery staple" />);
    await vi.dynamicImportSettled();
    expect(screen.getByRole("status", { name: "Score" })).toHaveTextContent("unknown");
  });
});
