import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice } from "../test/fixtures";
import { currentPath, renderApp } from "../test/renderApp";
import { api, authBody, fail, server } from "../test/server";

async function fillIn(user: ReturnType<typeof renderApp>["user"], email: string, password: string) {
  await user.type(await screen.findByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
}

describe("LoginPage", () => {
  it("keeps Log in disabled until both fields are filled", async () => {
    const { user } = renderApp("/login");
    const submit = await screen.findByRole("button", { name: "Log in" });
    expect(submit).toBeDisabled();
    await user.type(screen.getByLabelText("Email"), "alice@example.com");
    expect(submit).toBeDisabled();
    await user.type(screen.getByLabelText("Password"), "secret");
    expect(submit).toBeEnabled();
  });

  it("logs in, goes to the status page and says so", async () => {
    let body: unknown = null;
    server.use(
      http.post(api("/auth/login"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(authBody(alice, "Successfully logged in."));
      }),
    );
    const { user } = renderApp("/login");
    await fillIn(user, " alice@example.com ", "my password");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByText("Successfully logged in.")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "My account" })).toBeInTheDocument();
    expect(currentPath()).toBe("/status");
    expect(body).toEqual({ email: "alice@example.com", password: "my password" });
  });

  it("shows the API's generic message for bad credentials", async () => {
    server.use(http.post(api("/auth/login"), () => fail(401, "Invalid email or password.")));
    const { user } = renderApp("/login");
    await fillIn(user, "alice@example.com", "wrong");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByText("Invalid email or password.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Log in" })).toBeEnabled();
    expect(currentPath()).toBe("/login");
  });

  it("says how long to wait when throttled", async () => {
    server.use(
      http.post(api("/auth/login"), () =>
        fail(429, "Too many failed attempts. Try again in 37 seconds.", undefined, { "Retry-After": "37" }),
      ),
    );
    const { user } = renderApp("/login");
    await fillIn(user, "alice@example.com", "wrong");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByText("Too many attempts. Try again in 37 seconds.")).toBeInTheDocument();
  });

  it("shows that it is running, and says when the server cannot be reached", async () => {
    let answer: () => void = () => undefined;
    server.use(
      http.post(api("/auth/login"), async () => {
        await new Promise<void>((resolve) => (answer = resolve));
        return HttpResponse.error();
      }),
    );
    const { user } = renderApp("/login");
    await fillIn(user, "alice@example.com", "pw");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByRole("button", { name: "Logging in…" })).toBeDisabled();
    answer();
    expect(
      await screen.findByText("Cannot reach the server. Check your connection and try again."),
    ).toBeInTheDocument();
  });

  it("maps field errors from the server onto the fields", async () => {
    server.use(http.post(api("/auth/login"), () => fail(400, "Invalid payload.", { email: ["Enter a valid email."] })));
    const { user } = renderApp("/login");
    await fillIn(user, "nonsense", "pw");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByText("Enter a valid email.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription("Enter a valid email.");
  });

  it("returns to the page that asked for a login", async () => {
    server.use(http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "Successfully logged in."))));
    const { user } = renderApp("/status");
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    await fillIn(user, "alice@example.com", "pw");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "My account" })).toBeInTheDocument();
  });

  it("explains an unconfirmed email and offers a new link", async () => {
    const resent: unknown[] = [];
    server.use(
      http.post(api("/auth/login"), () =>
        HttpResponse.json(
          {
            status: "fail",
            reason: "email_unverified",
            message: "Confirm your email address first. We can send you a new link.",
          },
          { status: 403 },
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
    const { user } = renderApp("/login");
    await fillIn(user, " alice@example.com", "right password");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(
      await screen.findByText("Confirm your email address first. We can send you a new link."),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send a new link to alice@example.com" }));
    expect(await screen.findByText("If that address needs confirming, a new link is on its way.")).toBeInTheDocument();
    expect(resent).toEqual([{ email: "alice@example.com" }]);
    expect(currentPath()).toBe("/login");
  });

  it("offers no new link for other refusals", async () => {
    server.use(http.post(api("/auth/login"), () => fail(403, "This account is deactivated.")));
    const { user } = renderApp("/login");
    await fillIn(user, "alice@example.com", "pw");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByText("This account is deactivated.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Send a new link/ })).not.toBeInTheDocument();
  });
});
