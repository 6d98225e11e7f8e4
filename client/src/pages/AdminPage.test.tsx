import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import type { User } from "../api/types";
import { STRONG_PASSWORD, alice, makeSession, makeUser, root } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { api, fail, server, sessionsBody, signedInAs } from "../test/server";

const bob = makeUser({ id: 3, username: "bob", email: "bob@example.com", active: false });

function serveUsers(users: User[]) {
  server.use(
    http.get(api("/users"), () => HttpResponse.json({ status: "success", data: { users, next_cursor: null } })),
  );
}

async function openAdmin(users: User[] = [bob, alice, root]) {
  signedInAs(root);
  serveUsers(users);
  const view = renderApp("/admin");
  await screen.findByRole("table", { name: "All users" });
  return view;
}

const row = (username: string) => screen.getByRole("row", { name: new RegExp(`^\\d+ ${username}\\b`) });

describe("AdminPage", () => {
  it("is for admins only", async () => {
    signedInAs(alice);
    renderApp("/admin");
    expect(await screen.findByRole("heading", { name: "Admins only" })).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("sends a logged-out visitor to Log in", async () => {
    renderApp("/admin");
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
  });

  it("shows every user with every field", async () => {
    await openAdmin();
    const headers = screen.getAllByRole("columnheader").map((cell) => cell.textContent);
    expect(headers).toEqual([
      "ID",
      "Username",
      "Email",
      "Verified",
      "Active",
      "Admin",
      "Created",
      "Updated",
      "Actions",
    ]);
    const cells = within(row("bob"))
      .getAllByRole("cell")
      .map((cell) => cell.textContent);
    expect(cells.slice(0, 5)).toEqual(["3", "bob@example.com", "Yes", "No", "No"]);
    expect(cells[5]).toMatch(/^1 Mar 2026/);
    expect(cells[6]).toMatch(/^2 Mar 2026/);
  });

  it("shows who has not confirmed their email, and an address change waiting for confirmation", async () => {
    const dora = makeUser({ id: 5, username: "dora", email: "dora@example.com", email_verified_at: null });
    const erin = makeUser({ id: 6, username: "erin", email: "erin@example.com", pending_email: "erin@new.example" });
    await openAdmin([dora, erin, root]);
    const cells = (username: string) =>
      within(row(username))
        .getAllByRole("cell")
        .map((cell) => cell.textContent);
    expect(cells("dora").slice(1, 3)).toEqual(["dora@example.com", "No"]);
    expect(cells("erin").slice(1, 3)).toEqual(["erin@example.comchanging to erin@new.example", "Yes"]);
  });

  it("offers the admin no action on their own account", async () => {
    await openAdmin();
    const own = row("root");
    expect(within(own).getByText("Your own account")).toBeInTheDocument();
    expect(within(own).queryByRole("button")).not.toBeInTheDocument();
    expect(within(row("alice")).getByRole("button", { name: "Promote alice" })).toBeInTheDocument();
  });

  it.each([
    ["Activate bob", 3, { active: true }, "bob is now active."],
    ["Deactivate alice", 1, { active: false }, "alice is now inactive."],
    ["Promote alice", 1, { admin: true }, "alice is now an admin."],
  ])("%s sends the change and updates the row", async (button, id, change, message) => {
    const patches: unknown[] = [];
    const { user } = await openAdmin();
    server.use(
      http.patch(api("/users/:id"), async ({ request, params }) => {
        const body = (await request.json()) as Record<string, unknown>;
        patches.push({ id: params.id, body });
        const target = [alice, bob].find((user) => String(user.id) === params.id)!;
        return HttpResponse.json({ status: "success", message: "User updated.", data: { ...target, ...body } });
      }),
    );
    await user.click(screen.getByRole("button", { name: button }));

    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(patches).toEqual([{ id: String(id), body: change }]);
  });

  it("demotes an admin", async () => {
    const carol = makeUser({ id: 4, username: "carol", admin: true });
    const { user } = await openAdmin([carol, root]);
    server.use(
      http.patch(api("/users/4"), () =>
        HttpResponse.json({ status: "success", message: "User updated.", data: { ...carol, admin: false } }),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Demote carol" }));
    expect(await screen.findByText("carol is no longer an admin.")).toBeInTheDocument();
    expect(within(row("carol")).getByRole("button", { name: "Promote carol" })).toBeInTheDocument();
  });

  it("reports a refused change in the API's words", async () => {
    const { user } = await openAdmin();
    server.use(http.patch(api("/users/1"), () => fail(403, "Admins cannot change that.")));
    await user.click(screen.getByRole("button", { name: "Promote alice" }));
    expect(await screen.findByText("Could not update alice. Admins cannot change that.")).toBeInTheDocument();
  });

  it("asks before deleting, and Cancel deletes nothing", async () => {
    let deletes = 0;
    const { user } = await openAdmin();
    server.use(
      http.delete(api("/users/:id"), () => {
        deletes += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await user.click(screen.getByRole("button", { name: "Delete bob" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete bob?" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(deletes).toBe(0);
    expect(row("bob")).toBeInTheDocument();
  });

  it("deletes after confirmation and removes the row", async () => {
    const deleted: string[] = [];
    const { user } = await openAdmin();
    server.use(
      http.delete(api("/users/:id"), ({ params }) => {
        deleted.push(String(params.id));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await user.click(screen.getByRole("button", { name: "Delete bob" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete bob?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete bob" }));

    expect(await screen.findByText("bob was deleted.")).toBeInTheDocument();
    expect(deleted).toEqual(["3"]);
    expect(screen.queryByRole("row", { name: /^3 bob/ })).not.toBeInTheDocument();
  });

  it("adds a user with the admin flag", async () => {
    let body: unknown = null;
    const dave = makeUser({ id: 9, username: "dave", email: "dave@example.com", admin: true });
    const { user } = await openAdmin();
    server.use(
      http.post(api("/users"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ status: "success", message: "User created.", data: dave }, { status: 201 });
      }),
    );
    const form = screen.getByRole("form", { name: "Add a user" });
    const add = within(form).getByRole("button", { name: "Add user" });
    expect(add).toBeDisabled();
    await user.type(within(form).getByLabelText("Username"), "dave");
    await user.type(within(form).getByLabelText("Email"), "dave@example.com");
    await user.type(within(form).getByLabelText("Password"), STRONG_PASSWORD);
    await user.click(within(form).getByLabelText("Administrator"));
    expect(within(form).getByLabelText("Active")).toBeChecked();
    await within(form).findByText("Hard enough to guess");
    await user.click(add);

    expect(await screen.findByText("User created. (dave)")).toBeInTheDocument();
    expect(body).toEqual({
      username: "dave",
      email: "dave@example.com",
      password: STRONG_PASSWORD,
      admin: true,
      active: true,
    });
    expect(row("dave")).toBeInTheDocument();
    expect(within(form).getByLabelText("Username")).toHaveValue("");
  });

  it("shows a taken username next to the field when adding", async () => {
    const { user } = await openAdmin();
    server.use(
      http.post(api("/users"), () =>
        fail(409, "Username is already taken.", { username: ["Username is already taken."] }),
      ),
    );
    const form = screen.getByRole("form", { name: "Add a user" });
    await user.type(within(form).getByLabelText("Username"), "alice");
    await user.type(within(form).getByLabelText("Email"), "alice2@example.com");
    await user.type(within(form).getByLabelText("Password"), STRONG_PASSWORD);
    await within(form).findByText("Hard enough to guess");
    await user.click(within(form).getByRole("button", { name: "Add user" }));

    expect(within(form).getByLabelText("Username")).toHaveAccessibleDescription(/Username is already taken\./);
  });

  it("says when the users cannot be loaded and tries again", async () => {
    signedInAs(root);
    serveUsers([alice, root]);
    server.use(
      http.get(api("/users"), () => HttpResponse.json({ status: "error", message: "x" }, { status: 500 }), {
        once: true,
      }),
    );
    const { user } = renderApp("/admin");

    expect(
      await screen.findByText("Could not load users. The server ran into a problem. Please try again in a moment."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("row", { name: /^1 alice/ })).toBeInTheDocument();
  });

  it("loads more users by cursor", async () => {
    signedInAs(root);
    const carol = makeUser({ id: 4, username: "carol" });
    server.use(
      http.get(api("/users"), ({ request }) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        return HttpResponse.json({
          status: "success",
          data: cursor ? { users: [alice], next_cursor: null } : { users: [carol, root], next_cursor: "next" },
        });
      }),
    );
    const { user } = renderApp("/admin");
    await user.click(await screen.findByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("row", { name: /^1 alice/ })).toBeInTheDocument();
  });

  it("mails a user a reset link and never shows a token", async () => {
    const posted: string[] = [];
    const { user } = await openAdmin();
    server.use(
      http.post(api("/users/:id/password-reset"), ({ params }) => {
        posted.push(String(params.id));
        return HttpResponse.json(
          { status: "success", message: "A reset link is on its way to alice." },
          { status: 202 },
        );
      }),
    );
    await user.click(screen.getByRole("button", { name: "Send alice a password reset link" }));
    expect(await screen.findByText("A reset link is on its way to alice.")).toBeInTheDocument();
    expect(posted).toEqual(["1"]);
  });

  it("says why a reset link cannot be sent", async () => {
    const { user } = await openAdmin();
    server.use(
      http.post(api("/users/3/password-reset"), () =>
        fail(403, "This account is deactivated; activate it before sending a reset link."),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Send bob a password reset link" }));
    expect(
      await screen.findByText(
        "Could not send bob a reset link. This account is deactivated; activate it before sending a reset link.",
      ),
    ).toBeInTheDocument();
  });

  it("shows a user's sessions and signs them out everywhere", async () => {
    const sessions = [makeSession({ device: "Chrome 131 on macOS" }), makeSession({ device: "Firefox 120 on Ubuntu" })];
    let live = sessions;
    const ended: string[] = [];
    const { user } = await openAdmin();
    server.use(
      http.get(api("/users/1/sessions"), () => HttpResponse.json(sessionsBody(live))),
      http.delete(api("/users/:id/sessions"), ({ params }) => {
        ended.push(String(params.id));
        live = [];
        return HttpResponse.json({ status: "success", message: "Ended 2 sessions." });
      }),
    );
    await user.click(screen.getByRole("button", { name: "Sessions of alice" }));
    const dialog = await screen.findByRole("dialog", { name: "Sessions of alice" });
    const table = await within(dialog).findByRole("table", { name: "Sessions of alice" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByRole("row", { name: /^Chrome 131 on macOS/ })).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Sign alice out everywhere" }));

    expect(await within(dialog).findByText("Ended 2 sessions.")).toBeInTheDocument();
    expect(await within(dialog).findByText("alice is not signed in anywhere.")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Sign alice out everywhere" })).toBeDisabled();
    expect(ended).toEqual(["1"]);

    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("says when a user's sessions cannot be loaded or ended", async () => {
    const { user } = await openAdmin();
    server.use(
      http.get(api("/users/3/sessions"), () => HttpResponse.json({ status: "error", message: "x" }, { status: 500 }), {
        once: true,
      }),
      http.get(api("/users/3/sessions"), () => HttpResponse.json(sessionsBody([makeSession()]))),
      http.delete(api("/users/3/sessions"), () => HttpResponse.error()),
    );
    await user.click(screen.getByRole("button", { name: "Sessions of bob" }));
    const dialog = await screen.findByRole("dialog", { name: "Sessions of bob" });
    expect(
      await within(dialog).findByText(
        "Could not load the sessions. The server ran into a problem. Please try again in a moment.",
      ),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Try again" }));
    await within(dialog).findByRole("table", { name: "Sessions of bob" });

    await user.click(within(dialog).getByRole("button", { name: "Sign bob out everywhere" }));
    expect(
      await within(dialog).findByText(
        "Could not end the sessions. Cannot reach the server. Check your connection and try again.",
      ),
    ).toHaveAttribute("role", "alert");
  });
});
