"""What the middlewares attach to each request, typed: the contract between them and the resources.

RequestLog sets `request_id`, `started` and `client`; AccessControl sets `identity`; JsonBody sets
`json`. `user` is read from the identity, so the two cannot disagree.
"""
from __future__ import annotations

import falcon

from service.data.models import User
from service.domain.authentication import Identity
from service.domain.client_info import ClientInfo


class RequestContext(falcon.Context):
    request_id: str = ""
    started: float | None = None
    client: ClientInfo = ClientInfo(ip="")
    identity: Identity | None = None
    json: object = None

    @property
    def user(self) -> User | None:
        return self.identity.user if self.identity else None


class ApiRequest(falcon.Request):
    context_type = RequestContext
