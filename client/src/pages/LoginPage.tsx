import { useState, type FormEvent } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { NO_ERRORS, splitSubmitError, type SubmitErrors } from "../forms/submitErrors";
import { useMessages } from "../messages/MessageContext";

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && from !== "/login" ? from : "/status";
}

export function LoginPage() {
  const { login } = useAuth();
  const { show } = useMessages();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<SubmitErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const session = await login({ email: email.trim(), password });
      navigate(returnPath(location.state), { replace: true });
      show("success", session.message);
    } catch (error) {
      setErrors(splitSubmitError(error, ["email", "password"]));
      setBusy(false);
    }
  }

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Log in</h1>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <Form noValidate onSubmit={handleSubmit}>
        <TextField
          id="login-email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          errors={errors.fieldErrors.email}
        />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          errors={errors.fieldErrors.password}
        />
        <SubmitButton busy={busy} busyLabel="Logging in…" disabled={!email || !password}>
          Log in
        </SubmitButton>
      </Form>
      <p className="mt-3">
        New here? <Link to="/register">Register</Link>
      </p>
    </div>
  );
}
