import { useState } from "react";
import Button from "react-bootstrap/Button";
import Spinner from "react-bootstrap/Spinner";
import { useApi } from "../../api/ApiContext";
import { describeError } from "../../api/errors";

interface Outcome {
  sent: boolean;
  text: string;
}

/**
 * "Send a new link" for an address waiting to be confirmed, with the answer announced next to it.
 * The API answers alike whether or not the address needs one; a 429 says how long to wait.
 */
export function ResendConfirmation({ email }: { email: string }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function resend() {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ sent: true, text: await api.resendVerification({ email }) });
    } catch (error) {
      setOutcome({ sent: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="d-inline-flex flex-wrap align-items-center gap-2">
      <Button
        size="sm"
        variant="outline-dark"
        disabled={busy}
        onClick={resend}
        aria-label={busy ? undefined : `Send a new link to ${email}`}
      >
        {busy ? (
          <>
            <Spinner as="span" animation="border" size="sm" aria-hidden="true" className="me-2" />
            Sending…
          </>
        ) : (
          "Send a new link"
        )}
      </Button>
      {/* Both regions are always there, so what appears in them is announced. */}
      <span role="status">{outcome?.sent ? outcome.text : ""}</span>
      <span role="alert" className="text-danger">
        {outcome && !outcome.sent ? outcome.text : ""}
      </span>
    </span>
  );
}
