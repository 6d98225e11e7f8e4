"""The production-like stack's mail server: the aiosmtpd sink, but speaking STARTTLS, which
production settings insist on (they refuse a MAIL_URL with ?tls=off).

Its certificate is a throwaway one made for each run; the mail worker trusts it through
SSL_CERT_FILE, which Python's default SSL context reads (OpenSSL's default verify paths), so the
service's SMTP adapter runs exactly as in production. Messages land in `directory` as .eml files.
"""
from __future__ import annotations

import datetime
import ssl
from pathlib import Path

from localplatform.certificates import write_certificate
from localplatform.mail_sink import Mailbox, MailSink

# `make stack` may run for days.
CERTIFICATE_LIFETIME = datetime.timedelta(days=30)


class StackMailServer:
    def __init__(self, directory: Path, tls_dir: Path, port: int):
        self.directory = Path(directory)
        self.port = port
        self._cert, self._key = Path(tls_dir) / "cert.pem", Path(tls_dir) / "key.pem"
        self._sink: MailSink | None = None
        # Once per run, not per start(): the worker loads the certificate when it starts.
        Path(tls_dir).mkdir(parents=True, exist_ok=True)
        write_certificate(self._cert, self._key, valid_for=CERTIFICATE_LIFETIME)

    @property
    def mail_url(self) -> str:
        """MAIL_URL for the service: STARTTLS, the default and required."""
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def worker_environment(self) -> dict[str, str]:
        return {"SSL_CERT_FILE": str(self._cert)}

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.directory)

    def start(self) -> StackMailServer:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self._cert, self._key)
        self._sink = MailSink(self.directory, self.port, tls_context=context, require_starttls=True).start()
        return self

    def stop(self) -> None:
        if self._sink:
            self._sink.stop()
            self._sink = None
