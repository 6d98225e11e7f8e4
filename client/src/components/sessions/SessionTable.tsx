import type { ReactNode } from "react";
import Badge from "react-bootstrap/Badge";
import Table from "react-bootstrap/Table";
import type { LiveSession } from "../../api/types";
import { formatDateTime } from "../../formatting/date";

interface SessionTableProps {
  sessions: LiveSession[];
  caption: string;
  /** What can be done to one session, if anything: rendered in an Actions column. */
  actions?: (session: LiveSession) => ReactNode;
}

/** Where an account is signed in: device, address, when it signed in and when it was last used. */
export function SessionTable({ sessions, caption, actions }: SessionTableProps) {
  return (
    <Table responsive size="sm" className="align-middle small mb-2">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">IP address</th>
          <th scope="col">Signed in</th>
          <th scope="col">Last used</th>
          {actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id}>
            <th scope="row" className="fw-normal">
              {session.device}
              {session.current && (
                <Badge bg="success" className="ms-2">
                  This device
                </Badge>
              )}
            </th>
            <td className="text-break">{session.ip}</td>
            <td className="text-nowrap">
              <time dateTime={session.created_at}>{formatDateTime(session.created_at)}</time>
            </td>
            <td className="text-nowrap">
              <time dateTime={session.last_used_at}>{formatDateTime(session.last_used_at)}</time>
            </td>
            {actions && <td>{actions(session)}</td>}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
