"""Forgotten passwords: ask for a link, set a new password with it; admins can send a link."""
from __future__ import annotations

import falcon

from service.api.access import Access
from service.api.errors import forbidden
from service.api.resources.payload import user_from_path, validated
from service.contract.account_lifecycle import PasswordResetConfirmRequest, PasswordResetRequest
from service.domain.accounts import Accounts
from service.domain.password_reset import PasswordResets

# One answer whether or not the account exists, so the route cannot be used to find accounts.
REQUESTED = "If an active account uses that email, a link to reset its password is on its way."


class PasswordResetRequests:
    access = {"POST": Access.PUBLIC}

    def __init__(self, resets: PasswordResets):
        self._resets = resets

    def on_post(self, req, resp):
        body = validated(req, PasswordResetRequest)
        self._resets.request(body.email, req.context.client.ip)
        resp.status = falcon.HTTP_202
        resp.media = {"status": "success", "message": REQUESTED}


class PasswordResetConfirmation:
    access = {"POST": Access.PUBLIC}

    def __init__(self, resets: PasswordResets):
        self._resets = resets

    def on_post(self, req, resp):
        body = validated(req, PasswordResetConfirmRequest)
        self._resets.confirm(body.token, body.new_password, req.context.client.ip)
        resp.media = {"status": "success", "message": "Password changed. Log in with your new password."}


class AdminPasswordReset:
    access = {"POST": Access.ADMIN}

    def __init__(self, accounts: Accounts, resets: PasswordResets):
        self._accounts = accounts
        self._resets = resets

    def on_post(self, req, resp, user_id):
        user = user_from_path(self._accounts, user_id)
        if not user.active:
            raise forbidden("This account is deactivated; activate it before sending a reset link.")
        self._resets.send_link(user)
        resp.status = falcon.HTTP_202
        resp.media = {"status": "success", "message": f"A reset link is on its way to {user.username}."}
