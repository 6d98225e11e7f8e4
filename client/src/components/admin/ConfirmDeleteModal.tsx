import { useState } from "react";
import Button from "react-bootstrap/Button";
import Modal from "react-bootstrap/Modal";
import Spinner from "react-bootstrap/Spinner";

interface ConfirmDeleteModalProps {
  username: string | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks before a user is deleted for good. Shown while `username` is set. */
export function ConfirmDeleteModal({ username, busy, onConfirm, onCancel }: ConfirmDeleteModalProps) {
  // Keeps the name on screen while the dialog fades out after `username` is cleared.
  const [shownName, setShownName] = useState(username);
  if (username !== null && username !== shownName) setShownName(username);
  return (
    <Modal show={username !== null} onHide={onCancel} centered aria-labelledby="confirm-delete-title">
      <Modal.Header closeButton closeLabel="Close">
        <Modal.Title id="confirm-delete-title" as="h2" className="h5">
          Delete {shownName}?
        </Modal.Title>
      </Modal.Header>
      <Modal.Body>This removes the account and cannot be undone.</Modal.Body>
      <Modal.Footer>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm} disabled={busy}>
          {busy ? (
            <>
              <Spinner as="span" animation="border" size="sm" aria-hidden="true" className="me-2" />
              Deleting…
            </>
          ) : (
            `Delete ${shownName ?? ""}`
          )}
        </Button>
      </Modal.Footer>
    </Modal>
  );
}
