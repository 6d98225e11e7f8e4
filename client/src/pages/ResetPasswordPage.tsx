import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link, useNavigate } from "react-router";
import { useApi } from "../api/ApiContext";
import { NewPasswordField } from "../components/ui/NewPasswordField";
import { SubmitButton } from "../components/ui/SubmitButton";
import { useForm } from "../forms/useForm";
import { INCOMPLETE_LINK, useLinkToken } from "../hooks/useLinkToken";
import { useMessages } from "../messages/MessageContext";
import { useNewPasswordCheck } from "../validation/useNewPasswordCheck";

function AskForNewLink({ children }: { children: string }) {
  return (
    <Alert variant="danger">
      <p>{children}</p>
      {/* alert-link: the plain link colour is too faint on the danger background (WCAG AA contrast) */}
      <Link to="/forgot-password" className="alert-link">
        Ask for a new link
      </Link>
    </Alert>
  );
}

/** Where a mailed reset link lands: the token is in the fragment, the new password is typed here. */
export function ResetPasswordPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { show } = useMessages();
  const token = useLinkToken();
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { token, new_password: "" },
    submit: async (entered) => {
      const message = await api.confirmPasswordReset(entered);
      navigate("/login", { replace: true });
      show("success", message);
    },
  });
  const newPassword = useNewPasswordCheck(values.new_password, []);
  const badLink = errors.fieldErrors.token?.join(" ");

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Choose a new password</h1>
      {!token ? (
        <AskForNewLink>{INCOMPLETE_LINK}</AskForNewLink>
      ) : badLink ? (
        <AskForNewLink>{badLink}</AskForNewLink>
      ) : (
        <>
          {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
          <Form noValidate onSubmit={handleSubmit}>
            <NewPasswordField
              id="reset-password"
              label="New password"
              {...textField("new_password")}
              strength={newPassword.strength}
            />
            <SubmitButton busy={busy} busyLabel="Setting password…" disabled={!newPassword.valid}>
              Set new password
            </SubmitButton>
          </Form>
        </>
      )}
    </div>
  );
}
