export type ApiErrorKind =
  | "offline" // the request never reached the server
  | "server" // 5xx
  | "throttled" // 429
  | "expired" // the session ended and could not be refreshed; the app is already redirecting to Log in
  | "rejected"; // any other 4xx, with the API's own message

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly fieldErrors: FieldErrors;
  readonly retryAfterSeconds: number | null;
  /** The API's stable code for a refusal a page acts on, such as "email_unverified"; else null. */
  readonly reason: string | null;

  constructor(
    kind: ApiErrorKind,
    message: string,
    options: {
      status?: number;
      fieldErrors?: FieldErrors;
      retryAfterSeconds?: number | null;
      reason?: string | null;
    } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = options.status ?? 0;
    this.fieldErrors = options.fieldErrors ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.reason = options.reason ?? null;
  }
}

export const OFFLINE_MESSAGE = "Cannot reach the server. Check your connection and try again.";
export const SERVER_MESSAGE = "The server ran into a problem. Please try again in a moment.";

export function throttledMessage(seconds: number | null): string {
  return seconds === null
    ? "Too many attempts. Try again later."
    : `Too many attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}

/** Parses Retry-After given as delta-seconds or as an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

interface FailBody {
  status?: string;
  message?: string;
  errors?: FieldErrors;
  reason?: string | null;
}

function asFailBody(body: unknown): FailBody {
  return typeof body === "object" && body !== null ? (body as FailBody) : {};
}

/** Turns an error response into an ApiError a page can show. */
export function errorFromResponse(response: Response, body: unknown): ApiError {
  const fail = asFailBody(body);
  const status = response.status;
  if (status === 429) {
    const seconds = parseRetryAfter(response.headers.get("Retry-After"));
    return new ApiError("throttled", throttledMessage(seconds), { status, retryAfterSeconds: seconds });
  }
  if (status >= 500) return new ApiError("server", SERVER_MESSAGE, { status });
  return new ApiError("rejected", fail.message ?? `Request failed (${status}).`, {
    status,
    fieldErrors: fail.errors ?? {},
    reason: fail.reason ?? null,
  });
}

/** True when the API refused a login only because the account's email is not confirmed yet. */
export function isUnconfirmedEmail(error: unknown): boolean {
  return error instanceof ApiError && error.reason === "email_unverified";
}

/** Words a person understands for any failure, API or not. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return SERVER_MESSAGE;
}
