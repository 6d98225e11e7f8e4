import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { STRONG_PASSWORD, WEAK_PASSWORD } from "../test/fixtures";
import { currentFragment, lastNavigation, currentPath, renderApp } from "../test/renderApp";
import { api, fail, server } from "../test/server";

const TOKEN = "q9X_-abcdefghijklmnopqrstuvwxyz0123456789ABC";
const INVALID_LINK = "This reset link is invalid or has expired. Ask for a new one.";

async function openReset(route = `/reset-password#token=${TOKEN}`) {
  const view = renderApp(route, { strict: true });
  await screen.findByRole("heading", { name: "Choose a new password" });
  return view;
}

async function choose(user: Awaited<ReturnType<typeof openReset>>["user"], password: string) {
  await user.type(screen.getByLabelText("New password"), password);
  await screen.findByText(/Hard enough to guess|too easy to guess/);
}

describe("ResetPasswordPage", () => {
  it("takes the token out of the address bar as soon as it has read it", async () => {
    await openReset();
    await waitFor(() => expect(currentFragment()).toBe(""));
    expect(lastNavigation()).toBe("REPLACE"); // out of the history too, not only the address bar
    expect(currentPath()).toBe("/reset-password");
    expect(screen.getByLabelText("New password")).toBeInTheDocument();
  });

  it("sets the new password with the link's token, then sends the user to Log in", async () => {
    let body: unknown = null;
    server.use(
      http.post(api("/auth/password-reset/confirm"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ status: "success", message: "Password changed. Log in with your new password." });
      }),
    );
    const { user } = await openReset();
    const submit = screen.getByRole("button", { name: "Set new password" });
    await choose(user, WEAK_PASSWORD);
    expect(submit).toBeDisabled();
    await user.clear(screen.getByLabelText("New password"));
    await choose(user, STRONG_PASSWORD);
    await user.click(submit);

    expect(await screen.findByText("Password changed. Log in with your new password.")).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    expect(currentPath()).toBe("/login");
    expect(body).toEqual({ token: TOKEN, new_password: STRONG_PASSWORD });
  });

  it("offers a new link when the token is expired, used or unknown", async () => {
    server.use(
      http.post(api("/auth/password-reset/confirm"), () => fail(400, INVALID_LINK, { token: [INVALID_LINK] })),
    );
    const { user } = await openReset();
    await choose(user, STRONG_PASSWORD);
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    expect(await screen.findByText(INVALID_LINK)).toBeInTheDocument();
    expect(screen.queryByLabelText("New password")).not.toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "Ask for a new link" }));
    expect(await screen.findByRole("heading", { name: "Forgot your password?" })).toBeInTheDocument();
  });

  it("shows the server's verdict on the password next to the field", async () => {
    server.use(
      http.post(api("/auth/password-reset/confirm"), () =>
        fail(400, "Invalid payload.", { new_password: ["This password is too easy to guess."] }),
      ),
    );
    const { user } = await openReset();
    await choose(user, STRONG_PASSWORD);
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(await screen.findByText("This password is too easy to guess.")).toBeInTheDocument();
    expect(screen.getByLabelText("New password")).toHaveAccessibleDescription(/This password is too easy to guess\./);
  });

  it("says what went wrong when the server cannot be reached", async () => {
    server.use(http.post(api("/auth/password-reset/confirm"), () => HttpResponse.error()));
    const { user } = await openReset();
    await choose(user, STRONG_PASSWORD);
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(
      await screen.findByText("Cannot reach the server. Check your connection and try again."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("New password")).toHaveValue(STRONG_PASSWORD);
  });

  it.each([
    ["without a token", "/reset-password"],
    ["with a token cut short", "/reset-password#token=q9X_-abc"],
    ["with a token that is not one", "/reset-password#token=q9X_-abcdefghijklmnopqrstuvwxyz%2F0123456789"],
  ])("explains a link %s", async (_, route) => {
    await openReset(route);
    expect(screen.getByText(/This link is incomplete\./)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/forgot-password");
    expect(screen.queryByLabelText("New password")).not.toBeInTheDocument();
  });
});
