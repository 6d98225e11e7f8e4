import { screen } from "@testing-library/react";
import { renderApp } from "../test/renderApp";

describe("NotFoundPage", () => {
  it("answers unknown routes and links home", async () => {
    const { user } = renderApp("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "Go to the home page" }));
    expect(await screen.findByRole("heading", { name: "Members" })).toBeInTheDocument();
  });
});
