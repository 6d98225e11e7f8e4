import type { LiveSession, User } from "../api/types";

let nextId = 100;

export function makeUser(overrides: Partial<User> = {}): User {
  const id = overrides.id ?? nextId++;
  return {
    id,
    username: `user${id}`,
    email: `user${id}@example.com`,
    active: true,
    admin: false,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-02T11:30:00Z",
    email_verified_at: "2026-03-01T10:05:00Z",
    pending_email: null,
    ...overrides,
  };
}

export const alice = makeUser({ id: 1, username: "alice", email: "alice@example.com" });
export const root = makeUser({ id: 2, username: "root", email: "root@example.com", admin: true });

export const STRONG_PASSWORD = "correct horse battery staple 42!";
export const WEAK_PASSWORD = "password1";

let nextSession = 1;

export function makeSession(overrides: Partial<LiveSession> = {}): LiveSession {
  const n = nextSession++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    created_at: "2026-03-01T10:00:00Z",
    last_used_at: "2026-03-02T11:30:00Z",
    ip: `192.0.2.${n}`,
    device: "Firefox 120 on Ubuntu",
    current: false,
    ...overrides,
  };
}
