"""Reads request bodies: bounded in size, JSON only, parsed once into req.context.json."""
from __future__ import annotations

import json

import falcon

from service.api.errors import ApiError, bad_request, not_json

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # DELETE /users/me carries the password


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JsonBody:
    def __init__(self, max_bytes: int):
        self._max = max_bytes

    def process_resource(self, req, resp, resource, params):
        req.context.json = None
        if req.method not in BODY_METHODS or resource is None:
            return
        if req.content_length and req.content_length > self._max:
            raise self._too_large()
        raw = req.bounded_stream.read(self._max + 1)
        if len(raw) > self._max:
            raise self._too_large()
        if not raw:
            return
        if (req.content_type or "").split(";")[0].strip().lower() != "application/json":
            raise not_json()
        try:
            req.context.json = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise bad_request("Malformed JSON.") from None

    def _too_large(self) -> ApiError:
        return ApiError(falcon.HTTP_413, f"Request body is too large (limit {self._max // 1024} KiB).")
