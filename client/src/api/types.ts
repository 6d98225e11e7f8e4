// Shapes the client uses, derived from the generated paths rather than component names so a
// re-generated schema with different component names still type-checks.
import type { paths } from "./schema";

type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;

export type AuthBody = JsonOf<paths["/api/v1/auth/login"]["post"]["responses"][200]>;
export type User = AuthBody["data"];
export type ListedUser = JsonOf<paths["/api/v1/users"]["get"]["responses"][200]>["data"]["users"][number];
export type PublicUser = Pick<ListedUser, "id" | "username" | "created_at">;

export type RegisterRequest = JsonOf<NonNullable<paths["/api/v1/auth/register"]["post"]["requestBody"]>>;
export type LoginRequest = JsonOf<NonNullable<paths["/api/v1/auth/login"]["post"]["requestBody"]>>;
export type CreateUserRequest = JsonOf<NonNullable<paths["/api/v1/users"]["post"]["requestBody"]>>;
export type UpdateUserRequest = JsonOf<NonNullable<paths["/api/v1/users/{id}"]["patch"]["requestBody"]>>;
export type UpdateMeRequest = JsonOf<NonNullable<paths["/api/v1/users/me"]["patch"]["requestBody"]>>;
export type ChangePasswordRequest = JsonOf<NonNullable<paths["/api/v1/users/me/password"]["post"]["requestBody"]>>;
export type DeleteAccountRequest = JsonOf<NonNullable<paths["/api/v1/users/me"]["delete"]["requestBody"]>>;
export type VerifyEmailRequest = JsonOf<NonNullable<paths["/api/v1/auth/verify-email"]["post"]["requestBody"]>>;
export type ResendVerificationRequest = JsonOf<
  NonNullable<paths["/api/v1/auth/verify-email/resend"]["post"]["requestBody"]>
>;
export type PasswordResetRequest = JsonOf<NonNullable<paths["/api/v1/auth/password-reset"]["post"]["requestBody"]>>;
export type PasswordResetConfirmRequest = JsonOf<
  NonNullable<paths["/api/v1/auth/password-reset/confirm"]["post"]["requestBody"]>
>;

/** A place the account is signed in: one refresh-token family. */
export type LiveSession = JsonOf<
  paths["/api/v1/users/me/sessions"]["get"]["responses"][200]
>["data"]["sessions"][number];

export interface AuthSession {
  user: User;
  expiresIn: number;
  message: string;
}

/** Registering signs the user in, unless the platform wants the address confirmed first. */
/** Signed up while addresses must be confirmed: only what was typed comes back (the same answer when the address already has an account). */
export type PendingSignUp = Extract<
  JsonOf<paths["/api/v1/auth/register"]["post"]["responses"][201]>,
  { verification_required: true }
>["data"];
export type Registration =
  { signedIn: true; session: AuthSession } | { signedIn: false; user: PendingSignUp; message: string };

export interface UserPage<U> {
  users: U[];
  nextCursor: string | null;
}

/** Admins receive full users from the listing; everyone else receives public ones. */
export function isFullUser(user: ListedUser): user is User {
  return "email" in user && "admin" in user;
}

/** Endpoints about oneself or answered to admins always return every field. */
export function requireFullUser(user: ListedUser): User {
  if (!isFullUser(user)) throw new Error(`Expected every field of user ${user.id}`);
  return user;
}
