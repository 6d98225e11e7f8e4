import Alert from "react-bootstrap/Alert";
import { useAuth } from "../../auth/AuthContext";
import { ResendConfirmation } from "./ResendConfirmation";

/** Reminds a signed-in user of an address still to confirm: their email, or a new one they asked for. */
export function EmailConfirmationBanner() {
  const { user } = useAuth();
  if (!user || (user.email_verified_at !== null && user.pending_email === null)) return null;
  return (
    <Alert variant="warning" role="region" aria-label="Email confirmation" className="d-grid gap-2">
      {user.email_verified_at === null && (
        <p className="mb-0">
          Please confirm your email address, <strong className="text-break">{user.email}</strong>: open the link we sent
          there. <ResendConfirmation email={user.email} />
        </p>
      )}
      {user.pending_email !== null && (
        <p className="mb-0">
          Your new address <strong className="text-break">{user.pending_email}</strong> is waiting for confirmation:
          open the link we sent there. Until then your email stays {user.email}.{" "}
          <ResendConfirmation email={user.pending_email} />
        </p>
      )}
    </Alert>
  );
}
