import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice, root } from "../../test/fixtures";
import { currentPath, renderApp } from "../../test/renderApp";
import { api, fail, server, signedInAs } from "../../test/server";

async function openDialog(who = alice) {
  signedInAs(who);
  const view = renderApp("/status");
  const section = await screen.findByRole("region", { name: "Delete account" });
  await view.user.click(within(section).getByRole("button", { name: "Delete my account" }));
  const dialog = await screen.findByRole("dialog", { name: "Delete your account?" });
  return { ...view, dialog };
}

describe("DeleteAccount", () => {
  it("asks for the password in a dialog, focused on the field", async () => {
    const { dialog } = await openDialog();
    const password = within(dialog).getByLabelText("Password");
    await waitFor(() => expect(password).toHaveFocus());
    expect(within(dialog).getByRole("button", { name: "Delete your account" })).toBeDisabled();
  });

  it("deletes the account with the password, signs out and says so", async () => {
    let body: unknown = null;
    const { user, dialog } = await openDialog();
    server.use(
      http.delete(api("/users/me"), async ({ request }) => {
        body = await request.json();
        server.use(http.post(api("/auth/refresh"), () => fail(401, "Missing or invalid refresh token.")));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await user.type(within(dialog).getByLabelText("Password"), "my password{Enter}");

    expect(await screen.findByText("Your account was deleted, and you are signed out everywhere.")).toBeInTheDocument();
    expect(body).toEqual({ password: "my password" });
    expect(await screen.findByRole("heading", { name: "Members" })).toBeInTheDocument();
    expect(currentPath()).toBe("/");
    expect(screen.getByRole("link", { name: "Log in" })).toBeInTheDocument();
  });

  it("shows a wrong password next to the field and stays signed in", async () => {
    const { user, dialog } = await openDialog();
    server.use(
      http.delete(api("/users/me"), () => fail(400, "Invalid payload.", { password: ["Password is incorrect."] })),
    );
    await user.type(within(dialog).getByLabelText("Password"), "wrong");
    await user.click(within(dialog).getByRole("button", { name: "Delete your account" }));

    expect(await within(dialog).findByText("Password is incorrect.")).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Password")).toHaveAccessibleDescription("Password is incorrect.");
    expect(currentPath()).toBe("/status");
  });

  it("explains why the last admin cannot leave", async () => {
    const { user, dialog } = await openDialog(root);
    server.use(
      http.delete(api("/users/me"), () =>
        fail(403, "You are the last active admin: make someone else an admin first."),
      ),
    );
    await user.type(within(dialog).getByLabelText("Password"), "secret");
    await user.click(within(dialog).getByRole("button", { name: "Delete your account" }));
    expect(
      await within(dialog).findByText("You are the last active admin: make someone else an admin first."),
    ).toBeInTheDocument();
  });

  it("forgets the password when cancelled", async () => {
    const { user, dialog } = await openDialog();
    await user.type(within(dialog).getByLabelText("Password"), "half typed");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());

    await user.click(screen.getByRole("button", { name: "Delete my account" }));
    const again = await screen.findByRole("dialog", { name: "Delete your account?" });
    expect(within(again).getByLabelText("Password")).toHaveValue("");
  });
});
