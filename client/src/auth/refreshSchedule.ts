/** Refresh a little before the access token expires: a minute early, or a fifth early for short tokens. */
export function refreshDelayMs(expiresInSeconds: number): number {
  const lead = Math.min(60, expiresInSeconds / 5);
  return Math.max(1, expiresInSeconds - lead) * 1000;
}

/** When a scheduled refresh fails for a reason other than an expired session (offline, 5xx). */
export const REFRESH_RETRY_MS = 15_000;
