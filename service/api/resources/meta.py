"""Liveness and version: /ping answers without the database, /health asks it."""
from __future__ import annotations

import json

import falcon

from service.api.access import Access
from service.api.errors import ApiError
from service.data.db import UNAVAILABLE_ERRORS


class Ping:
    access = {"GET": Access.PUBLIC}

    def __init__(self, version: str):
        # Serialised once: /ping is what load balancers hit most.
        self._body = json.dumps({"status": "success", "message": "pong!", "version": version}).encode()

    def on_get(self, req, resp):
        resp.data = self._body


class Health:
    access = {"GET": Access.PUBLIC}

    def __init__(self, database):
        self._db = database

    def on_get(self, req, resp):
        try:
            self._db.execute_sql("SELECT 1")
        except UNAVAILABLE_ERRORS:
            self._db.close()
            raise ApiError(falcon.HTTP_503, "Database unavailable.", headers={"Retry-After": "5"}) from None
        resp.media = {"status": "success", "message": "ok"}
