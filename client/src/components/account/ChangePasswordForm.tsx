import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { useForm } from "../../forms/useForm";
import { useMessages } from "../../messages/MessageContext";
import { usePasswordStrength } from "../../validation/usePasswordStrength";
import { PASSWORD_RULES, passesAll, tooEasyToGuess } from "../../validation/rules";
import { PasswordStrength } from "../ui/PasswordStrength";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

const EMPTY = { current_password: "", new_password: "" };

/** Changes the signed-in user's password; the current one is required. */
export function ChangePasswordForm({ user }: { user: User }) {
  const api = useApi();
  const { show } = useMessages();
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: EMPTY,
    submit: async (entered) => {
      show("success", await api.changePassword(entered));
      return EMPTY;
    },
  });
  const strength = usePasswordStrength(values.new_password, [user.username, user.email]);
  const tooEasy = tooEasyToGuess(strength);
  const valid = values.current_password.length > 0 && passesAll(PASSWORD_RULES, values.new_password) && !tooEasy;

  return (
    <Form noValidate onSubmit={handleSubmit} aria-labelledby="password-heading">
      <h2 id="password-heading" className="h5">
        Change password
      </h2>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
      <TextField
        id="current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        {...textField("current_password")}
      />
      <TextField
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        {...textField("new_password")}
        rules={PASSWORD_RULES}
        invalid={tooEasy}
      >
        <PasswordStrength password={values.new_password} estimate={strength} />
      </TextField>
      <SubmitButton busy={busy} busyLabel="Changing password…" disabled={!valid}>
        Change password
      </SubmitButton>
    </Form>
  );
}
