import { useState, type FormEvent } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "../../forms/submitErrors";
import { useMessages } from "../../messages/MessageContext";
import { usePasswordStrength } from "../../validation/usePasswordStrength";
import { PASSWORD_RULES, passesAll, tooEasyToGuess } from "../../validation/rules";
import { PasswordStrength } from "../ui/PasswordStrength";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

/** Changes the signed-in user's password; the current one is required. */
export function ChangePasswordForm({ user }: { user: User }) {
  const api = useApi();
  const { show } = useMessages();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const strength = usePasswordStrength(newPassword, [user.username, user.email]);

  const tooEasy = tooEasyToGuess(strength);
  const valid = currentPassword.length > 0 && passesAll(PASSWORD_RULES, newPassword) && !tooEasy;

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const message = await api.changePassword({ current_password: currentPassword, new_password: newPassword });
      setCurrentPassword("");
      setNewPassword("");
      show("success", message);
    } catch (error) {
      setErrors(splitSubmitError(error, ["current_password", "new_password"]));
    } finally {
      setBusy(false);
    }
  }

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
        value={currentPassword}
        onChange={setCurrentPassword}
        errors={errors.fieldErrors.current_password}
      />
      <TextField
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onChange={setNewPassword}
        rules={PASSWORD_RULES}
        errors={errors.fieldErrors.new_password}
        invalid={tooEasy}
      >
        <PasswordStrength password={newPassword} estimate={strength} />
      </TextField>
      <SubmitButton busy={busy} busyLabel="Changing password…" disabled={!valid}>
        Change password
      </SubmitButton>
    </Form>
  );
}
