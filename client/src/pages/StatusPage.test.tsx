import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { STRONG_PASSWORD, alice, makeUser } from "../test/fixtures";
import { currentPath, renderApp } from "../test/renderApp";
import { api, fail, server, signedInAs } from "../test/server";

async function openStatus() {
  signedInAs(alice);
  const view = renderApp("/status");
  await screen.findByRole("heading", { name: "My account" });
  return view;
}

const detail = (term: string) => screen.getByText(term, { selector: "dt" }).nextElementSibling?.textContent;

describe("StatusPage", () => {
  it("sends a logged-out visitor to Log in", async () => {
    renderApp("/status");
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    expect(currentPath()).toBe("/login");
  });

  it("shows id, username, email, active, admin and member since", async () => {
    await openStatus();
    expect(detail("ID")).toBe("1");
    expect(detail("Username")).toBe("alice");
    expect(detail("Email")).toBe("alice@example.com");
    expect(detail("Email confirmed")).toBe("1 Mar 2026");
    expect(detail("Active")).toBe("Yes");
    expect(detail("Admin")).toBe("No");
    expect(detail("Member since")).toBe("1 Mar 2026");
  });

  it("changes the username, sending only what changed", async () => {
    let body: unknown = null;
    server.use(
      http.patch(api("/users/me"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          status: "success",
          message: "Profile updated.",
          data: { ...alice, username: "alice2" },
        });
      }),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change username or email" });
    const save = within(form).getByRole("button", { name: "Save changes" });
    expect(save).toBeDisabled();

    await user.clear(within(form).getByLabelText("Username"));
    await user.type(within(form).getByLabelText("Username"), "alice2");
    await user.click(save);

    expect(await screen.findByText("Profile updated.")).toBeInTheDocument();
    expect(body).toEqual({ username: "alice2" });
    expect(detail("Username")).toBe("alice2");
  });

  it("shows a taken username next to the username field", async () => {
    server.use(
      http.patch(api("/users/me"), () =>
        fail(409, "That username or email is already taken.", { username: ["Username is already taken."] }),
      ),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change username or email" });
    const username = within(form).getByLabelText("Username");
    await user.clear(username);
    await user.type(username, "bob");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await within(form).findByText("Username is already taken.")).toBeInTheDocument();
    expect(username).toHaveAccessibleDescription(/Username is already taken\./);
  });

  it("asks for the current password only when the email changes", async () => {
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change username or email" });
    expect(within(form).queryByLabelText("Current password")).not.toBeInTheDocument();
    const email = within(form).getByLabelText("Email");
    await user.clear(email);
    await user.type(email, "new@example.com");

    const password = within(form).getByLabelText("Current password");
    expect(password).toHaveAccessibleDescription("Needed to change your email.");
    expect(within(form).getByRole("button", { name: "Save changes" })).toBeDisabled();
    await user.clear(email);
    await user.type(email, "alice@example.com");
    expect(within(form).queryByLabelText("Current password")).not.toBeInTheDocument();
  });

  it("shows a wrong current password next to it in the profile form", async () => {
    server.use(
      http.patch(api("/users/me"), () =>
        fail(400, "Invalid payload.", { current_password: ["Current password is incorrect."] }),
      ),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change username or email" });
    const email = within(form).getByLabelText("Email");
    await user.clear(email);
    await user.type(email, "new@example.com");
    await user.type(within(form).getByLabelText("Current password"), "wrong");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await within(form).findByText("Current password is incorrect.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Current password")).toHaveAccessibleDescription(
      /Current password is incorrect\./,
    );
  });

  it("changes the password with the current one and clears the form", async () => {
    let body: unknown = null;
    server.use(
      http.post(api("/users/me/password"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ status: "success", message: "Password changed." });
      }),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change password" });
    const submit = within(form).getByRole("button", { name: "Change password" });

    await user.type(within(form).getByLabelText("New password"), STRONG_PASSWORD);
    await within(form).findByText("Hard enough to guess");
    expect(submit).toBeDisabled(); // the current password is required
    await user.type(within(form).getByLabelText("Current password"), "old secret");
    await user.click(submit);

    expect(await screen.findByText("Password changed.")).toBeInTheDocument();
    expect(body).toEqual({ current_password: "old secret", new_password: STRONG_PASSWORD });
    expect(within(form).getByLabelText("Current password")).toHaveValue("");
    expect(within(form).getByLabelText("New password")).toHaveValue("");
  });

  it("shows a wrong current password next to that field", async () => {
    server.use(
      http.post(api("/users/me/password"), () =>
        fail(400, "Invalid payload.", { current_password: ["Current password is incorrect."] }),
      ),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change password" });
    await user.type(within(form).getByLabelText("Current password"), "wrong");
    await user.type(within(form).getByLabelText("New password"), STRONG_PASSWORD);
    await within(form).findByText("Hard enough to guess");
    await user.click(within(form).getByRole("button", { name: "Change password" }));

    expect(await within(form).findByText("Current password is incorrect.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Current password")).toHaveAccessibleDescription(
      "Current password is incorrect.",
    );
  });

  it("shows an unconfirmed email and a new address waiting for confirmation", async () => {
    signedInAs(makeUser({ email: "old@example.com", email_verified_at: null, pending_email: "new@example.com" }));
    renderApp("/status");
    await screen.findByRole("heading", { name: "My account" });
    expect(detail("Email confirmed")).toBe("Not yet");
    expect(detail("New email")).toBe("new@example.com (waiting for confirmation)");
    const form = screen.getByRole("form", { name: "Change username or email" });
    expect(within(form).getByLabelText("Email")).toHaveAccessibleDescription(
      /new@example\.com is waiting for confirmation: open the link we sent there\. Until then your email stays old@example\.com\./,
    );
  });

  it("changes the email with the current password: the old one stays until the new one is confirmed", async () => {
    const message =
      "Profile updated. Confirm new@example.com with the link we sent there; until then your email stays.";
    let body: unknown = null;
    server.use(
      http.patch(api("/users/me"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ status: "success", message, data: { ...alice, pending_email: "new@example.com" } });
      }),
    );
    const { user } = await openStatus();
    const form = screen.getByRole("form", { name: "Change username or email" });
    const email = within(form).getByLabelText("Email");
    await user.clear(email);
    await user.type(email, "new@example.com");
    await user.type(within(form).getByLabelText("Current password"), "old secret");
    await user.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(body).toEqual({ email: "new@example.com", current_password: "old secret" });
    expect(within(form).queryByLabelText("Current password")).not.toBeInTheDocument();
    expect(email).toHaveValue("alice@example.com");
    expect(detail("Email")).toBe("alice@example.com");
    expect(detail("New email")).toBe("new@example.com (waiting for confirmation)");
    expect(await screen.findByRole("region", { name: "Email confirmation" })).toHaveTextContent(
      "Your new address new@example.com is waiting for confirmation",
    );
  });
});
