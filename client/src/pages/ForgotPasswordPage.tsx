import { useEffect, useState } from "react";
import Alert from "react-bootstrap/Alert";
import Button from "react-bootstrap/Button";
import Form from "react-bootstrap/Form";
import { Link } from "react-router";
import { useApi } from "../api/ApiContext";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { useForm } from "../forms/useForm";
import { EMAIL_RULES, passesAll } from "../validation/rules";

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const api = useApi();
  const [sent, setSent] = useState<string | null>(null);
  // "Send another link" puts the form back: focus goes to its field, not to the page's start.
  const [askedAgain, setAskedAgain] = useState(0);
  useEffect(() => {
    if (askedAgain) document.getElementById("forgot-email")?.focus();
  }, [askedAgain]);
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { email: "" },
    submit: async ({ email }) => setSent(await api.requestPasswordReset({ email: email.trim() })),
  });

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Forgot your password?</h1>
      {/* Always mounted: screen readers announce what enters a live region, not one that arrives full. */}
      <div role="status">
        {sent && (
          <Alert variant="success" role={undefined} transition={false}>
            <p>{sent}</p>
            <p className="mb-0">
              The link works once and expires soon. Nothing arrived?{" "}
              {/* alert-link: the plain link colour is too faint on the alert's green. */}
              <Button
                variant="link"
                className="p-0 align-baseline alert-link"
                onClick={() => {
                  setSent(null);
                  setAskedAgain((count) => count + 1);
                }}
              >
                Send another link
              </Button>
            </p>
          </Alert>
        )}
      </div>
      {!sent && (
        <>
          <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
          {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
          <Form noValidate onSubmit={handleSubmit}>
            <TextField
              id="forgot-email"
              label="Email"
              type="email"
              autoComplete="email"
              {...textField("email")}
              rules={EMAIL_RULES}
            />
            <SubmitButton busy={busy} busyLabel="Sending…" disabled={!passesAll(EMAIL_RULES, values.email)}>
              Send reset link
            </SubmitButton>
          </Form>
        </>
      )}
      <p className="mt-3">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
