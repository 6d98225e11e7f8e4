import { useState } from "react";
import Container from "react-bootstrap/Container";
import Nav from "react-bootstrap/Nav";
import Navbar from "react-bootstrap/Navbar";
import { NavLink, useNavigate } from "react-router";
import { describeError } from "../../api/errors";
import { useAuth } from "../../auth/AuthContext";
import { useMessages } from "../../messages/MessageContext";

/** Site navigation; collapses behind a toggle below the md breakpoint. */
export function NavBar() {
  const { user, logout } = useAuth();
  const { show } = useMessages();
  const navigate = useNavigate();
  const [expanded, setExpanded] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);

  async function handleLogout() {
    setLoggingOut(true);
    setExpanded(false);
    // Leave account pages first, so they do not bounce to Log in when the session ends.
    navigate("/");
    try {
      show("success", await logout());
    } catch (error) {
      show("danger", `Could not log out. ${describeError(error)}`);
    } finally {
      setLoggingOut(false);
    }
  }

  const link = (to: string, label: string) => (
    <Nav.Link as={NavLink} to={to} end onClick={() => setExpanded(false)}>
      {label}
    </Nav.Link>
  );

  return (
    <Navbar expand="md" bg="dark" data-bs-theme="dark" expanded={expanded} onToggle={setExpanded} className="mb-4">
      <Container>
        <Navbar.Brand as={NavLink} to="/" onClick={() => setExpanded(false)}>
          Users platform
        </Navbar.Brand>
        <Navbar.Toggle aria-controls="main-nav" aria-expanded={expanded} aria-label="Toggle navigation">
          <span className="nav-toggle-bars" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
        </Navbar.Toggle>
        <Navbar.Collapse id="main-nav">
          <Nav className="me-auto">
            {link("/", "Home")}
            {link("/about", "About")}
            {user?.admin && link("/admin", "Admin")}
          </Nav>
          <Nav>
            {user ? (
              <>
                {link("/status", "Status")}
                <Nav.Link as="button" type="button" onClick={handleLogout} disabled={loggingOut}>
                  {loggingOut ? "Logging out…" : "Log out"}
                </Nav.Link>
              </>
            ) : (
              <>
                {link("/register", "Register")}
                {link("/login", "Log in")}
              </>
            )}
          </Nav>
        </Navbar.Collapse>
      </Container>
    </Navbar>
  );
}
