from service.app import create_app
from service.data import db as database_module
from tests.service.contract_client import ContractClient


def test_ping_answers_pong_and_the_platform_version(client, settings):
    result = client.simulate_get("/api/v1/ping")
    assert result.status_code == 200
    assert result.json == {"status": "success", "message": "pong!", "version": settings.version}
    assert result.headers["content-type"] == "application/json; charset=utf-8"


def test_health_is_ok_when_the_database_answers(client):
    result = client.simulate_get("/api/v1/health")
    assert result.status_code == 200
    assert result.json == {"status": "success", "message": "ok"}


def test_health_and_api_answer_503_in_the_envelope_when_the_database_is_unreachable(settings):
    # A real connection attempt to a port nothing listens on.
    unreachable = database_module.create_database("postgresql://postgres@127.0.0.1:9/users")
    client = ContractClient(create_app(settings, unreachable))
    health = client.simulate_get("/api/v1/health")
    assert health.status_code == 503
    assert health.json == {"status": "error", "message": "Database unavailable."}
    users = client.simulate_get("/api/v1/users")
    assert users.status_code == 503
    assert users.json["status"] == "error"
    assert "Traceback" not in users.text
    assert users.headers["retry-after"] == "5"


def test_unknown_route_is_a_json_404(client):
    result = client.simulate_get("/api/v1/nothing-here")
    assert result.status_code == 404
    assert result.json == {"status": "fail", "message": "Not found."}


def test_wrong_method_is_a_json_405(client):
    result = client.simulate_delete("/api/v1/ping")
    assert result.status_code == 405
    assert result.json == {"status": "fail", "message": "Method not allowed."}
    assert result.headers["allow"]


def test_trailing_slash_reaches_the_same_route(client):
    assert client.simulate_get("/api/v1/ping/").status_code == 200


def test_openapi_document_is_served_and_is_openapi_3_1(client, settings):
    result = client.simulate_get("/api/v1/openapi.json")
    assert result.status_code == 200
    assert result.json["openapi"] == "3.1.0"
    assert result.json["info"]["version"] == settings.version
    assert "/api/v1/auth/register" in result.json["paths"]


def test_docs_page_uses_only_packaged_assets(client):
    page = client.simulate_get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "http://" not in page.text and "https://" not in page.text and "<script>" not in page.text
    for asset in ("/api/v1/docs/static/swagger-ui-bundle.js", "/api/v1/docs/static/swagger-ui.css",
                  "/api/v1/docs/init.js"):
        assert asset in page.text
        assert client.simulate_get(asset).status_code == 200


def test_api_responses_are_never_cached_but_docs_assets_may_be(client):
    assert client.simulate_get("/api/v1/ping").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.simulate_get("/api/v1/docs/static/swagger-ui.css").headers
