"""A test client that checks every response against the OpenAPI document it claims to follow."""
from __future__ import annotations

import re

import falcon.testing
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from service.contract.openapi import build_openapi


class Contract:
    def __init__(self, document: dict):
        self._document = document
        resource = DRAFT202012.create_resource(document)
        self._registry = Registry().with_resource("urn:openapi", resource)
        self._routes = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
                        for path in document["paths"]]

    def operation(self, method: str, path: str) -> dict | None:
        for pattern, template in self._routes:
            if pattern.match(path):
                return self._document["paths"][template].get(method.lower())
        return None

    def check(self, method: str, path: str, result) -> None:
        operation = self.operation(method, path)
        if operation is None:
            return
        documented = operation["responses"].get(str(result.status_code))
        assert documented is not None, f"{method} {path} answered {result.status_code}, which is not documented"
        if "$ref" in documented:
            documented = self._document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        content = documented.get("content")
        if content is None:
            assert not result.content, f"{method} {path} {result.status_code} should have no body"
            return
        assert result.headers["content-type"] == "application/json; charset=utf-8"
        schema = _anchored(content["application/json"]["schema"])
        Draft202012Validator(schema, registry=self._registry).validate(result.json)


class ContractClient(falcon.testing.TestClient):
    """falcon's TestClient, plus a schema check of every API response."""

    def __init__(self, app, version: str = "test"):
        super().__init__(app)
        self.contract = Contract(build_openapi(version))

    def simulate_request(self, method="GET", path="/", *args, **kwargs):
        result = super().simulate_request(method, path, *args, **kwargs)
        self.contract.check(method, path, result)
        return result


def _anchored(schema: dict) -> dict:
    """The response schema with its local $refs pointing into the registered document."""
    if "$ref" in schema:
        return {"$ref": "urn:openapi" + schema["$ref"]}
    return {"anyOf": [_anchored(each) for each in schema["anyOf"]]}
