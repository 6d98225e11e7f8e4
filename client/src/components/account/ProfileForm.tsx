import { useState, type FormEvent } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { UpdateMeRequest, User } from "../../api/types";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "../../forms/submitErrors";
import { useMessages } from "../../messages/MessageContext";
import { EMAIL_RULES, USERNAME_RULES, passesAll } from "../../validation/rules";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

interface ProfileFormProps {
  user: User;
  onSaved: (user: User) => void;
}

/** Changes the signed-in user's username and email; sends only what changed. */
export function ProfileForm({ user, onSaved }: ProfileFormProps) {
  const api = useApi();
  const { show } = useMessages();
  const [username, setUsername] = useState(user.username);
  const [email, setEmail] = useState(user.email);
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const changes: UpdateMeRequest = {};
  if (username !== user.username) changes.username = username;
  if (email.trim() !== user.email) changes.email = email.trim();
  const valid = passesAll(USERNAME_RULES, username) && passesAll(EMAIL_RULES, email);
  const changed = Object.keys(changes).length > 0;

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await api.updateMe(changes);
      setUsername(result.user.username);
      setEmail(result.user.email);
      onSaved(result.user);
      show("success", result.message);
    } catch (error) {
      setErrors(splitSubmitError(error, ["username", "email"]));
    } finally {
      setBusy(false);
    }
  }

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
        value={username}
        onChange={setUsername}
        rules={USERNAME_RULES}
        errors={errors.fieldErrors.username}
      />
      <TextField
        id="profile-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        rules={EMAIL_RULES}
        errors={errors.fieldErrors.email}
      />
      <SubmitButton busy={busy} busyLabel="Saving…" disabled={!valid || !changed}>
        Save changes
      </SubmitButton>
    </Form>
  );
}
