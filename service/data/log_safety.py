"""PostgreSQL server settings that keep credentials out of its log.

A failing statement is logged with its text by default, and a unique violation's DETAIL quotes
the duplicate value: together they put emails and password hashes in the server log. These
apply to every server we run: the embedded one (localplatform/postgres.py), the host's container
and RDS's DB parameter group (both from infra/postgres_log_safety.py, pinned equal by tests/infra).
They are superuser settings, so they belong to the server, not the app's connection.
"""
from __future__ import annotations

CREDENTIAL_SAFE_LOGGING = {
    "log_min_error_statement": "panic",  # never log the statement that failed
    "log_error_verbosity": "terse",  # no DETAIL / CONTEXT lines, which quote row values
    "log_statement": "none",  # no statement logged on success either
    "log_parameter_max_length": "0",  # bind parameters never logged
    "log_parameter_max_length_on_error": "0",
}


def server_flags() -> list[str]:
    """The settings as `postgres -c name=value` arguments."""
    return [flag for name, value in CREDENTIAL_SAFE_LOGGING.items() for flag in ("-c", f"{name}={value}")]
