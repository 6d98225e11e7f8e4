import { useState } from "react";
import Button from "react-bootstrap/Button";
import Card from "react-bootstrap/Card";
import { useApi } from "../api/ApiContext";
import { isFullUser, type User } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { AddUserForm } from "../components/admin/AddUserForm";
import { ConfirmDeleteModal } from "../components/ui/ConfirmDeleteModal";
import { LoadingIndicator } from "../components/ui/LoadingIndicator";
import { UserAdminTable, type UserChange } from "../components/admin/UserAdminTable";
import { UserSessionsModal } from "../components/admin/UserSessionsModal";
import { useUserPages } from "../hooks/useUserPages";
import { useMessages } from "../messages/MessageContext";
import { useFailureReport } from "../messages/useFailureReport";
import { RetryAlert } from "../components/ui/RetryAlert";

const PAGE_SIZE = 100;

function changeMessage(user: User, change: UserChange): string {
  if ("active" in change) return `${user.username} is now ${change.active ? "active" : "inactive"}.`;
  return `${user.username} is ${change.admin ? "now an admin" : "no longer an admin"}.`;
}

/** Rendered inside RequireAdmin, so the signed-in user is an admin. */
export function AdminPage() {
  const api = useApi();
  const { user: me } = useAuth();
  const { show } = useMessages();
  const reportFailure = useFailureReport();
  const pages = useUserPages(PAGE_SIZE);
  const [busyUserId, setBusyUserId] = useState<number | null>(null);
  const [pendingDelete, setPendingDelete] = useState<User | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [sessionsOf, setSessionsOf] = useState<User | null>(null);

  const users = pages.users.filter(isFullUser);

  async function handleChange(user: User, change: UserChange) {
    setBusyUserId(user.id);
    try {
      const result = await api.updateUser(user.id, change);
      pages.replace(result.user);
      show("success", changeMessage(result.user, change));
    } catch (error) {
      reportFailure(`Could not update ${user.username}.`, error);
    } finally {
      setBusyUserId(null);
    }
  }

  async function handleSendReset(user: User) {
    setBusyUserId(user.id);
    try {
      show("success", await api.sendPasswordReset(user.id));
    } catch (error) {
      reportFailure(`Could not send ${user.username} a reset link.`, error);
    } finally {
      setBusyUserId(null);
    }
  }

  async function handleConfirmDelete() {
    if (!pendingDelete) return;
    const user = pendingDelete;
    setDeleting(true);
    try {
      await api.deleteUser(user.id);
      pages.remove(user.id);
      show("success", `${user.username} was deleted.`);
    } catch (error) {
      reportFailure(`Could not delete ${user.username}.`, error);
    } finally {
      setDeleting(false);
      setPendingDelete(null);
    }
  }

  return (
    <>
      <h1 className="h3 mb-3">Admin</h1>
      <h2 className="h5">All users</h2>
      {users.length > 0 && me && (
        <UserAdminTable
          users={users}
          currentUserId={me.id}
          busyUserId={busyUserId}
          onChange={handleChange}
          onDelete={setPendingDelete}
          onShowSessions={setSessionsOf}
          onSendReset={handleSendReset}
        />
      )}
      {pages.loading && <LoadingIndicator label="Loading users…" />}
      {pages.error && (
        <RetryAlert
          message={`Could not load users. ${pages.error}`}
          onRetry={users.length ? pages.loadMore : pages.reload}
        />
      )}
      {pages.hasMore && !pages.loading && !pages.error && (
        <Button variant="outline-primary" onClick={pages.loadMore}>
          Load more
        </Button>
      )}
      <Card className="mt-4">
        <Card.Body>
          <AddUserForm
            onCreated={(user, message) => {
              pages.prepend(user);
              show("success", `${message} (${user.username})`);
            }}
          />
        </Card.Body>
      </Card>
      <ConfirmDeleteModal
        subject={pendingDelete?.username ?? null}
        busy={deleting}
        onConfirm={handleConfirmDelete}
        onCancel={() => setPendingDelete(null)}
      />
      <UserSessionsModal user={sessionsOf} onClose={() => setSessionsOf(null)} />
    </>
  );
}
