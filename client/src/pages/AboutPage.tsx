import { useEffect, useState } from "react";
import { useApi } from "../api/ApiContext";
import { describeError } from "../api/errors";

export function AboutPage() {
  const api = useApi();
  const [version, setVersion] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.ping().then(
      (pong) => current && setVersion(pong.version),
      (caught: unknown) => current && setError(describeError(caught)),
    );
    return () => {
      current = false;
    };
  }, [api]);

  return (
    <>
      <h1 className="h3 mb-3">About</h1>
      <p>
        The users platform is a small, complete service for people and the accounts they hold: anyone can register and
        browse members, members manage their own account, and administrators manage everyone.
      </p>
      <p>
        It is a React site in front of a JSON API. The access token stays in memory and the refresh token in an HttpOnly
        cookie, so nothing secret is ever stored by the page.
      </p>
      <dl className="row">
        <dt className="col-sm-3">Version</dt>
        <dd className="col-sm-9">{version ?? (error ? `Unknown (${error})` : <span role="status">Checking…</span>)}</dd>
        <dt className="col-sm-3">API</dt>
        <dd className="col-sm-9">
          <a href="/api/v1/docs">API documentation</a> (OpenAPI at{" "}
          <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>)
        </dd>
      </dl>
    </>
  );
}
