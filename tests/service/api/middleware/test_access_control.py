"""Authorization fails closed: every responder declares who may call it, or the app does not start."""
import falcon.testing
import pytest
from falcon.inspect import inspect_routes

from service.api.access import Access
from service.api.middleware.access_control import UndeclaredAccess, require_declared_access
from service.api.resources import meta, my_account
from service.app import create_app


def test_every_route_of_the_app_declares_a_policy_and_protected_ones_refuse_strangers(app, client):
    checked = 0
    for route in inspect_routes(app):
        resource = app._router.find(route.path)[0]
        for method in route.methods:
            if method.internal:
                continue
            policy = resource.access[method.method]  # KeyError: a responder without a policy
            checked += 1
            if policy in (Access.USER, Access.ADMIN):
                path = route.path.replace("{user_id}", "1")
                answer = client.simulate_request(method.method, path, json={})
                assert answer.status_code == 401, f"{method.method} {route.path}"
    assert checked >= 16


def test_create_app_refuses_a_resource_without_a_policy(settings, database, monkeypatch):
    monkeypatch.delattr(meta.Ping, "access")
    with pytest.raises(UndeclaredAccess, match="GET /api/v1/ping"):
        create_app(settings, database)


def test_create_app_refuses_a_responder_missing_from_the_policy(settings, database, monkeypatch):
    # /users/me is served by MyAccount (the profile's PATCH plus DELETE); drop its PATCH.
    monkeypatch.setattr(my_account.MyAccount, "access", {"DELETE": Access.USER})
    with pytest.raises(UndeclaredAccess, match="PATCH /api/v1/users/me"):
        create_app(settings, database)


class Undeclared:
    def on_get(self, req, resp):
        resp.media = {"status": "success"}


def test_a_responder_added_without_a_policy_is_refused_not_public(app):
    app.add_route("/api/v1/late", Undeclared())
    with pytest.raises(UndeclaredAccess):
        require_declared_access(app)
    answer = falcon.testing.TestClient(app).simulate_get("/api/v1/late")
    assert answer.status_code == 403
