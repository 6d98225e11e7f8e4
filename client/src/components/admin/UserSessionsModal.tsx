import { useCallback, useState } from "react";
import Alert from "react-bootstrap/Alert";
import Button from "react-bootstrap/Button";
import Modal from "react-bootstrap/Modal";
import { useApi } from "../../api/ApiContext";
import { ApiError, describeError } from "../../api/errors";
import type { User } from "../../api/types";
import { useLiveSessions } from "../../hooks/useLiveSessions";
import { LoadingIndicator } from "../ui/LoadingIndicator";
import { SessionTable } from "../sessions/SessionTable";
import { RetryAlert } from "../ui/RetryAlert";

interface UserSessionsModalProps {
  /** Whose sessions to show; the dialog is open while it is set. */
  user: User | null;
  onClose: () => void;
}

/** An admin's view of where a user is signed in, with a way to sign them out everywhere. */
export function UserSessionsModal({ user, onClose }: UserSessionsModalProps) {
  // Keeps the content on screen while the dialog fades out after `user` is cleared.
  const [shownUser, setShownUser] = useState(user);
  if (user !== null && user !== shownUser) setShownUser(user);
  return (
    <Modal show={user !== null} onHide={onClose} centered size="lg" aria-labelledby="user-sessions-title">
      <Modal.Header closeButton closeLabel="Close">
        <Modal.Title id="user-sessions-title" as="h2" className="h5">
          Sessions of {shownUser?.username}
        </Modal.Title>
      </Modal.Header>
      {shownUser && <UserSessions key={shownUser.id} user={shownUser} />}
    </Modal>
  );
}

function UserSessions({ user }: { user: User }) {
  const api = useApi();
  const list = useLiveSessions(useCallback(() => api.userSessions(user.id), [api, user.id]));
  const [ending, setEnding] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  async function endAll() {
    setEnding(true);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await api.endUserSessions(user.id) });
    } catch (error) {
      if (!(error instanceof ApiError && error.kind === "expired")) {
        setOutcome({ ok: false, text: `Could not end the sessions. ${describeError(error)}` });
      }
    } finally {
      setEnding(false);
      list.reload();
    }
  }

  return (
    <>
      <Modal.Body>
        {outcome && (
          <Alert variant={outcome.ok ? "success" : "danger"} role={outcome.ok ? "status" : "alert"}>
            {outcome.text}
          </Alert>
        )}
        {list.sessions &&
          (list.sessions.length > 0 ? (
            <SessionTable sessions={list.sessions} caption={`Sessions of ${user.username}`} />
          ) : (
            <p className="mb-0">{user.username} is not signed in anywhere.</p>
          ))}
        {list.loading && <LoadingIndicator label="Loading sessions…" />}
        {list.error && <RetryAlert message={`Could not load the sessions. ${list.error}`} onRetry={list.reload} />}
      </Modal.Body>
      <Modal.Footer>
        <Button variant="danger" onClick={endAll} disabled={ending || !list.sessions?.length}>
          {ending ? "Ending sessions…" : `Sign ${user.username} out everywhere`}
        </Button>
      </Modal.Footer>
    </>
  );
}
