"""/users: the public directory, admin management, and a user's own profile and password."""
from __future__ import annotations

import re

import falcon

from service.accounts import Accounts, Conflict, InvalidCursor
from service.auth import AuthService, LoginFailed
from service.errors import bad_request, conflict, forbidden, not_found
from service.middleware.authorization import Access
from service.password_policy import password_problem
from service.resources.payload import user_fields, user_view, validated
from service.schemas import PasswordChangeRequest, ProfileUpdateRequest, UserCreateRequest, UserUpdateRequest
from service.sessions import Sessions

USER_ID = re.compile(r"^[0-9]{1,10}$")
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
    auth = {"GET": Access.OPTIONAL, "POST": Access.ADMIN}

    def __init__(self, accounts: Accounts):
        self._accounts = accounts

    def on_get(self, req, resp):
        limit = page_limit(req)
        try:
            users, next_cursor = self._accounts.page(limit, req.get_param("cursor"), user_fields(is_admin(req)))
        except InvalidCursor:
            raise bad_request("Invalid query.", {"cursor": ["Invalid cursor."]}) from None
        resp.media = {"status": "success", "data": {"users": users, "next_cursor": next_cursor}}

    def on_post(self, req, resp):
        body = validated(req, UserCreateRequest)
        try:
            user = self._accounts.create(body.username, body.email, body.password,
                                         admin=body.admin, active=body.active)
        except Conflict as taken:
            raise conflict(taken.errors) from None
        resp.status = falcon.HTTP_201
        resp.media = {"status": "success", "message": "User created.", "data": user_view(user, full=True)}


class UserItem:
    auth = {"GET": Access.OPTIONAL, "PATCH": Access.ADMIN, "DELETE": Access.ADMIN}

    def __init__(self, accounts: Accounts, sessions: Sessions):
        self._accounts = accounts
        self._sessions = sessions

    def _find(self, user_id: str):
        user = self._accounts.get(int(user_id)) if USER_ID.match(user_id) else None
        if user is None:
            raise not_found()
        return user

    def on_get(self, req, resp, user_id):
        resp.media = {"status": "success", "data": user_view(self._find(user_id), is_admin(req))}

    def on_patch(self, req, resp, user_id):
        user = self._find(user_id)
        changes = changes_of(validated(req, UserUpdateRequest))
        if user.id == req.context.user.id:
            if changes.get("admin") is False:
                raise forbidden("You cannot remove your own admin rights.")
            if changes.get("active") is False:
                raise forbidden("You cannot deactivate your own account.")
        try:
            self._accounts.update(user, changes)
        except Conflict as taken:
            raise conflict(taken.errors) from None
        if changes.get("active") is False or "password" in changes:
            self._sessions.revoke_all(user)
        resp.media = {"status": "success", "message": "User updated.", "data": user_view(user, full=True)}

    def on_delete(self, req, resp, user_id):
        user = self._find(user_id)
        if user.id == req.context.user.id:
            raise forbidden("You cannot delete your own account.")
        self._accounts.delete(user)
        resp.status = falcon.HTTP_204


class MyProfile:
    auth = {"PATCH": Access.USER}

    def __init__(self, accounts: Accounts):
        self._accounts = accounts

    def on_patch(self, req, resp):
        changes = changes_of(validated(req, ProfileUpdateRequest))
        try:
            user = self._accounts.update(req.context.user, changes)
        except Conflict as taken:
            raise conflict(taken.errors) from None
        resp.media = {"status": "success", "message": "Profile updated.", "data": user_view(user, full=True)}


class MyPassword:
    auth = {"POST": Access.USER}

    def __init__(self, auth: AuthService):
        self._auth = auth

    def on_post(self, req, resp):
        body = validated(req, PasswordChangeRequest)
        user = req.context.user
        problem = password_problem(body.new_password, (user.username, user.email))
        if problem:
            raise bad_request("Invalid payload.", {"new_password": [problem]})
        try:
            self._auth.change_password(req.context.identity, body.current_password, body.new_password)
        except LoginFailed:
            raise bad_request("Invalid payload.", {"current_password": ["Current password is incorrect."]}) from None
        resp.media = {"status": "success", "message": "Password changed."}
