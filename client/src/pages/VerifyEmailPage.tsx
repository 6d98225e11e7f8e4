import { useCallback, useEffect, useState } from "react";
import Button from "react-bootstrap/Button";
import Alert from "react-bootstrap/Alert";
import Form from "react-bootstrap/Form";
import { Link } from "react-router";
import { useApi } from "../api/ApiContext";
import { ApiError, describeError } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { LoadingIndicator } from "../components/ui/LoadingIndicator";
import { SubmitButton } from "../components/ui/SubmitButton";
import { TextField } from "../components/ui/TextField";
import { useForm } from "../forms/useForm";
import { INCOMPLETE_LINK, useLinkToken } from "../hooks/useLinkToken";
import { EMAIL_RULES, passesAll } from "../validation/rules";
import { RetryAlert } from "../components/ui/RetryAlert";

type Confirmation =
  // The link's token is held, waiting for the person to press the button.
  | { state: "ready" }
  | { state: "confirming" }
  | { state: "confirmed"; message: string }
  | { state: "bad link"; message: string }
  // Not an answer about the link (offline, server error, throttled): worth trying again.
  | { state: "failed"; message: string };

/**
 * Where a mailed confirmation link lands: the token is in the fragment, and is sent only when the
 * person presses the button. Mail scanners that open links and run their script must not confirm
 * an address for whoever registered it (perhaps someone else than its owner).
 */
export function VerifyEmailPage() {
  const api = useApi();
  const { user, setUser } = useAuth();
  const token = useLinkToken();
  const [confirmation, setConfirmation] = useState<Confirmation>(
    token ? { state: "ready" } : { state: "bad link", message: INCOMPLETE_LINK },
  );

  const confirm = useCallback(() => {
    setConfirmation({ state: "confirming" });
    api.verifyEmail({ token }).then(
      ({ message }) => setConfirmation({ state: "confirmed", message }),
      (error: unknown) => {
        const badLink = error instanceof ApiError && error.status === 400;
        setConfirmation({ state: badLink ? "bad link" : "failed", message: describeError(error) });
      },
    );
  }, [api, token]);

  const waitingAddress = user?.pending_email ?? user?.email ?? "";

  // A signed-in user's account changed (confirmed, maybe a new email): show it as it is now.
  const confirmed = confirmation.state === "confirmed";
  const signedIn = user !== null;
  useEffect(() => {
    if (confirmed && signedIn) api.status().then(setUser, () => undefined);
  }, [api, confirmed, signedIn, setUser]);

  return (
    <div className="mx-auto form-page">
      <h1 className="h3 mb-3">Confirm your email address</h1>
      {confirmation.state === "ready" && (
        <>
          <p>Press the button to confirm that this email address is yours.</p>
          <Button variant="primary" onClick={confirm}>
            Confirm my email address
          </Button>
        </>
      )}
      {confirmation.state === "confirming" && <LoadingIndicator label="Confirming your email address…" />}
      {confirmation.state === "confirmed" && (
        <Alert variant="success" role="status">
          <p>{confirmation.message}</p>
          {signedIn ? (
            <Link to="/status" className="alert-link">
              Go to my account
            </Link>
          ) : (
            <Link to="/login" className="alert-link">
              Log in
            </Link>
          )}
        </Alert>
      )}
      {confirmation.state === "failed" && (
        <RetryAlert message={`Could not confirm your email address. ${confirmation.message}`} onRetry={confirm} />
      )}
      {confirmation.state === "bad link" && (
        <>
          <Alert variant="danger">{confirmation.message}</Alert>
          {/* Keyed by the address, so it fills in once the session has loaded. */}
          <NewLinkForm key={waitingAddress} email={waitingAddress} />
        </>
      )}
    </div>
  );
}

function NewLinkForm({ email }: { email: string }) {
  const api = useApi();
  const [sent, setSent] = useState<string | null>(null);
  const { values, textField, errors, busy, handleSubmit } = useForm({
    initial: { email },
    submit: async (entered) => setSent(await api.resendVerification({ email: entered.email.trim() })),
  });

  return (
    <Form noValidate onSubmit={handleSubmit} aria-labelledby="new-link-heading">
      <h2 id="new-link-heading" className="h5">
        Ask for a new link
      </h2>
      <div role="status">
        {sent && (
          <Alert variant="success" role={undefined} transition={false}>
            {sent}
          </Alert>
        )}
      </div>
      {errors.formError && <Alert variant="danger">{errors.formError}</Alert>}
      <TextField
        id="new-link-email"
        label="Email"
        type="email"
        autoComplete="email"
        {...textField("email")}
        rules={EMAIL_RULES}
      />
      <SubmitButton busy={busy} busyLabel="Sending…" disabled={!passesAll(EMAIL_RULES, values.email)}>
        Email me a new link
      </SubmitButton>
    </Form>
  );
}
