import type { ReactNode } from "react";
import Button from "react-bootstrap/Button";
import Spinner from "react-bootstrap/Spinner";

interface SubmitButtonProps {
  busy: boolean;
  busyLabel: string;
  disabled?: boolean;
  variant?: string;
  children: ReactNode;
}

/** A submit button that says what is running while the request is in flight. */
export function SubmitButton({ busy, busyLabel, disabled = false, variant = "primary", children }: SubmitButtonProps) {
  return (
    <Button type="submit" variant={variant} disabled={busy || disabled}>
      {busy ? (
        <>
          <Spinner as="span" animation="border" size="sm" aria-hidden="true" className="me-2" />
          {busyLabel}
        </>
      ) : (
        children
      )}
    </Button>
  );
}
