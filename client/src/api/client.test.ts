import { http, HttpResponse } from "msw";
import { alice } from "../test/fixtures";
import { api, authBody, fail, server, signedInAs } from "../test/server";
import { createApi, type SessionEvent } from "./client";
import { ApiError } from "./errors";
import type { RefreshLocks } from "./refreshLock";

function newApi(locks: RefreshLocks | null = null) {
  const client = createApi({ baseUrl: window.location.origin, locks });
  const events: SessionEvent[] = [];
  client.subscribe((event) => events.push(event));
  return { client, events };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("api client", () => {
  it("logs in, keeps the token in memory and sends it as a bearer token", async () => {
    let authorization: string | null = null;
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "Successfully logged in.", "tok-1"))),
      http.get(api("/auth/status"), ({ request }) => {
        authorization = request.headers.get("Authorization");
        return HttpResponse.json({ status: "success", data: alice });
      }),
    );
    const { client, events } = newApi();

    const session = await client.login({ email: "alice@example.com", password: "pw" });

    expect(session).toEqual({ user: alice, expiresIn: 900, message: "Successfully logged in." });
    expect(events).toEqual([{ type: "started", session }]);
    expect(await client.status()).toEqual(alice);
    expect(authorization).toBe("Bearer tok-1");
  });

  it("sends auth calls with same-origin credentials so the HttpOnly refresh cookie goes along", async () => {
    let credentials: RequestCredentials | null = null;
    server.use(
      http.post(api("/auth/refresh"), ({ request }) => {
        credentials = request.credentials;
        return HttpResponse.json(authBody(alice, "Token refreshed."));
      }),
    );
    await newApi().client.refresh();
    expect(credentials).toBe("same-origin");
  });

  it("sends refresh as JSON, which a cross-site form cannot, so the service accepts it", async () => {
    let contentType: string | null = null;
    server.use(
      http.post(api("/auth/refresh"), ({ request }) => {
        contentType = request.headers.get("Content-Type");
        return HttpResponse.json(authBody(alice, "Token refreshed."));
      }),
    );
    await newApi().client.refresh();
    expect(contentType).toBe("application/json");
  });

  it("refreshes once on a 401 and retries the request with the new token", async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "old-token"))),
      http.post(api("/auth/refresh"), () => HttpResponse.json(authBody(alice, "Token refreshed.", "new-token"))),
      http.get(api("/auth/status"), ({ request }) => {
        const header = request.headers.get("Authorization");
        seen.push(header);
        return header === "Bearer new-token"
          ? HttpResponse.json({ status: "success", data: alice })
          : fail(401, "Token expired.");
      }),
    );
    const { client } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    expect(await client.status()).toEqual(alice);
    expect(seen).toEqual(["Bearer old-token", "Bearer new-token"]);
  });

  it("shares one refresh between concurrent 401s", async () => {
    let refreshes = 0;
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "old-token"))),
      http.post(api("/auth/refresh"), () => {
        refreshes += 1;
        return HttpResponse.json(authBody(alice, "Token refreshed.", "new-token"));
      }),
      http.get(api("/auth/status"), ({ request }) =>
        request.headers.get("Authorization") === "Bearer new-token"
          ? HttpResponse.json({ status: "success", data: alice })
          : fail(401, "Token expired."),
      ),
    );
    const { client } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    await Promise.all([client.status(), client.status(), client.status()]);
    expect(refreshes).toBe(1);
  });

  it("ends the session as expired when the refresh after a 401 fails", async () => {
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok"))),
      http.get(api("/auth/status"), () => fail(401, "Token expired.")),
    );
    const { client, events } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    const error = await caught(client.status());

    expect(error.kind).toBe("expired");
    expect(events.at(-1)).toEqual({ type: "ended", reason: "expired" });
    expect(client.hasSession()).toBe(false);
  });

  it("does not treat bad credentials as an expired session", async () => {
    server.use(http.post(api("/auth/login"), () => fail(401, "Invalid email or password.")));
    const { client, events } = newApi();

    const error = await caught(client.login({ email: "a@example.com", password: "nope" }));

    expect(error.kind).toBe("rejected");
    expect(error.message).toBe("Invalid email or password.");
    expect(events).toEqual([]);
  });

  it("reports throttling with the Retry-After seconds", async () => {
    server.use(
      http.post(api("/auth/login"), () =>
        fail(429, "Too many failed attempts. Try again in 42 seconds.", undefined, { "Retry-After": "42" }),
      ),
    );
    const error = await caught(newApi().client.login({ email: "a@example.com", password: "x" }));
    expect(error.kind).toBe("throttled");
    expect(error.retryAfterSeconds).toBe(42);
    expect(error.message).toBe("Too many attempts. Try again in 42 seconds.");
  });

  it("reports server errors and offline in plain words", async () => {
    server.use(http.get(api("/ping"), () => HttpResponse.json({ status: "error", message: "boom" }, { status: 500 })));
    const serverError = await caught(newApi().client.ping());
    expect(serverError.kind).toBe("server");
    expect(serverError.message).toBe("The server ran into a problem. Please try again in a moment.");

    server.use(http.get(api("/ping"), () => HttpResponse.error()));
    const offline = await caught(newApi().client.ping());
    expect(offline.kind).toBe("offline");
    expect(offline.message).toBe("Cannot reach the server. Check your connection and try again.");
  });

  it("carries field errors from a fail envelope", async () => {
    server.use(
      http.post(api("/auth/register"), () =>
        fail(409, "Username is already taken.", { username: ["Username is already taken."] }),
      ),
    );
    const error = await caught(
      newApi().client.register({ username: "alice", email: "a@example.com", password: "x".repeat(12) }),
    );
    expect(error.status).toBe(409);
    expect(error.fieldErrors).toEqual({ username: ["Username is already taken."] });
  });

  it("lists users page by page with the cursor", async () => {
    const queries: string[] = [];
    server.use(
      http.get(api("/users"), ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json({ status: "success", data: { users: [alice], next_cursor: "abc" } });
      }),
    );
    const page = await newApi().client.listUsers({ limit: 20, cursor: "xyz" });
    expect(page).toEqual({ users: [alice], nextCursor: "abc" });
    expect(queries).toEqual(["?limit=20&cursor=xyz"]);
  });

  it("logs out through the API and forgets the token", async () => {
    let authorization: string | null = null;
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "tok"))),
      http.post(api("/auth/logout"), ({ request }) => {
        authorization = request.headers.get("Authorization");
        return HttpResponse.json({ status: "success", message: "Successfully logged out." });
      }),
    );
    const { client, events } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    expect(await client.logout()).toBe("Successfully logged out.");
    expect(authorization).toBe("Bearer tok");
    expect(client.hasSession()).toBe(false);
    expect(events.at(-1)).toEqual({ type: "ended", reason: "logout" });
  });

  it("sends requests made while logging out without the token being ended", async () => {
    let finishLogout: () => void = () => undefined;
    const usersAuth: (string | null)[] = [];
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "tok"))),
      http.post(api("/auth/logout"), async () => {
        await new Promise<void>((resolve) => (finishLogout = resolve));
        return HttpResponse.json({ status: "success", message: "Successfully logged out." });
      }),
      http.get(api("/users"), ({ request }) => {
        usersAuth.push(request.headers.get("Authorization"));
        return HttpResponse.json({ status: "success", data: { users: [], next_cursor: null } });
      }),
    );
    const { client } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    const loggingOut = client.logout();
    await client.listUsers();
    finishLogout();

    expect(await loggingOut).toBe("Successfully logged out.");
    expect(usersAuth).toEqual([null]);
  });

  it("ends a live refresh cookie on logout even when the access token has expired", async () => {
    const logoutAuth: (string | null)[] = [];
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "stale"))),
      http.post(api("/auth/refresh"), () => HttpResponse.json(authBody(alice, "Token refreshed.", "fresh"))),
      http.post(api("/auth/logout"), ({ request }) => {
        const header = request.headers.get("Authorization");
        logoutAuth.push(header);
        return header === "Bearer fresh"
          ? HttpResponse.json({ status: "success", message: "Successfully logged out." })
          : fail(401, "Token expired.");
      }),
    );
    const { client, events } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    expect(await client.logout()).toBe("Successfully logged out.");
    expect(logoutAuth).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(events.map((event) => event.type)).toEqual(["started", "ended"]);
    expect(client.hasSession()).toBe(false);
  });

  it("stays signed in when logging out fails", async () => {
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "tok"))),
      http.post(api("/auth/logout"), () => HttpResponse.error()),
    );
    const { client, events } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    expect((await caught(client.logout())).kind).toBe("offline");
    expect(client.hasSession()).toBe(true);
    expect(events.map((event) => event.type)).toEqual(["started"]);
  });

  it("retries a 401 with a token refreshed meanwhile, without refreshing again", async () => {
    let refreshes = 0;
    let releaseFirst: () => void = () => undefined;
    server.use(
      http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "old"))),
      http.post(api("/auth/refresh"), () => {
        refreshes += 1;
        return HttpResponse.json(authBody(alice, "Token refreshed.", "new"));
      }),
      http.get(api("/auth/status"), async ({ request }) => {
        if (request.headers.get("Authorization") === "Bearer new") {
          return HttpResponse.json({ status: "success", data: alice });
        }
        await new Promise<void>((resolve) => (releaseFirst = resolve));
        return fail(401, "Token expired.");
      }),
    );
    const { client } = newApi();
    await client.login({ email: "a@example.com", password: "pw" });

    const slow = client.status();
    await client.refresh(); // e.g. the scheduled refresh lands first
    releaseFirst();

    expect(await slow).toEqual(alice);
    expect(refreshes).toBe(1);
  });

  it("calls the admin and account endpoints with the documented methods and bodies", async () => {
    const calls: string[] = [];
    const record = async ({ request }: { request: Request }) => {
      const body = request.method === "DELETE" ? "" : await request.text();
      calls.push(`${request.method} ${new URL(request.url).pathname} ${body}`);
    };
    signedInAs(alice);
    server.use(
      http.post(api("/users"), async (info) => {
        await record(info);
        return HttpResponse.json({ status: "success", message: "User created.", data: alice }, { status: 201 });
      }),
      http.patch(api("/users/:id"), async (info) => {
        await record(info);
        return HttpResponse.json({ status: "success", message: "User updated.", data: alice });
      }),
      http.delete(api("/users/:id"), async (info) => {
        await record(info);
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(api("/users/me/password"), async (info) => {
        await record(info);
        return HttpResponse.json({ status: "success", message: "Password changed." });
      }),
    );
    const { client } = newApi();
    await client.refresh();

    await client.createUser({ username: "bob", email: "b@example.com", password: "pw", admin: true });
    await client.updateUser(7, { admin: false });
    await client.deleteUser(7);
    expect(await client.changePassword({ current_password: "a", new_password: "b" })).toBe("Password changed.");

    expect(calls).toEqual([
      'POST /api/v1/users {"username":"bob","email":"b@example.com","password":"pw","admin":true}',
      'PATCH /api/v1/users/7 {"admin":false}',
      "DELETE /api/v1/users/7 ",
      'POST /api/v1/users/me/password {"current_password":"a","new_password":"b"}',
    ]);
  });

  it("calls the account lifecycle endpoints with the documented methods and bodies", async () => {
    const calls: string[] = [];
    const answer =
      (status: number, body: object | null) =>
      async ({ request }: { request: Request }) => {
        const sent = request.body ? await request.text() : "";
        calls.push(`${request.method} ${new URL(request.url).pathname} ${sent}`.trim());
        return body ? HttpResponse.json(body, { status }) : new HttpResponse(null, { status });
      };
    const session = {
      id: "0b6f6f0e-3f7c-4d8e-9a61-7f7e0c1d2e3f",
      created_at: "2026-03-01T10:00:00Z",
      last_used_at: "2026-03-02T10:00:00Z",
      ip: "192.0.2.7",
      device: "Firefox 120 on Ubuntu",
      current: true,
    };
    const sessions = { status: "success", data: { sessions: [session] } };
    signedInAs(alice);
    server.use(
      http.post(
        api("/auth/verify-email"),
        answer(200, { status: "success", message: "Confirmed.", data: { email: "a@example.com" } }),
      ),
      http.post(api("/auth/verify-email/resend"), answer(202, { status: "success", message: "Resent." })),
      http.post(api("/auth/password-reset"), answer(202, { status: "success", message: "On its way." })),
      http.post(api("/auth/password-reset/confirm"), answer(200, { status: "success", message: "Changed." })),
      http.get(api("/users/me/sessions"), answer(200, sessions)),
      http.delete(api("/users/me/sessions/:id"), answer(204, null)),
      http.delete(api("/users/me/sessions"), answer(200, { status: "success", message: "Ended 2 sessions." })),
      http.get(api("/users/:id/sessions"), answer(200, sessions)),
      http.delete(api("/users/:id/sessions"), answer(200, { status: "success", message: "Ended 1 session." })),
      http.post(api("/users/:id/password-reset"), answer(202, { status: "success", message: "Mailed." })),
      http.delete(api("/users/me"), answer(204, null)),
    );
    const { client, events } = newApi();
    await client.refresh();

    expect(await client.verifyEmail({ token: "v".repeat(43) })).toEqual({
      email: "a@example.com",
      message: "Confirmed.",
    });
    expect(await client.resendVerification({ email: "a@example.com" })).toBe("Resent.");
    expect(await client.requestPasswordReset({ email: "a@example.com" })).toBe("On its way.");
    expect(await client.confirmPasswordReset({ token: "t".repeat(43), new_password: "pw" })).toBe("Changed.");
    expect(await client.mySessions()).toEqual([session]);
    await client.endMySession(session.id);
    expect(await client.endMyOtherSessions()).toBe("Ended 2 sessions.");
    expect(await client.userSessions(7)).toEqual([session]);
    expect(await client.endUserSessions(7)).toBe("Ended 1 session.");
    expect(await client.sendPasswordReset(7)).toBe("Mailed.");
    await client.deleteMe({ password: "secret" });

    expect(calls).toEqual([
      `POST /api/v1/auth/verify-email {"token":"${"v".repeat(43)}"}`,
      'POST /api/v1/auth/verify-email/resend {"email":"a@example.com"}',
      'POST /api/v1/auth/password-reset {"email":"a@example.com"}',
      `POST /api/v1/auth/password-reset/confirm {"token":"${"t".repeat(43)}","new_password":"pw"}`,
      "GET /api/v1/users/me/sessions",
      `DELETE /api/v1/users/me/sessions/${session.id}`,
      "DELETE /api/v1/users/me/sessions",
      "GET /api/v1/users/7/sessions",
      "DELETE /api/v1/users/7/sessions",
      "POST /api/v1/users/7/password-reset",
      'DELETE /api/v1/users/me {"password":"secret"}',
    ]);
    expect(client.hasSession()).toBe(false);
    expect(events.at(-1)).toEqual({ type: "ended", reason: "deleted" });
  });

  it("registers without a session when the platform wants the address confirmed first", async () => {
    const unconfirmed = { ...alice, email_verified_at: null };
    server.use(
      http.post(api("/auth/register"), () =>
        HttpResponse.json(
          { status: "success", message: "Check your email.", verification_required: true, data: unconfirmed },
          { status: 201 },
        ),
      ),
    );
    const { client, events } = newApi();

    const registration = await client.register({ username: "alice", email: "a@example.com", password: "pw" });

    expect(registration).toEqual({ signedIn: false, user: unconfirmed, message: "Check your email." });
    expect(client.hasSession()).toBe(false);
    expect(events).toEqual([]);
  });

  describe("after a password reset in a signed-in tab", () => {
    const changed = () => HttpResponse.json({ status: "success", message: "Password changed." });

    it("signs out when the reset ended this tab's session", async () => {
      signedInAs(alice);
      const { client, events } = newApi();
      await client.refresh();
      server.use(
        http.post(api("/auth/password-reset/confirm"), changed),
        http.post(api("/auth/refresh"), () => fail(401, "Missing or invalid refresh token.")),
      );

      expect(await client.confirmPasswordReset({ token: "t".repeat(43), new_password: "pw" })).toBe(
        "Password changed.",
      );
      expect(client.hasSession()).toBe(false);
      expect(events.at(-1)).toEqual({ type: "ended", reason: "logout" });
    });

    it("stays signed in when the reset was for another account, or the check cannot be made", async () => {
      signedInAs(alice);
      const { client, events } = newApi();
      await client.refresh();
      server.use(http.post(api("/auth/password-reset/confirm"), changed));

      await client.confirmPasswordReset({ token: "t".repeat(43), new_password: "pw" });
      expect(client.hasSession()).toBe(true);

      server.use(http.post(api("/auth/refresh"), () => HttpResponse.error()));
      await client.confirmPasswordReset({ token: "t".repeat(43), new_password: "pw" });
      expect(client.hasSession()).toBe(true);
      expect(events.map((event) => event.type)).toEqual(["started", "started"]);
    });
  });

  it("keeps the session when deleting the account is refused", async () => {
    signedInAs(alice);
    server.use(
      http.delete(api("/users/me"), () => fail(400, "Invalid payload.", { password: ["Password is incorrect."] })),
    );
    const { client, events } = newApi();
    await client.refresh();

    const error = await caught(client.deleteMe({ password: "wrong" }));

    expect(error.fieldErrors).toEqual({ password: ["Password is incorrect."] });
    expect(client.hasSession()).toBe(true);
    expect(events.map((event) => event.type)).toEqual(["started"]);
  });

  describe("when a refresh is told 'not now'", () => {
    afterEach(() => vi.useRealTimers());

    function loggedInWithExpiredToken() {
      server.use(
        http.post(api("/auth/login"), () => HttpResponse.json(authBody(alice, "ok", "old-token"))),
        http.get(api("/auth/status"), ({ request }) =>
          request.headers.get("Authorization") === "Bearer new-token"
            ? HttpResponse.json({ status: "success", data: alice })
            : fail(401, "Token expired."),
        ),
      );
    }

    it("waits out a 429 with backoff, says so, and retries: never a logout", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
      loggedInWithExpiredToken();
      let refreshes = 0;
      server.use(
        http.post(api("/auth/refresh"), () =>
          ++refreshes === 1
            ? fail(429, "Too many requests. Try again later.", undefined, { "Retry-After": "5" })
            : HttpResponse.json(authBody(alice, "Token refreshed.", "new-token")),
        ),
      );
      const { client, events } = newApi();
      await client.login({ email: "a@example.com", password: "pw" });

      const status = client.status();
      await vi.waitFor(() => expect(events).toContainEqual({ type: "throttled", retryInSeconds: 5 }));
      expect(refreshes).toBe(1);
      await vi.advanceTimersByTimeAsync(5_000);

      expect(await status).toEqual(alice);
      expect(refreshes).toBe(2);
      expect(events.filter((event) => event.type === "ended")).toEqual([]);
    });

    it("backs off longer each time, and when the limit holds, fails as throttled with the session kept", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
      loggedInWithExpiredToken();
      server.use(http.post(api("/auth/refresh"), () => fail(429, "Too many requests. Try again later.")));
      const { client, events } = newApi();
      await client.login({ email: "a@example.com", password: "pw" });

      const error = caught(client.status());
      await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000);

      expect((await error).kind).toBe("throttled");
      expect(events.filter((event) => event.type === "throttled")).toEqual([
        { type: "throttled", retryInSeconds: 2 },
        { type: "throttled", retryInSeconds: 4 },
        { type: "throttled", retryInSeconds: 8 },
      ]);
      expect(events.filter((event) => event.type === "ended")).toEqual([]);
      expect(client.hasSession()).toBe(true);
    });

    it("retries a 409 from another tab's concurrent refresh, and keeps the session", async () => {
      loggedInWithExpiredToken();
      let refreshes = 0;
      server.use(
        http.post(api("/auth/refresh"), () =>
          ++refreshes === 1
            ? fail(409, "Refresh token already replaced; retry with the current cookie.")
            : HttpResponse.json(authBody(alice, "Token refreshed.", "new-token")),
        ),
      );
      const { client, events } = newApi();
      await client.login({ email: "a@example.com", password: "pw" });

      expect(await client.status()).toEqual(alice);
      expect(refreshes).toBe(2);
      expect(events.filter((event) => event.type === "ended")).toEqual([]);
    });
  });

  it("takes turns with other tabs: refreshes sharing a lock never overlap", async () => {
    let inFlight = 0;
    let mostAtOnce = 0;
    server.use(
      http.post(api("/auth/refresh"), async () => {
        mostAtOnce = Math.max(mostAtOnce, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return HttpResponse.json(authBody(alice, "Token refreshed."));
      }),
    );
    // navigator.locks as two tabs of one origin see it: one holder at a time, in arrival order.
    let queue: Promise<unknown> = Promise.resolve();
    const sharedLocks: RefreshLocks = {
      request(_name, callback) {
        const turn = queue.then(callback);
        queue = turn.catch(() => undefined);
        return turn;
      },
    };
    const firstTab = newApi(sharedLocks).client;
    const secondTab = newApi(sharedLocks).client;

    await Promise.all([firstTab.refresh(), secondTab.refresh()]);

    expect(mostAtOnce).toBe(1);
    expect(firstTab.hasSession() && secondTab.hasSession()).toBe(true);
  });
});
