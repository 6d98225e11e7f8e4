import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { UpdateMeRequest, User } from "../../api/types";
import { useForm } from "../../forms/useForm";
import { useMessages } from "../../messages/MessageContext";
import { EMAIL_RULES, USERNAME_RULES, passesAll } from "../../validation/rules";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

interface ProfileFormProps {
  user: User;
  onSaved: (user: User) => void;
}

interface Profile {
  username: string;
  email: string;
  current_password: string;
}

function movesEmail(user: User, entered: Profile): boolean {
  return entered.email.trim() !== user.email;
}

/** Only what differs from the saved account: the API is sent nothing else. A new email goes with
 * the current password, which the API requires for it (a session alone must not move the account). */
function changesOf(user: User, entered: Profile): UpdateMeRequest {
  const changes: UpdateMeRequest = {};
  if (entered.username !== user.username) changes.username = entered.username;
  if (movesEmail(user, entered)) {
    changes.email = entered.email.trim();
    changes.current_password = entered.current_password;
  }
  return changes;
}

/** An email change takes effect only once the new address is confirmed. */
function pendingNote({ email, pending_email }: User): string | undefined {
  if (pending_email === null) return undefined;
  return `${pending_email} is waiting for confirmation: open the link we sent there. Until then your email stays ${email}.`;
}

/** Changes the signed-in user's username and email; sends only what changed. */
export function ProfileForm({ user, onSaved }: ProfileFormProps) {
  const api = useApi();
  const { show } = useMessages();
  const { values, textField, errors, busy, handleSubmit } = useForm<Profile>({
    initial: { username: user.username, email: user.email, current_password: "" },
    submit: async (entered) => {
      const result = await api.updateMe(changesOf(user, entered));
      onSaved(result.user);
      show("success", result.message);
      return { username: result.user.username, email: result.user.email, current_password: "" };
    },
  });

  const asksPassword = movesEmail(user, values);
  const valid =
    passesAll(USERNAME_RULES, values.username) &&
    passesAll(EMAIL_RULES, values.email) &&
    (!asksPassword || values.current_password.length > 0);
  const changed = Object.keys(changesOf(user, values)).length > 0;

  return (
    <Form noValidate onSubmit={handleSubmit} aria-labelledby="profile-heading">
      <h2 id="profile-heading" className="h5">
        Change username or email
      </h2>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <TextField
        id="profile-username"
        label="Username"
        autoComplete="username"
        {...textField("username")}
        rules={USERNAME_RULES}
      />
      <TextField
        id="profile-email"
        label="Email"
        type="email"
        autoComplete="email"
        {...textField("email")}
        rules={EMAIL_RULES}
        hint={pendingNote(user)}
      />
      {asksPassword && (
        <TextField
          id="profile-current-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          {...textField("current_password")}
          hint="Needed to change your email."
        />
      )}
      <SubmitButton busy={busy} busyLabel="Saving…" disabled={!valid || !changed}>
        Save changes
      </SubmitButton>
    </Form>
  );
}
