"""A mail when an account signs in from a device it has not used before (NEW_DEVICE_LOGIN_NOTICE).

"Device" is the readable name of the User-Agent (browser and system, not version-exact enough
to tell two laptops apart): a notice for every browser update would teach people to ignore it.
"""
from __future__ import annotations

from service.data.models import Session, User
from service.domain.devices import device_name
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox


class NewDeviceNotice:
    def __init__(self, outbox: Outbox, composer: MailComposer):
        self._outbox = outbox
        self._composer = composer

    def after_login(self, user: User, session: Session) -> None:
        earlier = {row.user_agent for row in Session.select(Session.user_agent).distinct()
                   .where(Session.user == user, Session.id != session.id)}
        device = device_name(session.user_agent)
        if not earlier or device in {device_name(agent) for agent in earlier}:
            return
        self._outbox.enqueue("new_device_login", self._composer.compose(
            "new_device_login", user.email, username=user.username, device=device, ip=session.ip or "unknown",
            when=session.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            # The site's account page, which lists the sessions (its route is /status).
            sessions_link=self._composer.link("/status"), reset_link=self._composer.link("/forgot-password")))
