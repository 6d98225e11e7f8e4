"""gunicorn settings, from the environment. Used by `python -m service serve` and the image."""
import multiprocessing
import os

from service.runtime.logging_config import logging_dict

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# bcrypt makes logins CPU-bound: sync workers, one request each, scale by process.
# The sync worker, with the errors gunicorn answers itself in the JSON envelope.
worker_class = "service.runtime.json_error_worker.JsonErrorSyncWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 10000
max_requests_jitter = 1000
# gunicorn 27's control socket lives in ~/.gunicorn, shared by every instance on a host (and
# unwritable in the image); nothing here uses it.
control_socket_disable = True
# The app logs one structured line per request (with its request id); gunicorn's own
# access log would only repeat it, so gunicorn logs errors and lifecycle through our formatter.
accesslog = None
logconfig_dict = logging_dict(os.environ.get("LOG_LEVEL", "INFO"))
