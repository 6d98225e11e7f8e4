import { useState, type FormEvent } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { PasswordStrength } from "../components/ui/PasswordStrength";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "../forms/submitErrors";
import { useMessages } from "../messages/MessageContext";
import { useNewAccountCheck } from "../validation/useNewAccountCheck";
import { EMAIL_RULES, PASSWORD_RULES, USERNAME_RULES } from "../validation/rules";

const FIELDS = ["username", "email", "password"] as const;
type Field = (typeof FIELDS)[number];

export function RegisterPage() {
  const { register } = useAuth();
  const { show } = useMessages();
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<Field, string>>({ username: "", email: "", password: "" });
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const { strength, tooEasy, valid } = useNewAccountCheck(values);

  function change(field: Field) {
    return (value: string) => {
      setValues((previous) => ({ ...previous, [field]: value }));
      setErrors((previous) => ({ ...previous, fieldErrors: { ...previous.fieldErrors, [field]: [] } }));
    };
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const session = await register({ ...values, email: values.email.trim() });
      navigate("/status");
      show("success", `Welcome, ${session.user.username}! ${session.message}`);
    } catch (error) {
      setErrors(splitSubmitError(error, FIELDS));
      setBusy(false);
    }
  }

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Register</h1>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <Form noValidate onSubmit={handleSubmit}>
        <TextField
          id="register-username"
          label="Username"
          autoComplete="username"
          value={values.username}
          onChange={change("username")}
          rules={USERNAME_RULES}
          errors={errors.fieldErrors.username}
        />
        <TextField
          id="register-email"
          label="Email"
          type="email"
          autoComplete="email"
          value={values.email}
          onChange={change("email")}
          rules={EMAIL_RULES}
          errors={errors.fieldErrors.email}
        />
        <TextField
          id="register-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={change("password")}
          rules={PASSWORD_RULES}
          errors={errors.fieldErrors.password}
          invalid={tooEasy}
        >
          <PasswordStrength password={values.password} estimate={strength} />
        </TextField>
        <SubmitButton busy={busy} busyLabel="Registering…" disabled={!valid}>
          Register
        </SubmitButton>
      </Form>
      <p className="mt-3">
        Already registered? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
