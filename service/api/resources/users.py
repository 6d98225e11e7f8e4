"""/users: the public directory, admin management, and a user's own profile and password."""
from __future__ import annotations

import re

import falcon

from service.api.access import Access
from service.api.errors import bad_request
from service.api.resources.payload import user_fields, user_from_path, user_view, validated
from service.contract.schemas import PasswordChangeRequest, ProfileUpdateRequest, UserCreateRequest, UserUpdateRequest
from service.domain.accounts import Accounts
from service.domain.administration import Administration
from service.domain.authentication import Authentication
from service.domain.email_verification import EmailVerification

DEFAULT_PAGE = 20
MAX_PAGE = 100


def is_admin(req) -> bool:
    return bool(req.context.user and req.context.user.admin)


def page_limit(req) -> int:
    raw = req.get_param("limit")
    if raw is None:
        return DEFAULT_PAGE
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise bad_request("Invalid query.", {"limit": [f"Must be an integer from 1 to {MAX_PAGE}."]})
    return int(raw)


def changes_of(body) -> dict:
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise bad_request("Nothing to update.")
    return changes


class UserCollection:
    access = {"GET": Access.OPTIONAL, "POST": Access.ADMIN}

    def __init__(self, accounts: Accounts, administration: Administration):
        self._accounts = accounts
        self._administration = administration

    def on_get(self, req, resp):
        limit = page_limit(req)
        users, next_cursor = self._accounts.page(limit, req.get_param("cursor"), user_fields(is_admin(req)))
        resp.media = {"status": "success", "data": {"users": users, "next_cursor": next_cursor}}

    def on_post(self, req, resp):
        body = validated(req, UserCreateRequest)
        user = self._administration.create(body.username, body.email, body.password,
                                           admin=body.admin, active=body.active)
        resp.status = falcon.HTTP_201
        resp.media = {"status": "success", "message": "User created.", "data": user_view(user, full=True)}


class UserItem:
    access = {"GET": Access.OPTIONAL, "PATCH": Access.ADMIN, "DELETE": Access.ADMIN}

    def __init__(self, accounts: Accounts, administration: Administration):
        self._accounts = accounts
        self._administration = administration

    def _find(self, user_id: str):
        return user_from_path(self._accounts, user_id)

    def on_get(self, req, resp, user_id):
        resp.media = {"status": "success", "data": user_view(self._find(user_id), is_admin(req))}

    def on_patch(self, req, resp, user_id):
        user = self._find(user_id)
        changes = changes_of(validated(req, UserUpdateRequest))
        user = self._administration.update(req.context.user, user, changes)
        resp.media = {"status": "success", "message": "User updated.", "data": user_view(user, full=True)}

    def on_delete(self, req, resp, user_id):
        user = self._find(user_id)
        self._administration.delete(req.context.user, user)
        resp.status = falcon.HTTP_204


class MyProfile:
    access = {"PATCH": Access.USER}

    def __init__(self, verification: EmailVerification):
        self._verification = verification

    def on_patch(self, req, resp):
        changes = changes_of(validated(req, ProfileUpdateRequest))
        user = self._verification.update_own_profile(req.context.user, changes, req.context.client.ip)
        message = "Profile updated."
        if user.pending_email:
            message += f" Confirm {user.pending_email} with the link we sent there; until then your email stays."
        resp.media = {"status": "success", "message": message, "data": user_view(user, full=True)}


class MyPassword:
    access = {"POST": Access.USER}

    def __init__(self, authentication: Authentication):
        self._authentication = authentication

    def on_post(self, req, resp):
        body = validated(req, PasswordChangeRequest)
        self._authentication.change_password(req.context.identity, body.current_password, body.new_password,
                                             req.context.client)
        resp.media = {"status": "success", "message": "Password changed."}
