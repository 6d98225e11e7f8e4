"""Refusals that name the input they are about, so the HTTP layer can point at the field.

The domain raises these with the name of the request field the value came in (`password`,
`new_password`, `current_password`, `email`, ...); service.api.refusals answers every one of them
the same way: 400, `{"errors": {field: [message]}}`.
"""
from __future__ import annotations


class FieldRefused(ValueError):
    """A value the platform will not take; `field` names the input, `message` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class WrongPassword(FieldRefused):
    """A password asked for again before a sensitive change (not a login: that is LoginFailed) is wrong."""
