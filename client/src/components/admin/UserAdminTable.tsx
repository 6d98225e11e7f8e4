import Badge from "react-bootstrap/Badge";
import Button from "react-bootstrap/Button";
import Table from "react-bootstrap/Table";
import type { User } from "../../api/types";
import { formatDateTime } from "../../formatting/date";

export type UserChange = { active: boolean } | { admin: boolean };

interface UserAdminTableProps {
  users: User[];
  currentUserId: number;
  /** Id of the user whose change is in flight, if any. */
  busyUserId: number | null;
  onChange: (user: User, change: UserChange) => void;
  onDelete: (user: User) => void;
  onShowSessions: (user: User) => void;
  onSendReset: (user: User) => void;
}

/**
 * Every user with every field. The signed-in admin's own row offers no action the API refuses
 * (demoting, deactivating or deleting oneself).
 */
export function UserAdminTable({
  users,
  currentUserId,
  busyUserId,
  onChange,
  onDelete,
  onShowSessions,
  onSendReset,
}: UserAdminTableProps) {
  return (
    <Table responsive striped hover size="sm" className="align-middle small">
      <caption className="visually-hidden">All users</caption>
      <thead>
        <tr>
          <th scope="col">ID</th>
          <th scope="col">Username</th>
          <th scope="col">Email</th>
          <th scope="col">Verified</th>
          <th scope="col">Active</th>
          <th scope="col">Admin</th>
          <th scope="col">Created</th>
          <th scope="col">Updated</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => {
          const self = user.id === currentUserId;
          const busy = busyUserId === user.id;
          return (
            <tr key={user.id}>
              <td>{user.id}</td>
              <th scope="row" className="text-nowrap">
                {user.username}
                {self && (
                  <Badge bg="secondary" className="ms-2">
                    you
                  </Badge>
                )}
              </th>
              <td>
                {user.email}
                {user.pending_email !== null && (
                  <div className="text-body-secondary">changing to {user.pending_email}</div>
                )}
              </td>
              <td>{user.email_verified_at === null ? "No" : "Yes"}</td>
              <td>{user.active ? "Yes" : "No"}</td>
              <td>{user.admin ? "Yes" : "No"}</td>
              <td className="text-nowrap">
                <time dateTime={user.created_at}>{formatDateTime(user.created_at)}</time>
              </td>
              <td className="text-nowrap">
                <time dateTime={user.updated_at}>{formatDateTime(user.updated_at)}</time>
              </td>
              <td>
                {self ? (
                  <span className="text-body-secondary small">Your own account</span>
                ) : (
                  <div className="d-flex flex-wrap gap-1">
                    <Button
                      size="sm"
                      variant="outline-secondary"
                      disabled={busy}
                      onClick={() => onChange(user, { active: !user.active })}
                      aria-label={`${user.active ? "Deactivate" : "Activate"} ${user.username}`}
                    >
                      {user.active ? "Deactivate" : "Activate"}
                    </Button>
                    <Button
                      size="sm"
                      variant="outline-primary"
                      disabled={busy}
                      onClick={() => onChange(user, { admin: !user.admin })}
                      aria-label={`${user.admin ? "Demote" : "Promote"} ${user.username}`}
                    >
                      {user.admin ? "Demote" : "Promote"}
                    </Button>
                    <Button
                      size="sm"
                      variant="outline-secondary"
                      onClick={() => onShowSessions(user)}
                      aria-label={`Sessions of ${user.username}`}
                    >
                      Sessions
                    </Button>
                    <Button
                      size="sm"
                      variant="outline-secondary"
                      disabled={busy}
                      onClick={() => onSendReset(user)}
                      aria-label={`Send ${user.username} a password reset link`}
                    >
                      Reset link
                    </Button>
                    <Button
                      size="sm"
                      variant="outline-danger"
                      disabled={busy}
                      onClick={() => onDelete(user)}
                      aria-label={`Delete ${user.username}`}
                    >
                      Delete
                    </Button>
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
