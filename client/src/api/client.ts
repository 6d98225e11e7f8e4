// The one module that talks HTTP to the service. Every call is typed by the generated schema.
// The access token lives only in this closure (never in storage); the refresh token is an
// HttpOnly cookie the browser sends to /api/v1/auth/* on its own.
import createClient from "openapi-fetch";
import { ApiError, OFFLINE_MESSAGE, errorFromResponse, parseRetryAfter } from "./errors";
import { browserLocks, withRefreshLock, type RefreshLocks } from "./refreshLock";
import { RACE_RETRIES, THROTTLED_RETRIES, raceDelayMs, sleep, throttledBackoffSeconds } from "./retryPolicy";
import type { paths } from "./schema";
import type {
  AuthBody,
  AuthSession,
  ChangePasswordRequest,
  CreateUserRequest,
  DeleteAccountRequest,
  ListedUser,
  LiveSession,
  LoginRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  RegisterRequest,
  Registration,
  ResendVerificationRequest,
  UpdateMeRequest,
  UpdateUserRequest,
  User,
  UserPage,
  VerifyEmailRequest,
} from "./types";
import { requireFullUser } from "./types";

export type SessionEvent =
  | { type: "started"; session: AuthSession }
  | { type: "ended"; reason: SessionEndReason }
  // A refresh was rate-limited; it is tried again by itself after this wait. The session lives on.
  | { type: "throttled"; retryInSeconds: number };

/** "deleted": the account itself is gone, deleted by its owner. */
export type SessionEndReason = "logout" | "expired" | "deleted";

export type SessionListener = (event: SessionEvent) => void;

export interface ApiOptions {
  /** Origin the API is served from; the site and the API share one origin. */
  baseUrl: string;
  /** The cross-tab lock refreshes run under; navigator.locks by default, null for none. */
  locks?: RefreshLocks | null;
}

