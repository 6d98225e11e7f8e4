"""Confirming an email address from the mailed link, and asking for a new link."""
from __future__ import annotations

import falcon

from service.api.access import Access
from service.api.resources.payload import validated
from service.contract.account_lifecycle import VerifyEmailRequest, VerifyEmailResendRequest
from service.domain.email_verification import EmailVerification

# One answer whether or not an account waits on the address, so the route finds no accounts.
RESENT = "If that address needs confirming, a new link is on its way."


class EmailConfirmation:
    access = {"POST": Access.PUBLIC}

    def __init__(self, verification: EmailVerification):
        self._verification = verification

    def on_post(self, req, resp):
        body = validated(req, VerifyEmailRequest)
        user = self._verification.confirm(body.token, req.context.client.ip)
        resp.media = {"status": "success", "message": "Your email address is confirmed.",
                      "data": {"email": user.email}}


class EmailConfirmationResend:
    access = {"POST": Access.PUBLIC}

    def __init__(self, verification: EmailVerification):
        self._verification = verification

    def on_post(self, req, resp):
        body = validated(req, VerifyEmailResendRequest)
        self._verification.resend(body.email, req.context.client.ip)
        resp.status = falcon.HTTP_202
        resp.media = {"status": "success", "message": RESENT}
