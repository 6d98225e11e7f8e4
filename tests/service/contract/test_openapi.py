"""The OpenAPI document is the contract: complete, valid, derived from the app's own routes and access
policies (so the two cannot drift), and the one the client was built from."""
import json
from pathlib import Path

from falcon.inspect import inspect_routes
from jsonschema import Draft202012Validator

from service.api.access import Access
from service.api.resources import users
from service.contract.openapi import build_openapi
from service.runtime.settings import read_version

CLIENT_SNAPSHOT = Path(__file__).resolve().parents[3] / "client" / "src" / "api" / "openapi.json"


def test_the_client_was_generated_from_the_current_document():
    """Regenerate with: python -m service openapi > client/src/api/openapi.json && (cd client && npm run gen:api)"""
    assert json.loads(CLIENT_SNAPSHOT.read_text()) == build_openapi(read_version())


def test_every_documented_operation_is_served(client):
    for path, operations in build_openapi("x")["paths"].items():
        for method in operations:
            result = client.simulate_request(method.upper(), path.replace("{id}", "1").replace("{session_id}", "x"))
            assert result.status_code not in (404, 405) or result.json["message"] in (
                "User not found.", "Session not found."), (method, path)


UNDOCUMENTED_BY_DESIGN = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/init.js"}


def served_operations(app):
    """(METHOD, path as documented) of every responder of ours the app serves, with its resource."""
    for route in inspect_routes(app):
        if route.path in UNDOCUMENTED_BY_DESIGN:
            continue
        resource = app._router.find(route.path)[0]
        for method in route.methods:
            if not method.internal:
                yield (method.method, route.path.replace("{user_id}", "{id}")), resource


def documented_operations(document):
    return {(method.upper(), path): operation
            for path, operations in document["paths"].items() for method, operation in operations.items()}


def test_the_app_serves_exactly_the_documented_operations(app):
    served = {operation for operation, _ in served_operations(app)}
    assert len(served) >= 25
    assert served == set(documented_operations(build_openapi("x")))


# What the document must say for each access policy a resource declares.
SECURITY_OF = {Access.PUBLIC: [], Access.OPTIONAL: [{}, {"bearer": []}], Access.USER: [{"bearer": []}],
               Access.ADMIN: [{"bearer": []}]}


def test_each_operations_security_is_its_resources_access(app):
    documented = documented_operations(build_openapi("x"))
    for (method, path), resource in served_operations(app):
        security = documented[method, path]["security"]
        if path == "/api/v1/auth/refresh":  # public: the refresh cookie is the credential
            assert resource.access[method] is Access.PUBLIC and security == [{"refreshCookie": []}]
        else:
            assert security == SECURITY_OF[resource.access[method]], (method, path)


def test_a_change_of_access_changes_the_document(monkeypatch):
    monkeypatch.setattr(users.UserCollection, "access", {"GET": Access.ADMIN, "POST": Access.ADMIN})
    assert build_openapi("x")["paths"]["/api/v1/users"]["get"]["security"] == [{"bearer": []}]


def test_component_schemas_are_valid_json_schema():
    for schema in build_openapi("x")["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_documents_its_errors_and_security():
    for path, operations in build_openapi("x")["paths"].items():
        for method, operation in operations.items():
            assert "503" in operation["responses"], (method, path)
            assert "security" in operation and operation["operationId"]
            if operation["security"] == [{"bearer": []}]:
                assert "401" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)


def test_the_documented_body_limit_is_the_one_the_service_enforces(settings, database):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    served = ContractClient(create_app(settings.with_overrides(max_body_bytes=128 * 1024), database))
    document = served.simulate_get("/api/v1/openapi.json").json
    assert document["components"]["responses"]["413"]["description"] == "Request body over 128 KiB."
    too_large = served.simulate_post("/api/v1/auth/login", body=b"{" + b" " * 128 * 1024 + b"}",
                                     headers={"Content-Type": "application/json"})
    assert too_large.json["message"] == "Request body is too large (limit 128 KiB)."
