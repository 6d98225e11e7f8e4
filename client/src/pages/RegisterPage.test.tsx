import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { STRONG_PASSWORD, WEAK_PASSWORD, makeUser } from "../test/fixtures";
import { currentPath, renderApp } from "../test/renderApp";
import { api, authBody, fail, server } from "../test/server";

const rule = (text: string) => screen.getByText(text).closest("li");

async function openRegister() {
  const view = renderApp("/register");
  await screen.findByRole("heading", { name: "Register" });
  return view;
}

async function fillValid(user: Awaited<ReturnType<typeof openRegister>>["user"]) {
  await user.type(screen.getByLabelText("Username"), "newbie");
  await user.type(screen.getByLabelText("Email"), "newbie@example.com");
  await user.type(screen.getByLabelText("Password"), STRONG_PASSWORD);
  await screen.findByText("Hard enough to guess");
}

describe("RegisterPage", () => {
  it("labels every field and starts with Register disabled", async () => {
    await openRegister();
    for (const label of ["Username", "Email", "Password"]) expect(screen.getByLabelText(label)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Register" })).toBeDisabled();
  });

  it("shows the username rules as the user types", async () => {
    const { user } = await openRegister();
    await user.type(screen.getByLabelText("Username"), "a!");
    expect(rule("3 to 32 characters")).toHaveTextContent("(not yet)");
    expect(rule("Only letters, digits, underscore, dot or hyphen")).toHaveTextContent("(not yet)");
    await user.clear(screen.getByLabelText("Username"));
    await user.type(screen.getByLabelText("Username"), "abc");
    expect(rule("3 to 32 characters")).toHaveTextContent("(done)");
    expect(rule("Only letters, digits, underscore, dot or hyphen")).toHaveTextContent("(done)");
  });

  it("shows the email rule as the user types", async () => {
    const { user } = await openRegister();
    await user.type(screen.getByLabelText("Email"), "someone@");
    expect(rule("A valid email address")).toHaveTextContent("(not yet)");
    await user.type(screen.getByLabelText("Email"), "example.com");
    expect(rule("A valid email address")).toHaveTextContent("(done)");
  });

  it("shows the password length and strength as the user types", async () => {
    const { user } = await openRegister();
    await user.type(screen.getByLabelText("Password"), "short");
    expect(rule("8 to 128 characters")).toHaveTextContent("(not yet)");

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), WEAK_PASSWORD);
    expect(rule("8 to 128 characters")).toHaveTextContent("(done)");
    expect(await screen.findByText(/This password is too easy to guess\./)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Register" })).toBeDisabled();

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), STRONG_PASSWORD);
    expect(await screen.findByText("Hard enough to guess")).toBeInTheDocument();
  });

  it("enables Register once every rule passes, then registers and welcomes the user on their status page", async () => {
    let body: unknown = null;
    const created = makeUser({ username: "newbie", email: "newbie@example.com" });
    server.use(
      http.post(api("/auth/register"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(authBody(created, "Successfully registered."), { status: 201 });
      }),
    );
    const { user } = await openRegister();
    await fillValid(user);

    await user.click(screen.getByRole("button", { name: "Register" }));

    expect(await screen.findByText("Welcome, newbie! Successfully registered.")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "My account" })).toBeInTheDocument();
    expect(currentPath()).toBe("/status");
    expect(body).toEqual({ username: "newbie", email: "newbie@example.com", password: STRONG_PASSWORD });
  });

  it("puts server field errors next to the field they concern", async () => {
    server.use(
      http.post(api("/auth/register"), () =>
        fail(409, "Username is already taken.", {
          username: ["Username is already taken."],
          email: ["Email is already registered."],
        }),
      ),
    );
    const { user } = await openRegister();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Register" }));

    const username = screen.getByLabelText("Username");
    expect(await screen.findByText("Username is already taken.")).toBeInTheDocument();
    expect(username).toHaveAccessibleDescription(/Username is already taken\./);
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription(/Email is already registered\./);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();

    // Editing the field clears its server error.
    await user.type(username, "2");
    expect(screen.queryByText("Username is already taken.")).not.toBeInTheDocument();
  });

  it("shows the server's 'too easy to guess' verdict next to the password", async () => {
    server.use(
      http.post(api("/auth/register"), () =>
        fail(400, "Invalid payload.", { password: ["This password is too easy to guess."] }),
      ),
    );
    const { user } = await openRegister();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Register" }));

    const password = screen.getByLabelText("Password");
    expect(await screen.findByText("This password is too easy to guess.")).toBeInTheDocument();
    expect(password).toHaveAccessibleDescription(/This password is too easy to guess\./);
  });

  it("reports a server error in words and lets the user retry", async () => {
    server.use(
      http.post(api("/auth/register"), () => HttpResponse.json({ status: "error", message: "x" }, { status: 500 })),
    );
    const { user } = await openRegister();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Register" }));

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("The server ran into a problem. Please try again in a moment.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Register" })).toBeEnabled();
  });

  it("asks the user to check their email when the platform wants the address confirmed first", async () => {
    const created = { username: "newbie", email: "newbie@example.com" }; // only what was typed comes back
    const resent: unknown[] = [];
    server.use(
      http.post(api("/auth/register"), () =>
        HttpResponse.json(
          {
            status: "success",
            message: "Check your email to confirm your address, then log in.",
            verification_required: true,
            data: created,
          },
          { status: 201 },
        ),
      ),
      http.post(api("/auth/verify-email/resend"), async ({ request }) => {
        resent.push(await request.json());
        return HttpResponse.json(
          { status: "success", message: "If that address needs confirming, a new link is on its way." },
          { status: 202 },
        );
      }),
    );
    const { user } = await openRegister();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Register" }));

    expect(await screen.findByRole("heading", { name: "Check your email" })).toBeInTheDocument();
    expect(screen.getByText("Check your email to confirm your address, then log in.")).toBeInTheDocument();
    expect(currentPath()).toBe("/register");
    expect(within(screen.getByRole("navigation")).getByRole("link", { name: "Log in" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Send a new link to newbie@example.com" }));
    expect(await screen.findByText("If that address needs confirming, a new link is on its way.")).toBeInTheDocument();
    expect(resent).toEqual([{ email: "newbie@example.com" }]);
  });
});
