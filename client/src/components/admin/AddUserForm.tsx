import { useState, type FormEvent } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "../../forms/submitErrors";
import { useNewAccountCheck } from "../../validation/useNewAccountCheck";
import { EMAIL_RULES, PASSWORD_RULES, USERNAME_RULES } from "../../validation/rules";
import { PasswordStrength } from "../ui/PasswordStrength";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

const FIELDS = ["username", "email", "password", "admin", "active"] as const;
const EMPTY = { username: "", email: "", password: "", admin: false, active: true };

/** Lets an admin create a user, optionally as an admin. */
export function AddUserForm({ onCreated }: { onCreated: (user: User, message: string) => void }) {
  const api = useApi();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const { strength, tooEasy, valid } = useNewAccountCheck(values);

  function set<K extends keyof typeof EMPTY>(field: K, value: (typeof EMPTY)[K]) {
    setValues((previous) => ({ ...previous, [field]: value }));
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await api.createUser({ ...values, email: values.email.trim() });
      setValues(EMPTY);
      onCreated(result.user, result.message);
    } catch (error) {
      setErrors(splitSubmitError(error, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form noValidate onSubmit={handleSubmit} aria-labelledby="add-user-heading">
      <h2 id="add-user-heading" className="h5">
        Add a user
      </h2>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <TextField
        id="new-user-username"
        label="Username"
        autoComplete="off"
        value={values.username}
        onChange={(value) => set("username", value)}
        rules={USERNAME_RULES}
        errors={errors.fieldErrors.username}
      />
      <TextField
        id="new-user-email"
        label="Email"
        type="email"
        autoComplete="off"
        value={values.email}
        onChange={(value) => set("email", value)}
        rules={EMAIL_RULES}
        errors={errors.fieldErrors.email}
      />
      <TextField
        id="new-user-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={(value) => set("password", value)}
        rules={PASSWORD_RULES}
        errors={errors.fieldErrors.password}
        invalid={tooEasy}
      >
        <PasswordStrength password={values.password} estimate={strength} />
      </TextField>
      <Form.Check
        id="new-user-admin"
        className="mb-2"
        label="Administrator"
        checked={values.admin}
        onChange={(event) => set("admin", event.target.checked)}
      />
      <Form.Check
        id="new-user-active"
        className="mb-3"
        label="Active"
        checked={values.active}
        onChange={(event) => set("active", event.target.checked)}
      />
      <SubmitButton busy={busy} busyLabel="Adding user…" disabled={!valid}>
        Add user
      </SubmitButton>
    </Form>
  );
}
