"""How both topologies run the service image: its production environment, its secrets and the mail
worker's health check, written once. The host formats them for Docker (`NAME=value`, `healthcheck`),
the cluster for ECS (`{"name", "value"}`, `healthCheck`); neither adds a setting of its own here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Read by the service and the mail worker alike; the host passes them in the environment, the
# cluster through the task definition's `secrets` (Secrets Manager).
SECRET_VARIABLES = ("DATABASE_URL", "SECRET_KEY", "PASSWORD_PEPPER")
SERVE_COMMAND = ["python", "-m", "service", "serve"]
MAIL_WORKER_COMMAND = ["python", "-m", "service", "mail-worker"]


def platform_environment(public_url: Any, mail_url: str, mail_from: str, mail_configuration_set: Any) -> dict[str, Any]:
    """What the service and the mail worker read alike, apart from the secrets."""
    return {
        "APP_ENV": "production",
        "PUBLIC_URL": public_url,
        "MAIL_URL": mail_url,
        "MAIL_FROM": mail_from,
        "MAIL_SES_CONFIGURATION_SET": mail_configuration_set,
    }


def service_environment(
    platform: dict[str, Any],
    *,
    listen_host: str,
    port: int,
    web_concurrency: int,
    trusted_proxies: str,
    cookie_secure: bool,
    require_verified_email: bool,
) -> dict[str, Any]:
    """The API's environment: the platform's, and where it listens and whom it believes."""
    return {
        **platform,
        "HOST": listen_host,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(web_concurrency),
        "TRUSTED_PROXIES": trusted_proxies,
        "COOKIE_SECURE": "true" if cookie_secure else "false",
        "REQUIRE_VERIFIED_EMAIL": "true" if require_verified_email else "false",
    }


@dataclass(frozen=True)
class HealthCheck:
    command: list[str]
    interval_seconds: int
    timeout_seconds: int
    retries: int
    start_period_seconds: int

    def for_docker(self) -> dict[str, Any]:
        """kreuzwerker's `healthcheck` block: durations as strings, the command under `tests`."""
        return {
            "tests": ["CMD", *self.command],
            "interval": f"{self.interval_seconds}s",
            "timeout": f"{self.timeout_seconds}s",
            "retries": self.retries,
            "start_period": f"{self.start_period_seconds}s",
        }

    def for_ecs(self) -> dict[str, Any]:
        """A container definition's `healthCheck`: seconds as integers."""
        return {
            "command": ["CMD", *self.command],
            "interval": self.interval_seconds,
            "timeout": self.timeout_seconds,
            "retries": self.retries,
            "startPeriod": self.start_period_seconds,
        }


# The worker renews a heartbeat file on every pass of its loop and before every send; a hung send
# (a stuck SMTP or SES connection) stops the renewals. 120 s is more than a poll and one bounded send.
# The start period covers the entrypoint's migrations (which wait on the advisory lock during a
# release); 300 s is the most ECS accepts.
MAIL_WORKER_HEALTH = HealthCheck(
    command=["python", "-m", "service", "mail-worker-health", "--max-age", "120"],
    interval_seconds=30,
    timeout_seconds=10,
    retries=3,
    start_period_seconds=300,
)
