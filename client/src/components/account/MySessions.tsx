import { useCallback, useState } from "react";
import Button from "react-bootstrap/Button";
import { useApi } from "../../api/ApiContext";
import type { LiveSession } from "../../api/types";
import { useLiveSessions } from "../../hooks/useLiveSessions";
import { useMessages } from "../../messages/MessageContext";
import { useFailureReport } from "../../messages/useFailureReport";
import { LoadingIndicator } from "../ui/LoadingIndicator";
import { SessionTable } from "../sessions/SessionTable";
import { RetryAlert } from "../ui/RetryAlert";

const EVERY_OTHER = "every other";

/** Where the signed-in user is signed in, with a way to end any other session, or all of them. */
export function MySessions() {
  const api = useApi();
  const { show } = useMessages();
  const reportFailure = useFailureReport();
  const list = useLiveSessions(useCallback(() => api.mySessions(), [api]));
  // The session being ended, or EVERY_OTHER; one at a time.
  const [ending, setEnding] = useState<string | null>(null);
  const others = list.sessions?.filter((session) => !session.current) ?? [];

  async function endOne(session: LiveSession) {
    setEnding(session.id);
    try {
      await api.endMySession(session.id);
      list.remove(session.id);
      show("success", `Signed out of ${session.device}.`);
    } catch (error) {
      reportFailure(`Could not end the session on ${session.device}.`, error);
      list.reload(); // it may have ended meanwhile
    } finally {
      setEnding(null);
    }
  }

  async function endOthers() {
    setEnding(EVERY_OTHER);
    try {
      show("success", await api.endMyOtherSessions());
    } catch (error) {
      reportFailure("Could not end your other sessions.", error);
    } finally {
      setEnding(null);
      list.reload();
    }
  }

  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="h5">
        Where you are signed in
      </h2>
      {list.sessions && (
        <SessionTable
          sessions={list.sessions}
          caption="Your sessions"
          actions={(session) =>
            session.current ? (
              <span className="text-body-secondary">Log out ends it</span>
            ) : (
              <Button
                size="sm"
                variant="outline-danger"
                disabled={ending !== null}
                onClick={() => endOne(session)}
                aria-label={`End the session on ${session.device} from ${session.ip}`}
              >
                {ending === session.id ? "Ending…" : "End"}
              </Button>
            )
          }
        />
      )}
      {list.loading && <LoadingIndicator label="Loading your sessions…" />}
      {list.error && <RetryAlert message={`Could not load your sessions. ${list.error}`} onRetry={list.reload} />}
      {list.sessions &&
        (others.length > 0 ? (
          <Button variant="outline-danger" size="sm" disabled={ending !== null} onClick={endOthers}>
            {ending === EVERY_OTHER ? "Ending other sessions…" : "End every other session"}
          </Button>
        ) : (
          <p className="small text-body-secondary mb-0">You are signed in only here.</p>
        ))}
    </section>
  );
}
