"""Throwaway TLS material for the nginx TLS tests."""

from __future__ import annotations

from pathlib import Path

from localplatform.certificates import write_certificate


def write_self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 in a new `folder`."""
    folder.mkdir(mode=0o755)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    write_certificate(cert_path, key_path)
    return cert_path, key_path
