import { useState, type FormEvent, type ReactNode } from "react";
import Button from "react-bootstrap/Button";
import Form from "react-bootstrap/Form";
import Modal from "react-bootstrap/Modal";
import { SubmitButton } from "./SubmitButton";

interface ConfirmDeleteModalProps {
  /** What is about to be deleted ("bob", "your account"); the dialog is shown while it is set. */
  subject: string | null;
  busy: boolean;
  /** False while something the deletion needs (such as a password) is missing. */
  ready?: boolean;
  /** Fields or an error to show above the buttons; a plain warning when left out. */
  children?: ReactNode;
  /** Id of a field in `children` to focus when the dialog opens, instead of the dialog itself. */
  focusId?: string;
  onConfirm: (event: FormEvent) => void;
  onCancel: () => void;
}

/** Asks before something is deleted for good. The dialog is a form, so Enter in a field confirms. */
export function ConfirmDeleteModal({
  subject,
  busy,
  ready = true,
  children,
  focusId,
  onConfirm,
  onCancel,
}: ConfirmDeleteModalProps) {
  // Keeps the name on screen while the dialog fades out after `subject` is cleared.
  const [shownSubject, setShownSubject] = useState(subject);
  if (subject !== null && subject !== shownSubject) setShownSubject(subject);
  return (
    <Modal
      show={subject !== null}
      onHide={onCancel}
      // While the deletion runs, nothing closes the dialog: it would look cancelled, then happen.
      backdrop={busy ? "static" : true}
      keyboard={!busy}
      onEntered={() => (focusId ? document.getElementById(focusId)?.focus() : undefined)}
      centered
      aria-labelledby="confirm-delete-title"
    >
      <Form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(event);
        }}
      >
        <Modal.Header closeButton={!busy} closeLabel="Close">
          <Modal.Title id="confirm-delete-title" as="h2" className="h5">
            Delete {shownSubject}?
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>{children ?? "This removes the account and cannot be undone."}</Modal.Body>
        <Modal.Footer>
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <SubmitButton busy={busy} busyLabel="Deleting…" disabled={!ready} variant="danger">
            Delete {shownSubject}
          </SubmitButton>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
