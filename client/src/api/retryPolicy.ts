// How a refresh answers "not now" without ever becoming "logged out":
// 429 (a rate limit) waits with exponential backoff, at least as long as Retry-After says;
// 409 (another tab rotated the cookie a moment ago) retries shortly, once its new cookie has landed.

export const THROTTLED_RETRIES = 3;
export const RACE_RETRIES = 3;
const MAX_BACKOFF_SECONDS = 60;
const RACE_DELAY_MS = 250;

/** Seconds to wait before retry number `attempt` (1, 2, ...) after a 429. */
export function throttledBackoffSeconds(attempt: number, retryAfterSeconds: number | null): number {
  const exponential = 2 ** attempt;
  return Math.min(MAX_BACKOFF_SECONDS, Math.max(exponential, retryAfterSeconds ?? 0));
}

/** Milliseconds to wait before retry number `attempt` after a 409 from a concurrent refresh. */
export function raceDelayMs(attempt: number): number {
  return RACE_DELAY_MS * attempt;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
