"""The OpenAPI document and Swagger UI, from assets packaged with the service (no CDN)."""
from __future__ import annotations

import json
from pathlib import Path

import swagger_ui

from service.api.access import Access

PAGE_DIR = Path(__file__).resolve().parents[2] / "contract" / "docs_page"
SWAGGER_ASSETS = Path(swagger_ui.__file__).resolve().parent / "static"


class OpenApiDocument:
    access = {"GET": Access.PUBLIC}

    def __init__(self, document: dict):
        self._body = json.dumps(document).encode()

    def on_get(self, req, resp):
        resp.data = self._body
        resp.content_type = "application/json; charset=utf-8"


class DocsPage:
    access = {"GET": Access.PUBLIC}

    def __init__(self):
        self._page = (PAGE_DIR / "index.html").read_bytes()
        self._script = (PAGE_DIR / "init.js").read_bytes()

    def on_get(self, req, resp):
        resp.data = self._page
        resp.content_type = "text/html; charset=utf-8"

    def on_get_script(self, req, resp):
        resp.data = self._script
        resp.content_type = "text/javascript; charset=utf-8"
