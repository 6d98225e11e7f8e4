"""The environment `python -m service` runs with on this machine (make run, make stack, bench).

Plain HTTP on 127.0.0.1, so the refresh cookie cannot be Secure; the keys come from a KeyStore.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from localplatform.keys import KeyStore


def service_environment(database_url: str, keys: KeyStore, app_env: str, settings: Mapping[str, str] = (),
                        *, environ_wins: bool = False) -> dict[str, str]:
    """This process's environment with the local platform's settings, then `settings`, on top.

    `environ_wins` keeps what the caller already exported (make run lets you override anything
    but the database it started).
    """
    local = {
        "APP_ENV": app_env,
        "SECRET_KEY": keys.secret_key(),
        "PASSWORD_PEPPER": keys.password_pepper(),
        "COOKIE_SECURE": "false",
        # These stacks deliver no mail unless a caller adds a sink (make run's dev server does), so
        # nobody could confirm an address; a caller that reads the mail turns this back on.
        "REQUIRE_VERIFIED_EMAIL": "false",
        **dict(settings),
    }
    if environ_wins:
        return {**local, **os.environ, "DATABASE_URL": database_url}
    return {**os.environ, **local, "DATABASE_URL": database_url}
