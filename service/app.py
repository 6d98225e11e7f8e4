"""Wires the API: every component and the resources built from them, explicitly. The routes they answer
at are in service.api.routes, the one table the OpenAPI document is derived from too."""
from __future__ import annotations

import contextlib
import logging

import falcon
import peewee

from service.api.errors import JSON_TYPE, ApiError, serialize_error, unavailable
from service.api.middleware.access_control import AccessControl, require_declared_access
from service.api.middleware.cache_control import NoStoreForApi
from service.api.middleware.json_body import JsonBody
from service.api.middleware.request_log import RequestLog
from service.api.refusals import register_refusals
from service.api.request_context import ApiRequest
from service.api.resources import auth_routes, docs, email_verification, meta, my_account, password_reset, users
from service.api.resources import sessions as session_routes
from service.api.resources.docs import SWAGGER_ASSETS
from service.api.routes import BASE, add_routes
from service.contract.openapi import build_openapi
from service.data import db as database_module
from service.data.models import MODELS
from service.domain.account_deletion import AccountDeletion
from service.domain.accounts import Accounts
from service.domain.administration import Administration
from service.domain.authentication import Authentication
from service.domain.email_verification import EmailVerification
from service.domain.identifiers import UsernameRules
from service.domain.live_sessions import LiveSessions
from service.domain.new_device_notice import NewDeviceNotice
from service.domain.password_check import PasswordCheck
from service.domain.password_reset import PasswordResets
from service.domain.sessions import Sessions
from service.domain.throttle import Throttle
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox
from service.runtime.json_media import json_handler
from service.runtime.settings import Settings
from service.security.passwords import PasswordHasher, Pepper
from service.security.tokens import AccessTokens

log = logging.getLogger("service.app")


def create_app(settings: Settings, database: peewee.Database | None = None) -> falcon.App:
    database = database or database_module.create_database(settings.database_url, settings.database_timeout)
    # Peewee binds model classes per process; this app's database is the one they use.
    database.bind(MODELS)

    hasher = password_hasher(settings)
    tokens = AccessTokens(settings.secret_key, settings.access_token_ttl,
                          settings.token_issuer, settings.token_audience)
    accounts = Accounts(database, hasher, UsernameRules.from_file(settings.reserved_usernames_file))
    sessions = Sessions(database, settings.refresh_token_ttl)
    passwords = PasswordCheck(accounts, hasher, Throttle(
        "login", {"account": settings.login_max_failures, "ip": settings.login_max_failures_per_ip},
        settings.login_window))
    outbox, composer = Outbox(), MailComposer(settings.public_url, settings.mail_from)
    # Confirmation links are throttled like reset links, under their own counters.
    verification = EmailVerification(database, accounts, outbox, composer, mail_throttle("verify-email", settings))
    administration = Administration(database, accounts, sessions, verification)
    new_device = NewDeviceNotice(outbox, composer).after_login if settings.new_device_login_notice else None
    authentication = Authentication(accounts, sessions, tokens, hasher, passwords, verification,
                                    settings.require_verified_email, after_login=new_device)
    cookie = auth_routes.RefreshCookie(settings.refresh_token_ttl, settings.cookie_secure)
    resets = PasswordResets(database, accounts, sessions, outbox, composer,
                            mail_throttle("password-reset", settings), verification)
    deletion = AccountDeletion(database, passwords, outbox, composer)
    live_sessions = LiveSessions()

    middleware = [RequestLog(settings.trusted_proxies), NoStoreForApi()]
    if settings.cors_allow_origins:
        middleware.append(falcon.CORSMiddleware(allow_origins=list(settings.cors_allow_origins),
                                                allow_credentials=list(settings.cors_allow_origins)))
    middleware += [AccessControl(authentication), JsonBody(settings.max_body_bytes)]

    app = falcon.App(middleware=middleware, media_type=JSON_TYPE, request_type=ApiRequest)
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler()
    app.req_options.strip_url_path_trailing_slash = True
    app.set_error_serializer(serialize_error)
    app.add_error_handler(Exception, _internal_error)
    app.add_error_handler(peewee.OperationalError, _database_unavailable(database))
    app.add_error_handler(peewee.InterfaceError, _database_unavailable(database))
    register_refusals(app)  # every domain refusal's HTTP answer, from one table

    # One resource of each class; service.api.routes says at which paths.
    add_routes(app, (
        meta.Ping(settings.version),
        meta.Health(database),
        auth_routes.Register(authentication, cookie),
        auth_routes.Login(authentication, cookie),
        auth_routes.Refresh(authentication, cookie),
        auth_routes.Logout(authentication, cookie),
        auth_routes.Status(),
        password_reset.PasswordResetRequests(resets),
        password_reset.PasswordResetConfirmation(resets),
        email_verification.EmailConfirmation(verification),
        email_verification.EmailConfirmationResend(verification),
        users.UserCollection(accounts, administration),
        my_account.MyAccount(verification, deletion, cookie),
        users.MyPassword(authentication),
        session_routes.MySessions(live_sessions),
        session_routes.UserSessions(accounts, live_sessions),
        users.UserItem(accounts, administration),
        password_reset.AdminPasswordReset(accounts, resets),
        docs.OpenApiDocument(build_openapi(settings.version, settings.max_body_bytes)),
        docs.DocsPage(),
    ))

    if settings.client_dist:
        # Development only: in production nginx serves the client.
        app.add_sink(_api_not_found, prefix=r"^/api/(?!v1/docs/static/)")
        app.add_static_route("/", settings.client_dist.resolve(), fallback_filename="index.html")
    # Falcon tries static routes newest first, so this one must come after "/" to win.
    app.add_static_route(f"{BASE}/docs/static", SWAGGER_ASSETS)
    require_declared_access(app)
    return app


def password_hasher(settings: Settings) -> PasswordHasher:
    """The current pepper hashes; the previous ones, and the SECRET_KEY-derived one of older hashes, still verify."""
    previous = [Pepper.of(secret) for secret in settings.previous_password_peppers]
    return PasswordHasher(Pepper.of(settings.password_pepper), settings.bcrypt_rounds,
                          previous=[*previous, Pepper.legacy(settings.secret_key)])


def mail_throttle(action: str, settings: Settings) -> Throttle:
    """Requests that mail a link, counted per client IP and per address, whether or not they mail."""
    return Throttle(action, {"ip": settings.password_reset_max_per_ip, "email": settings.password_reset_max_per_email},
                    settings.login_window)


def _api_not_found(req, resp, **kwargs):
    raise ApiError(falcon.HTTP_404, "Not found.")


def _internal_error(req, resp, error, params):
    if isinstance(error, falcon.HTTPError):
        raise error
    log.exception("unhandled error", extra={"request_id": getattr(req.context, "request_id", None)})
    raise ApiError(falcon.HTTP_500, "Internal server error.")


def _database_unavailable(database: peewee.Database):
    def handle(req, resp, error, params):
        log.error("database unavailable: %s", error, extra={"request_id": getattr(req.context, "request_id", None)})
        # Drop the broken connection so the next request reconnects as soon as PostgreSQL is back.
        with contextlib.suppress(peewee.PeeweeException):
            database.close()
        raise unavailable()

    return handle
