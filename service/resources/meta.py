"""Liveness and version: /ping answers without the database, /health asks it."""
from __future__ import annotations

import falcon

from service.db import UNAVAILABLE_ERRORS
from service.errors import ApiError


class Ping:
    def __init__(self, version: str):
        self._body = {"status": "success", "message": "pong!", "version": version}

    def on_get(self, req, resp):
        resp.media = self._body


class Health:
    def __init__(self, database):
        self._db = database

    def on_get(self, req, resp):
        try:
            self._db.execute_sql("SELECT 1")
        except UNAVAILABLE_ERRORS:
            self._db.close()
            raise ApiError(falcon.HTTP_503, "Database unavailable.", headers={"Retry-After": "5"}) from None
        resp.media = {"status": "success", "message": "ok"}
