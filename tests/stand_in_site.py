"""A stand-in for client/dist (index.html, hashed assets, one precompressed asset), for tests
that serve a site through nginx without building the real client."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

INDEX_HTML = b"<!doctype html><title>spa</title><div id=root></div>"
# Big and repetitive enough that gzip always pays off.
APP_JS = b"".join(b"console.log('line %d of the app bundle');\n" % i for i in range(600))
VENDOR_JS = b"".join(b"export const v%d = %d;\n" % (i, i) for i in range(800))


def world_readable_dir(prefix: str) -> Path:
    """nginx workers run as nobody when the tests run as root, so pytest's 0700 tmp won't do."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def write_site(dist: Path) -> Path:
    assets = dist / "assets"
    assets.mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX_HTML)
    (dist / "robots.txt").write_bytes(b"User-agent: *\n")
    (assets / "app-3f9a1c.js").write_bytes(APP_JS)
    (assets / "vendor-77aa02.js").write_bytes(VENDOR_JS)
    (assets / "vendor-77aa02.js.gz").write_bytes(gzip.compress(VENDOR_JS, compresslevel=9))
    for path in [dist, assets]:
        path.chmod(0o755)
    return dist
