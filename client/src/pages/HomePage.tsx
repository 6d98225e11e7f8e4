import Button from "react-bootstrap/Button";
import ListGroup from "react-bootstrap/ListGroup";
import { LoadingIndicator } from "../components/ui/LoadingIndicator";
import { formatDate } from "../formatting/date";
import { useUserPages } from "../hooks/useUserPages";
import { RetryAlert } from "../components/ui/RetryAlert";

const PAGE_SIZE = 20;

export function HomePage() {
  const { users, loading, error, hasMore, loadMore, reload } = useUserPages(PAGE_SIZE);

  return (
    <>
      <h1 className="h3 mb-3">Members</h1>
      <p className="text-body-secondary">Everyone on the platform, newest first.</p>
      {users.length > 0 && (
        <ListGroup as="ul" aria-label="Members" className="mb-3">
          {users.map((user) => (
            <ListGroup.Item as="li" key={user.id} className="d-flex justify-content-between gap-3 flex-wrap">
              <span className="fw-semibold text-break">{user.username}</span>
              <span className="text-body-secondary">
                Joined <time dateTime={user.created_at}>{formatDate(user.created_at)}</time>
              </span>
            </ListGroup.Item>
          ))}
        </ListGroup>
      )}
      {!loading && !error && users.length === 0 && <p>No members yet. Be the first to register.</p>}
      {loading && <LoadingIndicator label="Loading members…" />}
      {error && <RetryAlert message={`Could not load members. ${error}`} onRetry={users.length ? loadMore : reload} />}
      {hasMore && !loading && !error && (
        <Button variant="outline-primary" onClick={loadMore}>
          Load more
        </Button>
      )}
    </>
  );
}
