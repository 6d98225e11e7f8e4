"""The baseline: a bare Falcon app answering /ping's JSON, under the same gunicorn settings."""
import falcon

BODY = b'{"status": "success", "message": "pong!", "version": "0.0.0"}'


class Ping:
    def on_get(self, req, resp):
        resp.data = BODY
        resp.content_type = "application/json; charset=utf-8"


app = falcon.App()
app.add_route("/api/v1/ping", Ping())
