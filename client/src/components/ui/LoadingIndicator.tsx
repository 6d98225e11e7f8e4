import Spinner from "react-bootstrap/Spinner";

/** A spinner with words, announced to screen readers. */
export function LoadingIndicator({ label }: { label: string }) {
  return (
    <div role="status" className="d-flex align-items-center gap-2 my-3 text-body-secondary">
      <Spinner animation="border" size="sm" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
