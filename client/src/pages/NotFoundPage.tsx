import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <>
      <h1 className="h3 mb-3">Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/">Go to the home page</Link>
    </>
  );
}
