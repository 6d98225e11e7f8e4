import { act, screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { alice, makeUser, root } from "../test/fixtures";
import { currentPath, renderApp } from "../test/renderApp";
import { api, authBody, fail, server, signedInAs } from "../test/server";
import { SESSION_EXPIRED_MESSAGE, refreshThrottledMessage } from "./AuthProvider";
import { REFRESH_RETRY_MS } from "./refreshSchedule";

const nav = () => screen.getByRole("navigation");

describe("session handling", () => {
  afterEach(() => vi.useRealTimers());

  it("turns the refresh cookie into a session on load", async () => {
    const session = signedInAs(alice);
    renderApp("/");
    expect(await within(nav()).findByRole("link", { name: "Status" })).toBeInTheDocument();
    expect(session.refreshCount()).toBe(1);
  });

  it("refreshes shortly before the access token expires", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    const session = signedInAs(alice, 10);
    renderApp("/");
    await within(nav()).findByRole("link", { name: "Status" });
    await act(async () => undefined); // let the effect that schedules the refresh run
    expect(session.refreshCount()).toBe(1);

    await act(async () => vi.advanceTimersByTime(7_000));
    expect(session.refreshCount()).toBe(1);
    await act(async () => vi.advanceTimersByTime(1_500));
    await vi.waitFor(() => expect(session.refreshCount()).toBe(2));
    // The new token is scheduled too.
    await act(async () => vi.advanceTimersByTime(8_500));
    await vi.waitFor(() => expect(session.refreshCount()).toBe(3));
  });

  it("goes to Log in with 'Your session has expired' when the scheduled refresh is refused", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    signedInAs(alice, 10);
    renderApp("/status");
    await screen.findByRole("heading", { name: "My account" });
    await act(async () => undefined);

    server.use(http.post(api("/auth/refresh"), () => fail(401, "Refresh token revoked.")));
    await act(async () => vi.advanceTimersByTime(9_000));

    expect(await screen.findByText(SESSION_EXPIRED_MESSAGE)).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    expect(currentPath()).toBe("/login");
    expect(within(nav()).getByRole("link", { name: "Log in" })).toBeInTheDocument();
  });

  it("stays signed in and tries again later when a scheduled refresh fails for another reason", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    signedInAs(alice, 10);
    renderApp("/status");
    await screen.findByRole("heading", { name: "My account" });
    await act(async () => undefined);

    let attempts = 0;
    server.use(
      http.post(api("/auth/refresh"), () =>
        ++attempts === 1
          ? HttpResponse.json({ status: "error", message: "Database unavailable." }, { status: 503 })
          : HttpResponse.json(authBody(alice, "Token refreshed.")),
      ),
    );
    await act(async () => vi.advanceTimersByTime(9_000));
    await vi.waitFor(() => expect(attempts).toBe(1));

    await act(async () => vi.advanceTimersByTime(REFRESH_RETRY_MS - 1_000));
    expect(attempts).toBe(1);
    await act(async () => vi.advanceTimersByTime(1_500));
    await vi.waitFor(() => expect(attempts).toBe(2));
    expect(currentPath()).toBe("/status");
    expect(screen.queryByText(SESSION_EXPIRED_MESSAGE)).not.toBeInTheDocument();
  });

  it("on a 401 refreshes once and retries the call", async () => {
    const session = signedInAs(root);
    const bob = makeUser({ username: "bob" });
    server.use(
      http.get(api("/users"), ({ request }) =>
        request.headers.get("Authorization") === `Bearer token-${root.id}-1`
          ? fail(401, "Token expired.")
          : HttpResponse.json({ status: "success", data: { users: [bob, root], next_cursor: null } }),
      ),
    );
    renderApp("/admin");

    expect(await screen.findByRole("row", { name: /bob/ })).toBeInTheDocument();
    expect(session.refreshCount()).toBe(2);
  });

  it("on a 401 whose refresh fails, goes to Log in with 'Your session has expired'", async () => {
    let refreshes = 0;
    server.use(
      http.post(api("/auth/refresh"), () =>
        ++refreshes === 1 ? HttpResponse.json(authBody(root, "Token refreshed.")) : fail(401, "Refresh token expired."),
      ),
      http.get(api("/users"), () => fail(401, "Token expired.")),
    );
    renderApp("/admin");

    expect(await screen.findByText(SESSION_EXPIRED_MESSAGE)).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeInTheDocument();
    expect(currentPath()).toBe("/login");
    expect(screen.queryByText(/Could not load users/)).not.toBeInTheDocument();
  });

  it("never writes a token to localStorage, sessionStorage or a readable cookie", async () => {
    const writes = vi.spyOn(Storage.prototype, "setItem");
    const token = "eyJhbGciOiJIUzI1NiJ9.secret-token";
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "Successfully logged in.", token, 10))),
      http.post(api("/auth/refresh"), () => fail(401, "No refresh token.")),
      http.post(api("/auth/logout"), () =>
        HttpResponse.json({ status: "success", message: "Successfully logged out." }),
      ),
    );
    const { user } = renderApp("/login");
    await user.type(await screen.findByLabelText("Email"), "alice@example.com");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    await screen.findByRole("heading", { name: "My account" });
    await user.click(within(nav()).getByRole("button", { name: "Log out" }));
    await screen.findByText("Successfully logged out.");

    expect(writes).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).not.toContain(token);
  });

  it("on load, a rate-limited refresh shows a notice and keeps the user signed in", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    let refreshes = 0;
    server.use(
      http.post(api("/auth/refresh"), () =>
        ++refreshes === 1
          ? fail(429, "Too many requests. Try again later.", undefined, { "Retry-After": "3" })
          : HttpResponse.json(authBody(alice, "Token refreshed.")),
      ),
    );
    renderApp("/status");

    expect(await screen.findByText(refreshThrottledMessage(3))).toBeInTheDocument();
    await act(async () => vi.advanceTimersByTime(3_000));

    expect(await screen.findByRole("heading", { name: "My account" })).toBeInTheDocument();
    expect(currentPath()).toBe("/status");
    expect(screen.queryByText(SESSION_EXPIRED_MESSAGE)).not.toBeInTheDocument();
  });

  it("a rate-limited refresh after a 401 leaves the user signed in", async () => {
    let refreshes = 0;
    server.use(
      http.post(api("/auth/refresh"), () =>
        ++refreshes === 1 ? HttpResponse.json(authBody(root, "Token refreshed.")) : fail(429, "Too many requests."),
      ),
      http.get(api("/users"), () => fail(401, "Token expired.")),
    );
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    renderApp("/admin");
    await screen.findByText(refreshThrottledMessage(2));
    await act(async () => vi.advanceTimersByTime(2_000 + 4_000 + 8_000));

    expect(currentPath()).toBe("/admin");
    expect(screen.queryByText(SESSION_EXPIRED_MESSAGE)).not.toBeInTheDocument();
    expect(within(nav()).queryByRole("link", { name: "Log in" })).not.toBeInTheDocument();
  });
});
