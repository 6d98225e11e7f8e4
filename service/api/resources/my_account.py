"""/users/me: the profile routes of users.MyProfile, plus DELETE, deleting your own account."""
from __future__ import annotations

import falcon

from service.api.access import Access
from service.api.resources.auth_routes import RefreshCookie
from service.api.resources.payload import validated
from service.api.resources.users import MyProfile
from service.contract.account_lifecycle import AccountDeleteRequest
from service.domain.account_deletion import AccountDeletion


class MyAccount(MyProfile):
    access = {**MyProfile.access, "DELETE": Access.USER}

    def __init__(self, verification, deletion: AccountDeletion, cookie: RefreshCookie):
        super().__init__(verification)
        self._deletion = deletion
        self._cookie = cookie

    def on_delete(self, req, resp):
        body = validated(req, AccountDeleteRequest)
        self._deletion.delete_own(req.context.user, body.password, req.context.client)
        self._cookie.clear(resp)
        resp.status = falcon.HTTP_204
