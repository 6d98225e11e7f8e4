import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { useForm } from "../../forms/useForm";
import { useMessages } from "../../messages/MessageContext";
import { useNewPasswordCheck } from "../../validation/useNewPasswordCheck";
import { NewPasswordField } from "../ui/NewPasswordField";
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
  const newPassword = useNewPasswordCheck(values.new_password, [user.username, user.email]);
  const valid = values.current_password.length > 0 && newPassword.valid;

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
      <NewPasswordField
        id="new-password"
        label="New password"
        {...textField("new_password")}
        strength={newPassword.strength}
      />
      <SubmitButton busy={busy} busyLabel="Changing password…" disabled={!valid}>
        Change password
      </SubmitButton>
    </Form>
  );
}
