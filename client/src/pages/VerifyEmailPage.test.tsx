import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice, makeUser } from "../test/fixtures";
import { currentFragment, lastNavigation, renderApp } from "../test/renderApp";
import { api, fail, server, signedInAs } from "../test/server";

const TOKEN = "Zt0k3n_-abcdefghijklmnopqrstuvwxyz0123456789";
const INVALID_LINK = "This link is invalid or has expired.";
const RESENT = "If that address needs confirming, a new link is on its way.";

function confirmsWith(answer: () => Response) {
  const bodies: unknown[] = [];
  server.use(
    http.post(api("/auth/verify-email"), async ({ request }) => {
      bodies.push(await request.json());
      return answer();
    }),
  );
  return bodies;
}

const confirmed = () =>
  HttpResponse.json({
    status: "success",
    message: "Your email address is confirmed.",
    data: { email: "alice@example.com" },
  });

async function openVerify(route = `/verify-email#token=${TOKEN}`) {
  const view = renderApp(route, { strict: true });
  await screen.findByRole("heading", { name: "Confirm your email address" });
  return view;
}

/** Open the link and press the button, as the address's owner does. */
async function openAndConfirm() {
  const view = await openVerify();
  await view.user.click(await screen.findByRole("button", { name: "Confirm my email address" }));
  return view;
}

describe("VerifyEmailPage", () => {
  it("sends nothing on load: a link scanner that runs the page's script confirms no address", async () => {
    const bodies = confirmsWith(confirmed);
    await openVerify();
    expect(await screen.findByRole("button", { name: "Confirm my email address" })).toBeEnabled();
    await waitFor(() => expect(currentFragment()).toBe(""));
    await new Promise((resolve) => setTimeout(resolve, 50)); // any request sent on load would have landed
    expect(bodies).toEqual([]);
    expect(screen.queryByText("Your email address is confirmed.")).not.toBeInTheDocument();
  });

  it("sends the link's token once the button is pressed, drops it from the address bar and says the address is confirmed", async () => {
    const bodies = confirmsWith(confirmed);
    await openAndConfirm();

    expect(await screen.findByText("Your email address is confirmed.")).toBeInTheDocument();
    expect(within(screen.getByRole("main")).getByRole("link", { name: "Log in" })).toHaveAttribute("href", "/login");
    await waitFor(() => expect(currentFragment()).toBe(""));
    expect(lastNavigation()).toBe("REPLACE"); // out of the history too, not only the address bar
    expect(bodies).toEqual([{ token: TOKEN }]);
  });

  it("shows a signed-in user their account as it is now", async () => {
    const unconfirmed = makeUser({ id: 1, username: "alice", email: "alice@example.com", email_verified_at: null });
    signedInAs(unconfirmed);
    confirmsWith(confirmed);
    server.use(http.get(api("/auth/status"), () => HttpResponse.json({ status: "success", data: alice })));
    await openAndConfirm();

    expect(await screen.findByRole("link", { name: "Go to my account" })).toHaveAttribute("href", "/status");
    await waitFor(() => expect(screen.queryByRole("region", { name: "Email confirmation" })).not.toBeInTheDocument());
  });

  it("offers a new link when the token is expired, used or unknown", async () => {
    const resent: unknown[] = [];
    confirmsWith(() => fail(400, INVALID_LINK, { token: [INVALID_LINK] }));
    server.use(
      http.post(api("/auth/verify-email/resend"), async ({ request }) => {
        resent.push(await request.json());
        return HttpResponse.json({ status: "success", message: RESENT }, { status: 202 });
      }),
    );
    const { user } = await openAndConfirm();

    expect(await screen.findByText(INVALID_LINK)).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Ask for a new link" });
    const send = within(form).getByRole("button", { name: "Email me a new link" });
    expect(send).toBeDisabled();
    await user.type(within(form).getByLabelText("Email"), "alice@example.com");
    await user.click(send);

    expect(await within(form).findByText(RESENT)).toBeInTheDocument();
    expect(resent).toEqual([{ email: "alice@example.com" }]);
  });

  it("fills in the address a signed-in user is waiting to confirm", async () => {
    signedInAs(makeUser({ email: "old@example.com", pending_email: "new@example.com" }));
    confirmsWith(() => fail(400, INVALID_LINK, { token: [INVALID_LINK] }));
    await openAndConfirm();
    const form = await screen.findByRole("form", { name: "Ask for a new link" });
    await waitFor(() => expect(within(form).getByLabelText("Email")).toHaveValue("new@example.com"));
  });

  it("says how long to wait when new links are throttled", async () => {
    confirmsWith(() => fail(400, INVALID_LINK, { token: [INVALID_LINK] }));
    server.use(
      http.post(api("/auth/verify-email/resend"), () =>
        fail(429, "Too many confirmation requests. Try again in 12 seconds.", undefined, { "Retry-After": "12" }),
      ),
    );
    const { user } = await openAndConfirm();
    const form = await screen.findByRole("form", { name: "Ask for a new link" });
    await user.type(within(form).getByLabelText("Email"), "alice@example.com");
    await user.click(within(form).getByRole("button", { name: "Email me a new link" }));
    expect(await within(form).findByText("Too many attempts. Try again in 12 seconds.")).toBeInTheDocument();
  });

  it("explains a link without a token and sends nothing", async () => {
    const bodies = confirmsWith(confirmed);
    await openVerify("/verify-email");
    expect(screen.getByText(/This link is incomplete\./)).toBeInTheDocument();
    expect(screen.getByRole("form", { name: "Ask for a new link" })).toBeInTheDocument();
    expect(bodies).toEqual([]);
  });

  it("lets the user try again when the server cannot be reached", async () => {
    let attempts = 0;
    confirmsWith(() => (++attempts === 1 ? HttpResponse.error() : confirmed()));
    const { user } = await openAndConfirm();

    expect(
      await screen.findByText(
        "Could not confirm your email address. Cannot reach the server. Check your connection and try again.",
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Your email address is confirmed.")).toBeInTheDocument();
  });
});
