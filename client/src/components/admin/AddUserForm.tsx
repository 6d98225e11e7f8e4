import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { useApi } from "../../api/ApiContext";
import type { User } from "../../api/types";
import { useForm } from "../../forms/useForm";
import { useNewAccountCheck } from "../../validation/useNewAccountCheck";
import { EMAIL_RULES, USERNAME_RULES } from "../../validation/rules";
import { NewPasswordField } from "../ui/NewPasswordField";
import { SubmitButton } from "../ui/SubmitButton";
import { TextField } from "../ui/TextField";

const EMPTY = { username: "", email: "", password: "", admin: false, active: true };

/** Lets an admin create a user, optionally as an admin. */
export function AddUserForm({ onCreated }: { onCreated: (user: User, message: string) => void }) {
  const api = useApi();
  const { values, set, textField, errors, busy, handleSubmit } = useForm({
    initial: EMPTY,
    submit: async (entered) => {
      const result = await api.createUser({ ...entered, email: entered.email.trim() });
      onCreated(result.user, result.message);
      return EMPTY;
    },
  });
  const { strength, valid } = useNewAccountCheck(values);

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
        {...textField("username")}
        rules={USERNAME_RULES}
      />
      <TextField
        id="new-user-email"
        label="Email"
        type="email"
        autoComplete="off"
        {...textField("email")}
        rules={EMAIL_RULES}
      />
      <NewPasswordField id="new-user-password" label="Password" {...textField("password")} strength={strength} />
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
