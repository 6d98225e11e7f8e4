"""/auth: register, login, refresh, logout, status. HTTP in and out; the work is Authentication's."""
from __future__ import annotations

from datetime import UTC, datetime

import falcon

from service.api.access import Access
from service.api.errors import not_json
from service.api.resources.payload import user_view, validated
from service.contract.schemas import LoginRequest, RegisterRequest
from service.security.tokens import InvalidToken

REFRESH_COOKIE = "refresh_token"
# Browsers keep a __Secure- cookie only if it came over HTTPS with Secure, so no plain-HTTP page
# on the domain (or a sibling subdomain) can plant or overwrite it (ASVS V3.3.1).
SECURE_REFRESH_COOKIE = f"__Secure-{REFRESH_COOKIE}"
REFRESH_COOKIE_PATH = "/api/v1/auth"
CONFIRM_THEN_LOG_IN = "Check your email to confirm your address, then log in."


class RefreshCookie:
    """The refresh token travels only in this cookie: HttpOnly, SameSite=Strict, scoped to /auth;
    when Secure, under the __Secure- prefix (plain-HTTP development keeps the bare name)."""

    def __init__(self, max_age: int, secure: bool):
        self._max_age = max_age
        self._secure = secure
        self.name = SECURE_REFRESH_COOKIE if secure else REFRESH_COOKIE

    def read(self, req) -> str | None:
        return (req.get_cookie_values(self.name) or [None])[0]

    def set(self, resp, value: str) -> None:
        resp.set_cookie(self.name, value, max_age=self._max_age, path=REFRESH_COOKIE_PATH,
                        secure=self._secure, http_only=True, same_site="Strict")

    def clear(self, resp) -> None:
        # Not unset_cookie: it cannot mark the clearing Secure, and a browser ignores an unsecured
        # Set-Cookie for a __Secure- name, so the cookie would stay.
        resp.set_cookie(self.name, "", expires=datetime(1970, 1, 1, tzinfo=UTC),
                        path=REFRESH_COOKIE_PATH, secure=self._secure, http_only=True, same_site="Strict")


def refuse_form_posts(req) -> None:
    """Refresh answers only the site's own script. A cross-site form can POST here (it carries no
    cookie, SameSite=Strict), but it can send neither a JSON content type nor Sec-Fetch-Site:
    same-origin; refusing it before any cookie work keeps its answer from touching the victim's cookie."""
    json_body = (req.content_type or "").split(";")[0].strip().lower() == "application/json"
    if not (json_body or req.get_header("Sec-Fetch-Site") == "same-origin"):
        raise not_json()


def grant_response(resp, cookie: RefreshCookie, grant, message: str) -> None:
    cookie.set(resp, str(grant.refresh_token))
    resp.media = {"status": "success", "message": message, "auth_token": grant.access_token,
                  "expires_in": grant.expires_in, "data": user_view(grant.user, full=True)}


class Register:
    access = {"POST": Access.PUBLIC}

    def __init__(self, authentication, cookie: RefreshCookie):
        self._authentication = authentication
        self._cookie = cookie

    def on_post(self, req, resp):
        body = validated(req, RegisterRequest)
        signup = self._authentication.register(body.username, body.email, body.password, req.context.client)
        resp.status = falcon.HTTP_201
        if signup.grant is None:  # REQUIRE_VERIFIED_EMAIL: no session until the address is confirmed
            resp.media = {"status": "success", "message": CONFIRM_THEN_LOG_IN, "verification_required": True,
                          "data": user_view(signup.user, full=True)}
            return
        grant_response(resp, self._cookie, signup.grant, "Successfully registered.")


class Login:
    access = {"POST": Access.PUBLIC}

    def __init__(self, authentication, cookie: RefreshCookie):
        self._authentication = authentication
        self._cookie = cookie

    def on_post(self, req, resp):
        body = validated(req, LoginRequest)
        grant = self._authentication.login(body.email, body.password, req.context.client)
        grant_response(resp, self._cookie, grant, "Successfully logged in.")


class Refresh:
    access = {"POST": Access.PUBLIC}  # the refresh cookie is the credential

    def __init__(self, authentication, cookie: RefreshCookie):
        self._authentication = authentication
        self._cookie = cookie

    def on_post(self, req, resp):
        refuse_form_posts(req)
        cookie_value = self._cookie.read(req)
        try:
            grant = self._authentication.refresh(cookie_value, req.context.client)
        except InvalidToken:
            # The one refusal that changes the answer beyond its status: a refused cookie is dropped,
            # but never with a clearing Set-Cookie for a request that sent none (a cross-site POST).
            # The 401 itself comes from service.api.refusals. RefreshRaced is not an InvalidToken:
            # another tab's refresh just won, and clearing here could delete its new cookie.
            if cookie_value is not None:
                self._cookie.clear(resp)
            raise
        grant_response(resp, self._cookie, grant, "Token refreshed.")


class Logout:
    access = {"POST": Access.USER}

    def __init__(self, authentication, cookie: RefreshCookie):
        self._authentication = authentication
        self._cookie = cookie

    def on_post(self, req, resp):
        self._authentication.logout(req.context.identity, req.context.client)
        self._cookie.clear(resp)
        resp.media = {"status": "success", "message": "Successfully logged out."}


class Status:
    access = {"GET": Access.USER}

    def on_get(self, req, resp):
        resp.media = {"status": "success", "data": user_view(req.context.user, full=True)}
