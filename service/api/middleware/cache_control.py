"""API answers carry user data and tokens: no cache (browser, proxy or CDN) may keep them."""
from __future__ import annotations

API_PREFIX = "/api/"
CACHEABLE_PREFIX = "/api/v1/docs/static/"


class NoStoreForApi:
    def process_response(self, req, resp, resource, req_succeeded):
        if req.path.startswith(API_PREFIX) and not req.path.startswith(CACHEABLE_PREFIX):
            resp.set_header("Cache-Control", "no-store")
