import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice, makeUser } from "../../test/fixtures";
import { renderApp } from "../../test/renderApp";
import { api, fail, server, signedInAs } from "../../test/server";

const RESENT = "If that address needs confirming, a new link is on its way.";
const banner = () => screen.findByRole("region", { name: "Email confirmation" });

function resends() {
  const bodies: unknown[] = [];
  server.use(
    http.post(api("/auth/verify-email/resend"), async ({ request }) => {
      bodies.push(await request.json());
      return HttpResponse.json({ status: "success", message: RESENT }, { status: 202 });
    }),
  );
  return bodies;
}

describe("EmailConfirmationBanner", () => {
  it("asks a user with an unconfirmed email to confirm it, and resends the link", async () => {
    const bodies = resends();
    signedInAs(makeUser({ email: "carol@example.com", email_verified_at: null }));
    const { user } = renderApp("/");
    const region = await banner();
    expect(region).toHaveTextContent("Please confirm your email address, carol@example.com");

    await user.click(within(region).getByRole("button", { name: "Send a new link to carol@example.com" }));

    expect(await within(region).findByText(RESENT)).toBeInTheDocument();
    expect(within(region).getByRole("status")).toHaveTextContent(RESENT);
    expect(bodies).toEqual([{ email: "carol@example.com" }]);
  });

  it("tells a user that a new address waits for confirmation, and resends to that address", async () => {
    const bodies = resends();
    signedInAs(makeUser({ email: "old@example.com", pending_email: "new@example.com" }));
    const { user } = renderApp("/");
    const region = await banner();
    expect(region).toHaveTextContent("Your new address new@example.com is waiting for confirmation");
    expect(region).toHaveTextContent("Until then your email stays old@example.com.");
    expect(region).not.toHaveTextContent("Please confirm your email address");

    await user.click(within(region).getByRole("button", { name: "Send a new link to new@example.com" }));
    expect(await within(region).findByText(RESENT)).toBeInTheDocument();
    expect(bodies).toEqual([{ email: "new@example.com" }]);
  });

  it("says how long to wait when resending is throttled, and shows that it is sending", async () => {
    let answer: (() => void) | null = null;
    server.use(
      http.post(api("/auth/verify-email/resend"), async () => {
        await new Promise<void>((resolve) => (answer = resolve));
        return fail(429, "Too many confirmation requests. Try again in 42 seconds.", undefined, {
          "Retry-After": "42",
        });
      }),
    );
    signedInAs(makeUser({ email_verified_at: null }));
    const { user } = renderApp("/");
    const region = await banner();
    await user.click(within(region).getByRole("button", { name: /^Send a new link/ }));
    expect(within(region).getByRole("button", { name: "Sending…" })).toBeDisabled();
    await waitFor(() => expect(answer).not.toBeNull());
    answer!();

    expect(await within(region).findByText("Too many attempts. Try again in 42 seconds.")).toBeInTheDocument();
    expect(within(region).getByRole("alert")).toHaveTextContent("Too many attempts. Try again in 42 seconds.");
  });

  it("is not shown to a confirmed user or a visitor", async () => {
    signedInAs(alice);
    renderApp("/status");
    await screen.findByRole("heading", { name: "My account" });
    expect(screen.queryByRole("region", { name: "Email confirmation" })).not.toBeInTheDocument();
  });
});
