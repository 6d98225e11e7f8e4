"""Anonymous requests for a link by mail (forgot password, resend a confirmation link).

The request only counts itself on the throttle and writes a row; the mail worker resolves the
row later (looks the address up, issues the link, queues the mail). So a request runs the same
statements, answers the same and takes the same time whether or not an account has the
address: neither the answer nor its timing tells an outsider that an account exists.

Past the limit for one address the request still answers as usual but queues nothing: an
outsider cannot lock an owner out of their own link with a 429, only stop more mail to them
for the window. Past the limit for one client IP the answer is 429.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import peewee

from service.data.models import MailRequest
from service.domain.identifiers import throttle_digest
from service.domain.throttle import Throttle, Throttled

events = logging.getLogger("service.auth")
# A request names an address, as typed; the resolver of its kind decides what, if anything, to mail.
Resolver = Callable[[str], None]


class LinkRequests:
    def __init__(self, kind: str, throttle: Throttle):
        self._kind = kind
        self._throttle = throttle

    def submit(self, email: str, ip: str) -> None:
        """Queue a request for the mail worker. Raises Throttled past the client's IP limit only."""
        try:
            # The IP first: a request refused for its address gives its IP attempt back.
            self._throttle.reserve(ip=ip, email=throttle_digest(email))
        except Throttled as wait:
            if wait.kind == "ip":
                events.warning("link request throttled", extra={"event": f"{self._kind}_throttled", "ip": ip})
                raise
            events.warning("link request dropped: address limit", extra={
                "event": f"{self._kind}_dropped", "ip": ip})
            return
        MailRequest.create(kind=self._kind, email=email)
        events.info("link request queued", extra={"event": f"{self._kind}_queued", "ip": ip})


def resolve_pending(database: peewee.Database, resolvers: Mapping[str, Resolver]) -> int:
    """Resolve every waiting request, oldest first, each in its own transaction with the mail
    it queues; returns how many. Workers running at once share the queue (SKIP LOCKED)."""
    resolved = 0
    while True:
        with database.atomic():
            request = (MailRequest.select().order_by(MailRequest.id).limit(1)
                       .for_update(skip_locked=True).get_or_none())
            if request is None:
                return resolved
            resolver = resolvers.get(request.kind)
            if resolver is None:  # from a newer release, or hand-written: never blocks the queue
                events.error("mail request of unknown kind dropped", extra={"event": "mail_request_unknown",
                                                                            "kind": request.kind})
            else:
                resolver(request.email)
            request.delete_instance()
        resolved += 1
