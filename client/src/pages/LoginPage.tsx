import { useState } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useLocation, useNavigate } from "react-router";
import { isUnconfirmedEmail } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { ResendConfirmation } from "../components/verification/ResendConfirmation";
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
  // The address of an account whose password was right but whose email is not confirmed yet.
  const [unconfirmed, setUnconfirmed] = useState<string | null>(null);
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { email: "", password: "" },
    submit: async ({ email, password }) => {
      let session;
      try {
        session = await login({ email: email.trim(), password });
      } catch (error) {
        setUnconfirmed(isUnconfirmedEmail(error) ? email.trim() : null);
        throw error;
      }
      navigate(returnPath(location.state), { replace: true });
      show("success", session.message);
    },
  });

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Log in</h1>
      {errors.formError && (
        <Alert variant={unconfirmed ? "warning" : "danger"}>
          <p className={unconfirmed ? undefined : "mb-0"}>{errors.formError}</p>
          {unconfirmed && <ResendConfirmation email={unconfirmed} />}
        </Alert>
      )}
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
