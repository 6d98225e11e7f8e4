import type { ReactNode } from "react";
import Alert from "react-bootstrap/Alert";
import { useAuth } from "../../auth/AuthContext";
import { RequireAuth } from "./RequireAuth";

/** Renders its children for admins only. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  return (
    <RequireAuth>
      <AdminOnly>{children}</AdminOnly>
    </RequireAuth>
  );
}

function AdminOnly({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (!user?.admin) {
    return (
      <Alert variant="warning">
        <h1 className="h4">Admins only</h1>
        <p className="mb-0">This page is for administrators.</p>
      </Alert>
    );
  }
  return <>{children}</>;
}
