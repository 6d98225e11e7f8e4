import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { currentPath, renderApp } from "../test/renderApp";
import { api, fail, server } from "../test/server";

const SENT = "If an active account uses that email, a link to reset its password is on its way.";

async function openForgot(route = "/forgot-password") {
  const view = renderApp(route);
  await screen.findByRole("heading", { name: "Forgot your password?" });
  return view;
}

describe("ForgotPasswordPage", () => {
  it("is linked from Log in", async () => {
    const { user } = renderApp("/login");
    await user.click(await screen.findByRole("link", { name: "Forgot your password?" }));
    expect(await screen.findByRole("heading", { name: "Forgot your password?" })).toBeInTheDocument();
    expect(currentPath()).toBe("/forgot-password");
  });

  it("asks for a link and shows the API's answer, which is the same for any address", async () => {
    let body: unknown = null;
    server.use(
      http.post(api("/auth/password-reset"), async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ status: "success", message: SENT }, { status: 202 });
      }),
    );
    const { user } = await openForgot();
    const send = screen.getByRole("button", { name: "Send reset link" });
    expect(send).toBeDisabled();
    await user.type(screen.getByLabelText("Email"), " alice@example.com ");
    await user.click(send);

    expect(await screen.findByText(SENT)).toBeInTheDocument();
    // The answer and the way to ask again are announced together.
    expect(screen.getByText(SENT).closest("[role=status]")).toHaveTextContent("Send another link");
    expect(body).toEqual({ email: "alice@example.com" });

    await user.click(screen.getByRole("button", { name: "Send another link" }));
    expect(screen.getByLabelText("Email")).toHaveValue("alice@example.com");
    await waitFor(() => expect(screen.getByLabelText("Email")).toHaveFocus());
  });

  it("says how long to wait when throttled", async () => {
    server.use(
      http.post(api("/auth/password-reset"), () =>
        fail(429, "Too many reset requests. Try again in 30 seconds.", undefined, { "Retry-After": "30" }),
      ),
    );
    const { user } = await openForgot();
    await user.type(screen.getByLabelText("Email"), "alice@example.com");
    await user.click(screen.getByRole("button", { name: "Send reset link" }));
    expect(await screen.findByText("Too many attempts. Try again in 30 seconds.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send reset link" })).toBeEnabled();
  });
});
