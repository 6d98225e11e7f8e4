"""Optional behaviour: CORS allow-list, serving a built client, structured request logs."""
import json
import logging

import falcon.testing
import pytest

from service.app import create_app
from service.runtime.logging_config import JsonFormatter
from tests.service.contract_client import ContractClient


def test_cors_is_off_by_default(client):
    result = client.simulate_get("/api/v1/ping", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in result.headers


def test_cors_allow_list_admits_only_listed_origins(settings, database):
    client = ContractClient(create_app(settings.with_overrides(cors_allow_origins=("http://localhost:5173",)),
                                       database))
    allowed = client.simulate_get("/api/v1/ping", headers={"Origin": "http://localhost:5173"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    other = client.simulate_get("/api/v1/ping", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log('hi')")
    return tmp_path


def test_a_built_client_is_served_with_spa_fallback(settings, database, dist):
    client = ContractClient(create_app(settings.with_overrides(client_dist=dist), database))
    assert "<title>app</title>" in client.simulate_get("/").text
    assert "<title>app</title>" in client.simulate_get("/admin").text  # client route, full reload
    assert client.simulate_get("/assets/app-1234.js").text == "console.log('hi')"
    assert client.simulate_get("/api/v1/ping").json["message"] == "pong!"
    missing = client.simulate_get("/api/v1/no-such-route")
    assert missing.status_code == 404 and missing.json == {"status": "fail", "message": "Not found."}
    assert client.simulate_get("/api/v1/docs/static/swagger-ui.css").status_code == 200
    assert client.simulate_get("/../../etc/passwd").status_code in (200, 404)
    assert "root:" not in client.simulate_get("/../../etc/passwd").text


@pytest.mark.parametrize("with_client", [False, True])
def test_swagger_assets_are_the_packaged_files_even_beside_a_built_client(settings, database, dist, with_client):
    from service.api.resources.docs import SWAGGER_ASSETS

    client = ContractClient(create_app(settings.with_overrides(client_dist=dist if with_client else None), database))
    for name, content_type in (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css")):
        asset = client.simulate_get(f"/api/v1/docs/static/{name}")
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(content_type)
        assert asset.content[:64] == (SWAGGER_ASSETS / name).read_bytes()[:64]


def test_one_structured_line_per_request_with_its_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="service.request"):
        client.simulate_get("/api/v1/ping", headers={"X-Request-ID": "req-42"})
    (record,) = [r for r in caplog.records if r.name == "service.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-42" and line["status"] == 200 and line["path"] == "/api/v1/ping"
    assert line["method"] == "GET" and line["duration_ms"] >= 0 and line["level"] == "INFO"


def test_unhandled_errors_are_logged_and_answered_without_a_traceback(settings, database, caplog, monkeypatch):
    from service.api.resources import meta

    def explode(self, req, resp):
        raise RuntimeError("boom")

    monkeypatch.setattr(meta.Ping, "on_get", explode)
    # A plain client: the contract rightly documents no 500, and this test forces one.
    client = falcon.testing.TestClient(create_app(settings, database))
    with caplog.at_level(logging.ERROR, logger="service.app"):
        result = client.simulate_get("/api/v1/ping")
    assert result.status_code == 500
    assert result.json == {"status": "error", "message": "Internal server error."}
    assert "boom" not in result.text
    record = next(r for r in caplog.records if r.name == "service.app")
    assert "RuntimeError: boom" in JsonFormatter().format(record)


def test_the_routes_are_the_route_tables(app):
    from falcon.inspect import inspect_routes

    from service.api.routes import BASE, ROUTES

    assert {route.path for route in inspect_routes(app)} == {BASE + route.path for route in ROUTES}


def test_add_routes_wants_exactly_one_resource_per_class_of_the_table(monkeypatch):
    from service.api import routes
    from service.api.resources import meta

    monkeypatch.setattr(routes, "ROUTES", (routes.Route("/ping", meta.Ping),))
    with pytest.raises(routes.RoutesMismatch, match=r"missing: \['Ping'\]"):
        routes.add_routes(falcon.App(), [])
    with pytest.raises(routes.RoutesMismatch, match=r"not in the table: \['Health'\]"):
        routes.add_routes(falcon.App(), [meta.Ping("v"), meta.Health(None)])
    with pytest.raises(routes.RoutesMismatch, match="built 2 for 1 classes"):
        routes.add_routes(falcon.App(), [meta.Ping("v"), meta.Ping("w")])
    app = falcon.App()
    routes.add_routes(app, [meta.Ping("v")])
    assert falcon.testing.TestClient(app).simulate_get("/api/v1/ping").json["version"] == "v"
