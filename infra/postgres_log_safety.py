"""The PostgreSQL settings that keep credentials out of the server's log, for the servers infra runs:
the host's container (infra/host/containers.py) and RDS (infra/cluster/database.py).

The same names and values as service/data/log_safety.py, which says why each one; the Pulumi
program cannot import `service` (only infra/ is installed in its venv), so tests/infra holds the
two equal.
"""

from __future__ import annotations

CREDENTIAL_SAFE_LOGGING = {
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_statement": "none",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}


def server_flags() -> list[str]:
    """The settings as `postgres -c name=value` arguments."""
    return [flag for name, value in CREDENTIAL_SAFE_LOGGING.items() for flag in ("-c", f"{name}={value}")]
