import Card from "react-bootstrap/Card";
import Col from "react-bootstrap/Col";
import Row from "react-bootstrap/Row";
import { useAuth } from "../auth/AuthContext";
import { ChangePasswordForm } from "../components/account/ChangePasswordForm";
import { DeleteAccount } from "../components/account/DeleteAccount";
import { MySessions } from "../components/account/MySessions";
import { ProfileForm } from "../components/account/ProfileForm";
import { formatDate } from "../formatting/date";

const yesNo = (value: boolean) => (value ? "Yes" : "No");

/** The signed-in user's account. Rendered inside RequireAuth, so a user is present. */
export function StatusPage() {
  const { user, setUser } = useAuth();
  if (!user) return null;

  return (
    <>
      <h1 className="h3 mb-3">My account</h1>
      <Card className="mb-4">
        <Card.Body>
          <dl className="row mb-0">
            <dt className="col-sm-3">ID</dt>
            <dd className="col-sm-9">{user.id}</dd>
            <dt className="col-sm-3">Username</dt>
            <dd className="col-sm-9 text-break">{user.username}</dd>
            <dt className="col-sm-3">Email</dt>
            <dd className="col-sm-9 text-break">{user.email}</dd>
            <dt className="col-sm-3">Email confirmed</dt>
            <dd className="col-sm-9">
              {user.email_verified_at === null ? (
                "Not yet"
              ) : (
                <time dateTime={user.email_verified_at}>{formatDate(user.email_verified_at)}</time>
              )}
            </dd>
            {user.pending_email !== null && (
              <>
                <dt className="col-sm-3">New email</dt>
                <dd className="col-sm-9 text-break">{user.pending_email} (waiting for confirmation)</dd>
              </>
            )}
            <dt className="col-sm-3">Active</dt>
            <dd className="col-sm-9">{yesNo(user.active)}</dd>
            <dt className="col-sm-3">Admin</dt>
            <dd className="col-sm-9">{yesNo(user.admin)}</dd>
            <dt className="col-sm-3">Member since</dt>
            <dd className="col-sm-9">
              <time dateTime={user.created_at}>{formatDate(user.created_at)}</time>
            </dd>
          </dl>
        </Card.Body>
      </Card>
      <Row className="g-4">
        <Col md={6}>
          <ProfileForm key={user.id} user={user} onSaved={setUser} />
        </Col>
        <Col md={6}>
          <ChangePasswordForm user={user} />
        </Col>
      </Row>
      <Card className="mt-4">
        <Card.Body>
          <MySessions />
        </Card.Body>
      </Card>
      <Card border="danger" className="mt-4">
        <Card.Body>
          <DeleteAccount user={user} />
        </Card.Body>
      </Card>
    </>
  );
}
