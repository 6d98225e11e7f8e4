import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { LiveSession, User } from "../api/types";
import { makeSession } from "./fixtures";

/** Builds API URLs exactly as the client does: same origin as the page. */
export const api = (path: string) => `${window.location.origin}/api/v1${path}`;

export function fail(status: number, message: string, errors?: Record<string, string[]>, headers?: HeadersInit) {
  return HttpResponse.json({ status: "fail", message, ...(errors ? { errors } : {}) }, { status, headers });
}

export function authBody(user: User, message: string, token = `token-for-${user.id}`, expiresIn = 900) {
  return { status: "success", message, auth_token: token, expires_in: expiresIn, data: user };
}

export function sessionsBody(sessions: LiveSession[]) {
  return { status: "success", data: { sessions } };
}

/** Default world: nobody is signed in and there are no users; whoever signs in does so only here. */
export const defaultHandlers = [
  http.get(api("/users/me/sessions"), () => HttpResponse.json(sessionsBody([makeSession({ current: true })]))),
  http.post(api("/auth/refresh"), () => fail(401, "Missing or invalid refresh token.")),
  http.get(api("/users"), () => HttpResponse.json({ status: "success", data: { users: [], next_cursor: null } })),
  http.get(api("/ping"), () => HttpResponse.json({ status: "success", message: "pong!", version: "0.1.0" })),
];

export const server = setupServer(...defaultHandlers);

/** The refresh cookie is valid for `user`: the app starts signed in as them. */
export function signedInAs(user: User, expiresIn = 900) {
  let count = 0;
  server.use(
    http.post(api("/auth/refresh"), () => {
      count += 1;
      return HttpResponse.json(authBody(user, "Token refreshed.", `token-${user.id}-${count}`, expiresIn));
    }),
  );
  return { refreshCount: () => count };
}