const AUTH_PREFIX = "/api/v1/auth/";
// These prove identity themselves, so a 401 from them is an answer, not an expired token.
const CREDENTIAL_ROUTES = new Set(["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh"]);
const LOGGED_OUT = "Successfully logged out.";
const REFRESH_HEADERS = { "Content-Type": "application/json" };

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export function createApi({ baseUrl, locks = browserLocks() }: ApiOptions) {
  let accessToken: string | null = null;
  let refreshInFlight: Promise<AuthSession> | null = null;
  const listeners = new Set<SessionListener>();

  function emit(event: SessionEvent) {
    for (const listener of listeners) listener(event);
  }

  async function send(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const headers = new Headers(request.headers);
    if (accessToken && !CREDENTIAL_ROUTES.has(path)) headers.set("Authorization", `Bearer ${accessToken}`);
    const credentials: RequestCredentials = path.startsWith(AUTH_PREFIX) ? "same-origin" : "omit";
    try {
      return await globalThis.fetch(new Request(request, { headers, credentials }));
    } catch {
      throw new ApiError("offline", OFFLINE_MESSAGE);
    }
  }

  function startSession(body: AuthBody): AuthSession {
    accessToken = body.auth_token;
    const session = { user: body.data, expiresIn: body.expires_in, message: body.message };
    emit({ type: "started", session });
    return session;
  }

  function endSession(reason: SessionEndReason) {
    accessToken = null;
    emit({ type: "ended", reason });
  }

  /** True when the session was refreshed; false when it is over. Other failures (429, offline) are thrown. */
  function refreshForRetry(): Promise<boolean> {
    return refresh().then(
      () => true,
      (error: unknown) => {
        if (error instanceof ApiError && (error.kind === "rejected" || error.kind === "expired")) return false;
        throw error;
      },
    );
  }

  async function fetchWithSession(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const sentWith = accessToken;
    const retry = request.clone();
    const response = await send(request);
    if (response.status !== 401 || sentWith === null || CREDENTIAL_ROUTES.has(path)) return response;
    if (accessToken !== sentWith) {
      // While this request was in flight the session was refreshed (retry with the new token)
      // or ended (nothing to retry, nothing to announce).
      return accessToken ? send(retry) : response;
    }
    if (await refreshForRetry()) return send(retry);
    endSession("expired");
    throw new ApiError("expired", "Your session has expired.", { status: 401 });
  }

  const http = createClient<paths>({ baseUrl, fetch: fetchWithSession });

  function postLogout(token: string) {
    return http.POST("/api/v1/auth/logout", { headers: { Authorization: `Bearer ${token}` } });
  }

  function unwrap<T>({ data, error, response }: Result<T>): T {
    if (response.ok) return data as T;
    throw errorFromResponse(response, error);
  }

  // The JSON content type is what a cross-site form cannot send: the service refuses refreshes
  // without it, so a forged form POST can neither use nor clear the cookie.
  function postRefresh() {
    return withRefreshLock(locks, () => http.POST("/api/v1/auth/refresh", { headers: REFRESH_HEADERS }));
  }

  async function refreshWithRetries(): Promise<AuthSession> {
    let throttled = 0;
    let raced = 0;
    for (;;) {
      const result = await postRefresh();
      const status = result.response.status;
      if (status === 409 && raced < RACE_RETRIES) {
        raced += 1;
        await sleep(raceDelayMs(raced));
      } else if (status === 429 && throttled < THROTTLED_RETRIES) {
        throttled += 1;
        const wait = throttledBackoffSeconds(throttled, parseRetryAfter(result.response.headers.get("Retry-After")));
        emit({ type: "throttled", retryInSeconds: wait });
        await sleep(wait * 1000);
      } else {
        return startSession(unwrap(result));
      }
    }
  }

  // Callers in this tab share one refresh at a time, and tabs take turns through the lock: the
  // cookie rotates, so a second concurrent use of the old cookie would be refused.
  function refresh(): Promise<AuthSession> {
    refreshInFlight ??= refreshWithRetries().finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  return {
    hasSession: () => accessToken !== null,

    subscribe(listener: SessionListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Ends the in-memory session without calling the API (the refresh cookie is already useless). */
    expireSession: () => endSession("expired"),

    async ping(): Promise<{ version: string }> {
      const body = unwrap(await http.GET("/api/v1/ping"));
      return { version: body.version };
    },

    async register(body: RegisterRequest): Promise<Registration> {
      const answer = unwrap(await http.POST("/api/v1/auth/register", { body }));
      if ("auth_token" in answer) return { signedIn: true, session: startSession(answer) };
      return { signedIn: false, user: answer.data, message: answer.message };
    },

    async login(body: LoginRequest): Promise<AuthSession> {
      return startSession(unwrap(await http.POST("/api/v1/auth/login", { body })));
    },

    refresh,

    async logout(): Promise<string> {
      // Forget the token first: requests made from now on go out anonymous instead of carrying a
      // session that this call is about to end.
      const token = accessToken;
      accessToken = null;
      try {
        let result = token ? await postLogout(token) : null;
        if (!result || result.response.status === 401) {
          // The access token had expired; the refresh cookie may still be live and must be ended too.
          const fresh = await postRefresh();
          if (!fresh.data) {
            endSession("logout");
            return LOGGED_OUT;
          }
          result = await postLogout(fresh.data.auth_token);
        }
        const body = unwrap(result);
        endSession("logout");
        return body.message;
      } catch (error) {
        accessToken = token; // the server did not end the session, so neither do we
        throw error;
      }
    },

    async status(): Promise<User> {
      return requireFullUser(unwrap(await http.GET("/api/v1/auth/status")).data);
    },

    async listUsers(query: { limit?: number; cursor?: string | null } = {}): Promise<UserPage<ListedUser>> {
      const params = { query: { limit: query.limit, cursor: query.cursor ?? undefined } };
      const body = unwrap(await http.GET("/api/v1/users", { params }));
      return { users: body.data.users, nextCursor: body.data.next_cursor ?? null };
    },

    async createUser(body: CreateUserRequest): Promise<{ user: User; message: string }> {
      const result = unwrap(await http.POST("/api/v1/users", { body }));
      return { user: requireFullUser(result.data), message: result.message ?? "User created." };
    },

    async updateUser(id: number, body: UpdateUserRequest): Promise<{ user: User; message: string }> {
      const result = unwrap(await http.PATCH("/api/v1/users/{id}", { params: { path: { id: String(id) } }, body }));
      return { user: requireFullUser(result.data), message: result.message ?? "User updated." };
    },

    async deleteUser(id: number): Promise<void> {
      unwrap(await http.DELETE("/api/v1/users/{id}", { params: { path: { id: String(id) } } }));
    },

    async updateMe(body: UpdateMeRequest): Promise<{ user: User; message: string }> {
      const result = unwrap(await http.PATCH("/api/v1/users/me", { body }));
      return { user: requireFullUser(result.data), message: result.message ?? "Profile updated." };
    },

    async changePassword(body: ChangePasswordRequest): Promise<string> {
      return unwrap(await http.POST("/api/v1/users/me/password", { body })).message;
    },

    /** Deletes the signed-in account; the server has ended every session, so this one ends too. */
    async deleteMe(body: DeleteAccountRequest): Promise<void> {
      unwrap(await http.DELETE("/api/v1/users/me", { body }));
      endSession("deleted");
    },

    async verifyEmail(body: VerifyEmailRequest): Promise<{ email: string; message: string }> {
      const answer = unwrap(await http.POST("/api/v1/auth/verify-email", { body }));
      return { email: answer.data.email, message: answer.message };
    },

    async resendVerification(body: ResendVerificationRequest): Promise<string> {
      return unwrap(await http.POST("/api/v1/auth/verify-email/resend", { body })).message;
    },

    async requestPasswordReset(body: PasswordResetRequest): Promise<string> {
      return unwrap(await http.POST("/api/v1/auth/password-reset", { body })).message;
    },

    async confirmPasswordReset(body: PasswordResetConfirmRequest): Promise<string> {
      const { message } = unwrap(await http.POST("/api/v1/auth/password-reset/confirm", { body }));
      // The reset ended every session of its account. If this tab's was one of them, its refresh
      // is refused: sign out here now rather than on the next request. "Not now" answers keep it.
      if (accessToken !== null && !(await refreshForRetry().catch(() => true))) endSession("logout");
      return message;
    },

    async mySessions(): Promise<LiveSession[]> {
      return unwrap(await http.GET("/api/v1/users/me/sessions")).data.sessions;
    },

    async endMySession(id: string): Promise<void> {
      unwrap(await http.DELETE("/api/v1/users/me/sessions/{session_id}", { params: { path: { session_id: id } } }));
    },

    /** Ends every session of mine but this one; resolves to the API's count of them. */
    async endMyOtherSessions(): Promise<string> {
      return unwrap(await http.DELETE("/api/v1/users/me/sessions")).message;
    },

    async userSessions(userId: number): Promise<LiveSession[]> {
      return unwrap(await http.GET("/api/v1/users/{id}/sessions", { params: { path: { id: String(userId) } } })).data
        .sessions;
    },

    async endUserSessions(userId: number): Promise<string> {
      return unwrap(await http.DELETE("/api/v1/users/{id}/sessions", { params: { path: { id: String(userId) } } }))
        .message;
    },

    /** Mails the user a reset link; the token never comes back to the admin. */
    async sendPasswordReset(userId: number): Promise<string> {
      return unwrap(await http.POST("/api/v1/users/{id}/password-reset", { params: { path: { id: String(userId) } } }))
        .message;
    },
  };
}

export type Api = ReturnType<typeof createApi>;
