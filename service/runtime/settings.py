"""Settings read once from the environment and validated at start-up."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import multiprocessing
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from service.contract.limits import DEFAULT_MAX_BODY_BYTES
from service.mail.smtp import InvalidMailUrl, parse_smtp_url

ENVIRONMENTS = ("development", "test", "production")
DEVELOPMENT_DATABASE_URL = "postgresql://postgres@127.0.0.1:54329/users"
DEVELOPMENT_MAIL_URL = "smtp://127.0.0.1:8025?tls=off"  # the sink `make run` starts
MIN_SECRET_BYTES = 32
# gunicorn's settings, gone with gunicorn: refused by name rather than silently ignored.
RETIRED = {"GUNICORN_TIMEOUT": "HEADER_READ_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT": "GRACEFUL_TIMEOUT"}
VERSION_FILE = Path(__file__).resolve().parents[2] / "VERSION"
RESERVED_USERNAMES_FILE = Path(__file__).resolve().parents[1] / "domain" / "reserved_usernames.txt"
# The mail worker renews it on every pass; `mail-worker-health` reads it. One worker per container.
DEFAULT_MAIL_WORKER_HEARTBEAT_FILE = Path(tempfile.gettempdir()) / "users-platform-mail-worker.heartbeat"

log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    secret_key: str
    version: str
    # The password pre-hash key, apart from SECRET_KEY so each rotates on its own (service.security.passwords).
    password_pepper: str = ""
    previous_password_peppers: tuple = ()
    # True when neither key was given outside production: hashes made now die with the process.
    pepper_is_ephemeral: bool = False
    access_token_ttl: int = 900
    refresh_token_ttl: int = 14 * 24 * 3600
    bcrypt_rounds: int = 12
    cookie_secure: bool = True
    trusted_proxies: tuple = ()
    cors_allow_origins: tuple = ()
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 50
    login_window: int = 900
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # Seconds a request may wait on PostgreSQL (connecting, or any one round trip).
    database_timeout: int = 3
    client_dist: Path | None = None
    log_level: str = "INFO"
    token_issuer: str = "users-platform"
    token_audience: str = "users-platform-api"
    reserved_usernames_file: Path = RESERVED_USERNAMES_FILE
    # The HTTP server (service/runtime/server.py).
    host: str = "127.0.0.1"
    port: int = 8080
    web_concurrency: int = 2
    server_threads: int = 2
    graceful_timeout: int = 20
    header_read_timeout: int = 30
    public_url: str = "http://127.0.0.1:8080"
    mail_url: str = DEVELOPMENT_MAIL_URL
    mail_from: str = "Users platform <no-reply@localhost>"
    mail_max_attempts: int = 8
    mail_retry_base: int = 30
    mail_ses_configuration_set: str = ""
    mail_worker_heartbeat_file: Path = DEFAULT_MAIL_WORKER_HEARTBEAT_FILE
    password_reset_max_per_email: int = 3
    password_reset_max_per_ip: int = 20
    new_device_login_notice: bool = True
    # Login needs a confirmed email; sign-up then opens no session. On by default in production.
    require_verified_email: bool = False

    @property
    def production(self) -> bool:
        return self.env == "production"

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    reader = _Reader(environ)
    env = reader.choice("APP_ENV", ENVIRONMENTS, default="development")
    production = env == "production"

    database_url = reader.text("DATABASE_URL", default=None if production else DEVELOPMENT_DATABASE_URL)
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SettingsError("DATABASE_URL must be a postgresql:// URL.")

    secret_key = reader.text("SECRET_KEY", default=None if production else "")
    secret_key_given = bool(secret_key)
    if not secret_key:
        # Only outside production: a per-process key, so tokens die with the process.
        log.warning("SECRET_KEY is not set; using a random key for this process.")
        secret_key = secrets.token_urlsafe(48)
    reader.check_secret("SECRET_KEY", secret_key)

    password_pepper = reader.text("PASSWORD_PEPPER", default=None if production else "")
    pepper_is_ephemeral = False
    if not password_pepper:
        # Only outside production: derived from SECRET_KEY, so the server and the CLI agree
        # whenever the key is set (`make run` keeps both keys in var/).
        password_pepper = hmac.new(secret_key.encode(), b"development-password-pepper", hashlib.sha256).hexdigest()
        pepper_is_ephemeral = not secret_key_given
    reader.check_secret("PASSWORD_PEPPER", password_pepper)
    previous_password_peppers = reader.items("PREVIOUS_PASSWORD_PEPPERS")
    for previous in previous_password_peppers:
        reader.check_secret("PREVIOUS_PASSWORD_PEPPERS", previous)

    bcrypt_rounds = reader.integer("BCRYPT_ROUNDS", default=4 if env == "test" else 12, low=4, high=16)
    if production and bcrypt_rounds < 12:
        raise SettingsError("BCRYPT_ROUNDS must be at least 12 in production.")

    for retired, successor in RETIRED.items():
        if environ.get(retired):
            raise SettingsError(f"{retired} is no longer read; set {successor} instead.")

    client_dist = reader.text("CLIENT_DIST", default="")
    reserved_usernames_file = Path(reader.text("RESERVED_USERNAMES_FILE", default=str(RESERVED_USERNAMES_FILE)))
    if not reserved_usernames_file.is_file():
        raise SettingsError("RESERVED_USERNAMES_FILE must name a readable file.")
    # Only the mail worker sends, so only it insists on MAIL_URL (see `python -m service mail-worker`).
    mail_url = reader.text("MAIL_URL", default="" if production else DEVELOPMENT_MAIL_URL)
    if mail_url:
        check_mail_url(mail_url, production)
    # Links in mail are built on this, never on the request's Host header.
    public_url = reader.text("PUBLIC_URL", default=None if production else "http://127.0.0.1:8080").rstrip("/")
    if not public_url.startswith(("http://", "https://")):
        raise SettingsError("PUBLIC_URL must be an http:// or https:// URL.")
    return Settings(
        env=env,
        database_url=database_url,
        secret_key=secret_key,
        password_pepper=password_pepper,
        previous_password_peppers=previous_password_peppers,
        pepper_is_ephemeral=pepper_is_ephemeral,
        version=load_version(environ),
        access_token_ttl=reader.integer("ACCESS_TOKEN_TTL", default=900, low=1, high=24 * 3600),
        refresh_token_ttl=reader.integer("REFRESH_TOKEN_TTL", default=14 * 24 * 3600, low=60, high=365 * 24 * 3600),
        bcrypt_rounds=bcrypt_rounds,
        cookie_secure=reader.boolean("COOKIE_SECURE", default=production),
        trusted_proxies=reader.networks("TRUSTED_PROXIES"),
        cors_allow_origins=reader.items("CORS_ALLOW_ORIGINS"),
        login_max_failures=reader.integer("LOGIN_MAX_FAILURES", default=5, low=1, high=1000),
        login_max_failures_per_ip=reader.integer("LOGIN_MAX_FAILURES_PER_IP", default=50, low=1, high=100000),
        login_window=reader.integer("LOGIN_WINDOW", default=900, low=1, high=7 * 24 * 3600),
        max_body_bytes=reader.integer("MAX_BODY_BYTES", default=DEFAULT_MAX_BODY_BYTES, low=1024, high=1024 * 1024),
        database_timeout=reader.integer("DATABASE_TIMEOUT", default=3, low=1, high=60),
        client_dist=Path(client_dist) if client_dist else None,
        log_level=reader.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), default="INFO"),
        reserved_usernames_file=reserved_usernames_file,
        host=reader.text("HOST", default="127.0.0.1"),
        port=reader.integer("PORT", default=8080, low=1, high=65535),
        web_concurrency=reader.integer("WEB_CONCURRENCY", default=min(2 * multiprocessing.cpu_count() + 1, 8),
                                       low=1, high=64),
        server_threads=reader.integer("SERVER_THREADS", default=2, low=1, high=32),
        graceful_timeout=reader.integer("GRACEFUL_TIMEOUT", default=20, low=1, high=1800),
        header_read_timeout=reader.integer("HEADER_READ_TIMEOUT", default=30, low=1, high=60),
        public_url=public_url,
        mail_url=mail_url,
        mail_from=reader.text("MAIL_FROM", default=None if production else "Users platform <no-reply@localhost>"),
        mail_max_attempts=reader.integer("MAIL_MAX_ATTEMPTS", default=8, low=1, high=100),
        mail_retry_base=reader.integer("MAIL_RETRY_BASE", default=30, low=1, high=3600),
        mail_ses_configuration_set=reader.text("MAIL_SES_CONFIGURATION_SET", default=""),
        mail_worker_heartbeat_file=Path(reader.text("MAIL_WORKER_HEARTBEAT_FILE",
                                                    default=str(DEFAULT_MAIL_WORKER_HEARTBEAT_FILE))),
        password_reset_max_per_email=reader.integer("PASSWORD_RESET_MAX_PER_EMAIL", default=3, low=1, high=1000),
        password_reset_max_per_ip=reader.integer("PASSWORD_RESET_MAX_PER_IP", default=20, low=1, high=100000),
        new_device_login_notice=reader.boolean("NEW_DEVICE_LOGIN_NOTICE", default=True),
        require_verified_email=reader.boolean("REQUIRE_VERIFIED_EMAIL", default=production),
    )


def load_version(environ: Mapping[str, str] | None = None) -> str:
    """APP_VERSION, else the VERSION file: also for commands that need no other setting."""
    return _Reader(os.environ if environ is None else environ).text("APP_VERSION", default=read_version())


def check_mail_url(url: str, production: bool) -> None:
    if url.startswith("ses://"):
        return
    try:
        target = parse_smtp_url(url)
    except InvalidMailUrl as error:
        raise SettingsError(str(error)) from None
    if production and target.tls == "off":
        raise SettingsError("MAIL_URL must use TLS in production (drop ?tls=off).")


def read_version() -> str:
    try:
        return VERSION_FILE.read_text().strip() or "0.0.0"
    except OSError:
        return "0.0.0"


class _Reader:
    """Typed access to environment variables; every error names the variable."""

    def __init__(self, environ: Mapping[str, str]):
        self._environ = environ

    def text(self, name: str, default: str | None) -> str:
        value = self._environ.get(name, "").strip()
        if value:
            return value
        if default is None:
            raise SettingsError(f"{name} is required in production.")
        return default

    @staticmethod
    def check_secret(name: str, value: str) -> None:
        if len(value.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(f"{name} must be at least {MIN_SECRET_BYTES} bytes.")

    def choice(self, name: str, allowed: tuple, default: str) -> str:
        value = self.text(name, default)
        if value not in allowed:
            raise SettingsError(f"{name} must be one of: {', '.join(allowed)}.")
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be an integer.") from None
        if not low <= value <= high:
            raise SettingsError(f"{name} must be between {low} and {high}.")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.text(name, "true" if default else "false").lower()
        if raw in ("1", "true", "yes", "on"):
            return True
        if raw in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be true or false.")

    def items(self, name: str) -> tuple:
        return tuple(item.strip() for item in self._environ.get(name, "").split(",") if item.strip())

    def networks(self, name: str) -> tuple:
        try:
            return tuple(ipaddress.ip_network(item, strict=False) for item in self.items(name))
        except ValueError:
            raise SettingsError(f"{name} must be a comma-separated list of IP addresses or networks.") from None
