import Alert from "react-bootstrap/Alert";
import Button from "react-bootstrap/Button";

/** A load that failed: what failed and why, and a button to try again. */
export function RetryAlert({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert variant="danger" className="d-flex align-items-center justify-content-between gap-2 flex-wrap">
      <span>{message}</span>
      <Button variant="outline-danger" size="sm" onClick={onRetry}>
        Try again
      </Button>
    </Alert>
  );
}
