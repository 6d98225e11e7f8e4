"""The OpenAPI document is the contract: complete, valid, and the one the client was built from."""
import json
from pathlib import Path

from jsonschema import Draft202012Validator

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


def served_templates(nodes):
    for node in nodes:
        if node.resource is not None:
            yield node.uri_template
        yield from served_templates(node.children)


def test_no_api_route_is_served_without_documentation(app):
    undocumented_by_design = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/init.js"}
    served = {t.replace("{user_id}", "{id}") for t in served_templates(app._router._roots)}
    assert served - undocumented_by_design == set(build_openapi("x")["paths"])


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
