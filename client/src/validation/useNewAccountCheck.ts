import { EMAIL_RULES, PASSWORD_RULES, USERNAME_RULES, passesAll, tooEasyToGuess } from "./rules";
import { usePasswordStrength } from "./usePasswordStrength";

export interface NewAccount {
  username: string;
  email: string;
  password: string;
}

/** Whether a new account's fields pass every rule the API applies, and the password's strength. */
export function useNewAccountCheck({ username, email, password }: NewAccount) {
  const strength = usePasswordStrength(password, [username, email]);
  const tooEasy = tooEasyToGuess(strength);
  const valid =
    passesAll(USERNAME_RULES, username) &&
    passesAll(EMAIL_RULES, email) &&
    passesAll(PASSWORD_RULES, password) &&
    !tooEasy;
  return { strength, tooEasy, valid };
}
