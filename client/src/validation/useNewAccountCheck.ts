import { EMAIL_RULES, USERNAME_RULES, passesAll } from "./rules";
import { useNewPasswordCheck } from "./useNewPasswordCheck";

export interface NewAccount {
  username: string;
  email: string;
  password: string;
}

/** Whether a new account's fields pass every rule the API applies, and the password's strength. */
export function useNewAccountCheck({ username, email, password }: NewAccount) {
  const newPassword = useNewPasswordCheck(password, [username, email]);
  const valid = passesAll(USERNAME_RULES, username) && passesAll(EMAIL_RULES, email) && newPassword.valid;
  return { strength: newPassword.strength, valid };
}
