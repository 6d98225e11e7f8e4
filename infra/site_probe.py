"""Checks a deployed site the way a person uses it, over its public URL: health, register, log in.

The e2e-deploy workflow runs it between `pulumi up`s (standard library only, any python3):
    python3 -m infra.site_probe wait     https://site --timeout 900
    python3 -m infra.site_probe register https://site --username e2e --email e2e@example.org
    python3 -m infra.site_probe login    https://site --username e2e --email e2e@example.org
The password comes from the environment (SITE_PROBE_PASSWORD), never from the command line.
`login` also proves the account is still there: it reads /auth/status and compares the username.
On a site that requires confirmed addresses (requireVerifiedEmail) `login` says so, with the fix.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

API = "/api/v1"
POLL_SECONDS = 10


class ProbeFailed(Exception):
    pass


def call(base_url: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base_url.rstrip('/')}{API}{path}", method=method)
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/json")
        request.data = json.dumps(body).encode()
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_healthy(base_url: str, timeout: float, clock=time.monotonic, sleep=time.sleep) -> None:
    deadline = clock() + timeout
    while True:
        try:
            status, _ = call(base_url, "GET", "/health")
            if status == 200:
                return
        except (OSError, ValueError):
            pass
        if clock() >= deadline:
            raise ProbeFailed(f"{base_url}{API}/health not healthy after {timeout:.0f}s")
        sleep(POLL_SECONDS)


def register(base_url: str, username: str, email: str, password: str) -> None:
    status, body = call(base_url, "POST", "/auth/register", {"username": username, "email": email, "password": password})
    if status != 201:
        raise ProbeFailed(f"register answered {status}: {body}")


def login(base_url: str, username: str, email: str, password: str) -> None:
    status, body = call(base_url, "POST", "/auth/login", {"email": email, "password": password})
    if status == 403 and body.get("reason") == "email_unverified":
        # The password was right: the service refuses any login until the address is confirmed.
        raise ProbeFailed(
            f"login answered 403 email_unverified: the site requires a confirmed email address "
            f"(REQUIRE_VERIFIED_EMAIL is on) and {email} was never confirmed. Either set "
            f"`pulumi config set requireVerifiedEmail false --stack <stack>` and `pulumi up` for this "
            f"stack, or confirm the address through the link the site mailed to it; then run the probe again."
        )
    if status != 200:
        raise ProbeFailed(f"login answered {status}: {body}")
    status, me = call(base_url, "GET", "/auth/status", token=body["auth_token"])
    if status != 200 or me.get("data", {}).get("username") != username:
        raise ProbeFailed(f"/auth/status answered {status}: {me}")


def main(argv: list[str] | None = None, environ=os.environ) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("wait", "register", "login"))
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--username")
    parser.add_argument("--email")
    args = parser.parse_args(argv)
    try:
        if args.action == "wait":
            wait_healthy(args.url, args.timeout)
        else:
            if not (args.username and args.email and environ.get("SITE_PROBE_PASSWORD")):
                parser.error("register and login need --username, --email and SITE_PROBE_PASSWORD")
            action = register if args.action == "register" else login
            action(args.url, args.username, args.email, environ["SITE_PROBE_PASSWORD"])
    except ProbeFailed as failure:
        print(f"site probe failed: {failure}", file=sys.stderr)
        return 1
    print(f"site probe {args.action}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
