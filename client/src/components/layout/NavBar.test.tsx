import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice, root } from "../../test/fixtures";
import { currentPath, renderApp } from "../../test/renderApp";
import { api, fail, server, signedInAs } from "../../test/server";

const nav = () => screen.getByRole("navigation");
const linkNames = () =>
  within(nav())
    .getAllByRole("link")
    .map((link) => link.textContent);

describe("NavBar", () => {
  it("offers Register and Log in when logged out", async () => {
    renderApp("/");
    await waitFor(() => expect(linkNames()).toEqual(["Users platform", "Home", "About", "Register", "Log in"]));
    expect(within(nav()).queryByRole("button", { name: "Log out" })).not.toBeInTheDocument();
  });

  it("offers Status and Log out to a signed-in user, without Admin", async () => {
    signedInAs(alice);
    renderApp("/");
    expect(await within(nav()).findByRole("button", { name: "Log out" })).toBeInTheDocument();
    expect(linkNames()).toEqual(["Users platform", "Home", "About", "Status"]);
  });

  it("adds Admin for admins", async () => {
    signedInAs(root);
    renderApp("/");
    expect(await within(nav()).findByRole("link", { name: "Admin" })).toHaveAttribute("href", "/admin");
  });

  it("collapses behind a toggle button that works by keyboard", async () => {
    const { user } = renderApp("/");
    const toggle = screen.getByRole("button", { name: "Toggle navigation" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    toggle.focus();
    await user.keyboard("{Enter}");
    expect(toggle).toHaveAttribute("aria-expanded", "true");
  });

  it("logs out through the API, goes home and confirms", async () => {
    let loggedOut = false;
    signedInAs(alice);
    server.use(
      http.post(api("/auth/logout"), () => {
        loggedOut = true;
        return HttpResponse.json({ status: "success", message: "Successfully logged out." });
      }),
    );
    const { user } = renderApp("/status");
    await user.click(await screen.findByRole("button", { name: "Log out" }));

    expect(await screen.findByText("Successfully logged out.")).toBeInTheDocument();
    expect(loggedOut).toBe(true);
    await waitFor(() => expect(currentPath()).toBe("/"));
    expect(within(nav()).getByRole("link", { name: "Log in" })).toBeInTheDocument();
  });

  it("says why logging out failed and stays signed in", async () => {
    signedInAs(alice);
    server.use(http.post(api("/auth/logout"), () => HttpResponse.error()));
    const { user } = renderApp("/");
    await user.click(await screen.findByRole("button", { name: "Log out" }));

    expect(
      await screen.findByText("Could not log out. Cannot reach the server. Check your connection and try again."),
    ).toBeInTheDocument();
    expect(within(nav()).getByRole("button", { name: "Log out" })).toBeEnabled();
  });

  it("treats a logout after the session already ended as logged out, without an expiry notice", async () => {
    signedInAs(alice);
    const { user } = renderApp("/");
    const logOut = await screen.findByRole("button", { name: "Log out" });
    server.use(
      http.post(api("/auth/logout"), () => fail(401, "Token expired.")),
      http.post(api("/auth/refresh"), () => fail(401, "No refresh token.")),
    );
    await user.click(logOut);

    expect(await screen.findByText("Successfully logged out.")).toBeInTheDocument();
    expect(screen.queryByText(/session has expired/)).not.toBeInTheDocument();
    expect(within(nav()).getByRole("link", { name: "Log in" })).toBeInTheDocument();
  });
});
