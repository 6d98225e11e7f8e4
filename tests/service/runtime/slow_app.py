"""A WSGI app that sleeps for ?seconds before answering: an in-flight request on demand."""
import os
import time


def app(environ, start_response):
    seconds = float(environ.get("QUERY_STRING") or 0)
    time.sleep(seconds)
    body = f"{os.getpid()} slept {seconds}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
