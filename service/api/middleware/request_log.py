"""Gives every request an id (honouring a sane X-Request-ID), its client (IP, user agent), and one log line."""
from __future__ import annotations

import logging
import os
import re
import time

from service.api.client_ip import client_ip
from service.domain.client_info import ClientInfo

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
log = logging.getLogger("service.request")


class RequestLog:
    def __init__(self, trusted_proxies: tuple):
        self._trusted = trusted_proxies

    def process_request(self, req, resp):
        req.context.started = time.perf_counter()
        offered = req.get_header("X-Request-ID") or ""
        req.context.request_id = offered if REQUEST_ID.match(offered) else os.urandom(16).hex()
        ip = client_ip(req.remote_addr, req.get_header("X-Forwarded-For"), self._trusted)
        req.context.client = ClientInfo.of(ip, req.user_agent)
        resp.set_header("X-Request-ID", req.context.request_id)

    def process_response(self, req, resp, resource, req_succeeded):
        started = req.context.started
        if started is None:
            return
        user = req.context.user
        log.info("request", extra={
            "request_id": req.context.request_id,
            "method": req.method,
            "path": req.path,
            "status": resp.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "ip": req.context.client.ip,
            "user_id": user.id if user else None,
        })
