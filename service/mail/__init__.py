"""Outgoing mail: composed from templates, queued in the outbox, sent by the mail worker."""
