import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { useForm } from "../forms/useForm";
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
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { email: "", password: "" },
    submit: async ({ email, password }) => {
      const session = await login({ email: email.trim(), password });
      navigate(returnPath(location.state), { replace: true });
      show("success", session.message);
    },
  });

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Log in</h1>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <Form noValidate onSubmit={handleSubmit}>
        <TextField id="login-email" label="Email" type="email" autoComplete="email" {...textField("email")} />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          {...textField("password")}
        />
        <SubmitButton busy={busy} busyLabel="Logging in…" disabled={!values.email || !values.password}>
          Log in
        </SubmitButton>
      </Form>
      <p className="mt-3 mb-1">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to="/register">Register</Link>
      </p>
    </div>
  );
}
