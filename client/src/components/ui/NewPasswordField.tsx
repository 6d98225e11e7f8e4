import type { StrengthEstimate } from "../../validation/passwordStrength";
import { PASSWORD_RULES, tooEasyToGuess } from "../../validation/rules";
import { PasswordStrength } from "./PasswordStrength";
import { TextField } from "./TextField";

interface NewPasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Messages from the server about this field. */
  errors?: string[];
  /** From useNewPasswordCheck: null while it is being estimated. */
  strength: StrengthEstimate | null;
}

/** A password being chosen: its length rule, its strength as the user types, and the server's errors. */
export function NewPasswordField({ strength, ...field }: NewPasswordFieldProps) {
  return (
    <TextField
      {...field}
      type="password"
      autoComplete="new-password"
      rules={PASSWORD_RULES}
      invalid={tooEasyToGuess(strength)}
    >
      <PasswordStrength password={field.value} estimate={strength} />
    </TextField>
  );
}
