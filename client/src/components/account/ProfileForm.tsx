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
}

/** Only what differs from the saved account: the API is sent nothing else. */
function changesOf(user: User, entered: Profile): UpdateMeRequest {
  const changes: UpdateMeRequest = {};
  if (entered.username !== user.username) changes.username = entered.username;
  if (entered.email.trim() !== user.email) changes.email = entered.email.trim();
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
    initial: { username: user.username, email: user.email },
    submit: async (entered) => {
      const result = await api.updateMe(changesOf(user, entered));
      onSaved(result.user);
      show("success", result.message);
      return { username: result.user.username, email: result.user.email };
    },
  });

  const valid = passesAll(USERNAME_RULES, values.username) && passesAll(EMAIL_RULES, values.email);
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
      <SubmitButton busy={busy} busyLabel="Saving…" disabled={!valid || !changed}>
        Save changes
      </SubmitButton>
    </Form>
  );
}
