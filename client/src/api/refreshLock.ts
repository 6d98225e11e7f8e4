// Refreshes run one at a time across every tab of this origin. The refresh cookie rotates on each
// use and the browser shares it between tabs, so two tabs spending it at once would race; inside
// the lock, a tab that waited simply sends the cookie the previous holder left behind.

/** The part of the Web Locks API (navigator.locks) this module needs. */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export const REFRESH_LOCK_NAME = "users-platform:auth-refresh";

export function browserLocks(): RefreshLocks | null {
  return (globalThis.navigator?.locks as RefreshLocks | undefined) ?? null;
}

/** Runs `work` holding the cross-tab refresh lock; without the Web Locks API, the server's 409 covers the race. */
export function withRefreshLock<T>(locks: RefreshLocks | null, work: () => Promise<T>): Promise<T> {
  return locks ? locks.request(REFRESH_LOCK_NAME, work) : work();
}
