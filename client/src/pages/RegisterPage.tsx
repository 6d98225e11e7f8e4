import { useState } from "react";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useNavigate } from "react-router";
import type { PendingSignUp } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { NewPasswordField } from "../components/ui/NewPasswordField";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { ResendConfirmation } from "../components/verification/ResendConfirmation";
import { useForm } from "../forms/useForm";
import { useMessages } from "../messages/MessageContext";
import { useNewAccountCheck } from "../validation/useNewAccountCheck";
import { EMAIL_RULES, USERNAME_RULES } from "../validation/rules";

export function RegisterPage() {
  const { register } = useAuth();
  // Registered, but the platform wants the address confirmed before the first login.
  const [awaiting, setAwaiting] = useState<{ user: PendingSignUp; message: string } | null>(null);
  const { show } = useMessages();
  const navigate = useNavigate();
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { username: "", email: "", password: "" },
    submit: async (entered) => {
      const registration = await register({ ...entered, email: entered.email.trim() });
      if (!registration.signedIn) {
        setAwaiting(registration);
        return;
      }
      navigate("/status");
      show("success", `Welcome, ${registration.session.user.username}! ${registration.session.message}`);
    },
  });
  const { strength, valid } = useNewAccountCheck(values);

  if (awaiting) return <CheckYourEmail {...awaiting} />;

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Register</h1>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <Form noValidate onSubmit={handleSubmit}>
        <TextField
          id="register-username"
          label="Username"
          autoComplete="username"
          {...textField("username")}
          rules={USERNAME_RULES}
        />
        <TextField
          id="register-email"
          label="Email"
          type="email"
          autoComplete="email"
          {...textField("email")}
          rules={EMAIL_RULES}
        />
        <NewPasswordField id="register-password" label="Password" {...textField("password")} strength={strength} />
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

function CheckYourEmail({ user, message }: { user: PendingSignUp; message: string }) {
  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Check your email</h1>
      <Alert variant="success">
        <p>{message}</p>
        <p className="mb-0">
          We sent the link to <strong className="text-break">{user.email}</strong>.
        </p>
      </Alert>
      <p>
        Nothing arrived after a few minutes? Look in your spam folder, or <ResendConfirmation email={user.email} />
      </p>
      <p>
        Confirmed? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
