import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { NewPasswordField } from "../components/ui/NewPasswordField";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { useForm } from "../forms/useForm";
import { useMessages } from "../messages/MessageContext";
import { useNewAccountCheck } from "../validation/useNewAccountCheck";
import { EMAIL_RULES, USERNAME_RULES } from "../validation/rules";

export function RegisterPage() {
  const { register } = useAuth();
  const { show } = useMessages();
  const navigate = useNavigate();
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { username: "", email: "", password: "" },
    submit: async (entered) => {
      const session = await register({ ...entered, email: entered.email.trim() });
      navigate("/status");
      show("success", `Welcome, ${session.user.username}! ${session.message}`);
    },
  });
  const { strength, valid } = useNewAccountCheck(values);

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
