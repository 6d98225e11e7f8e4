"""The HTTP server: granian (WSGI) serving the app with the settings' workers and timeouts.

granian was chosen over gunicorn (sync, gthread) and uWSGI by `make bench` (README, Benchmarks).
Its master restarts a crashed worker at once; SIGTERM stops accepting, lets in-flight requests
finish, and kills a worker still busy after GRACEFUL_TIMEOUT. Workers are never recycled:
nothing here leaks, and each restart costs a boot (the dummy bcrypt hash included).
"""
from __future__ import annotations

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from service.runtime.logging_config import logging_dict
from service.runtime.settings import Settings

APP = "service.runtime.wsgi:app"


def build_server(settings: Settings, target: str = APP) -> Granian:
    return Granian(
        target,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.web_concurrency,
        # Python threads per worker: while one waits on PostgreSQL another runs. Each keeps its
        # own persistent connection (peewee's are per thread), kept while the thread lives.
        blocking_threads=settings.server_threads,
        blocking_threads_idle_timeout=600,
        http=HTTPModes.http1,  # nginx speaks HTTP/1.1 to its upstreams
        websockets=False,
        # Keep-alive to nginx; a client that dawdles over its headers is cut off.
        http1_settings=HTTP1Settings(header_read_timeout=settings.header_read_timeout * 1000, keep_alive=True),
        # The app writes the one line per request (service/middleware/request_log.py).
        log_access=False,
        log_level=settings.log_level.lower(),
        log_dictconfig=logging_dict(settings.log_level),
        respawn_failed_workers=True,
        workers_kill_timeout=settings.graceful_timeout,
    )


def serve(settings: Settings, target: str = APP) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully."""
    build_server(settings, target).serve()


if __name__ == "__main__":
    # `python -m service.runtime.server [TARGET]`: serve another WSGI app (make bench's bare Falcon, the
    # shutdown tests' slow app) under exactly the service's server settings.
    import sys

    from service.runtime.settings import load_settings

    serve(load_settings(), *sys.argv[1:2])
