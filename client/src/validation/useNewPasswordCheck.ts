import { PASSWORD_RULES, passesAll, tooEasyToGuess } from "./rules";
import { usePasswordStrength } from "./usePasswordStrength";

/** A new password's strength, and whether it passes every rule the API applies to it. */
export function useNewPasswordCheck(password: string, userInputs: string[]) {
  const strength = usePasswordStrength(password, userInputs);
  return { strength, valid: passesAll(PASSWORD_RULES, password) && !tooEasyToGuess(strength) };
}
