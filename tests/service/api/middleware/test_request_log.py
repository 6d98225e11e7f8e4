"""RequestLog: every request gets an id, a sane one offered by the client or a new one."""


def test_request_id_is_echoed_or_made(client):
    given = client.simulate_get("/api/v1/ping", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.simulate_get("/api/v1/ping")
    assert len(made.headers["x-request-id"]) == 32
    hostile = client.simulate_get("/api/v1/ping", headers={"X-Request-ID": "evil\r\nSet-Cookie: x=1" + "a" * 200})
    assert hostile.headers["x-request-id"] != "evil" and len(hostile.headers["x-request-id"]) == 32
