"""Render the nginx front config from nginx/templates for one deployment.

The same templates serve the local stack, the tests and the container image; only
`FrontSettings` differs. Placeholders are `${UPPER_CASE}` (nginx's own variables are
lower case, so the two never clash) and an unknown placeholder is an error, never
left in the output.

    python -m nginx.render --out var/nginx --dist client/dist --upstream 127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import re
from dataclasses import dataclass
from pathlib import Path

from service.contract.limits import DEFAULT_MAX_BODY_BYTES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
SHARED_TEMPLATES = ("nginx.conf", "security-headers.conf", "api-proxy.conf", "locations.conf")
SITE_TEMPLATES = ("site-http.conf", "site-tls.conf")


@dataclass(frozen=True)
class FrontSettings:
    conf_dir: Path
    runtime_dir: Path
    dist_root: Path
    upstream: str = "127.0.0.1:8080"
    listen_address: str = "127.0.0.1"
    http_port: int = 8000
    tls_cert: Path | None = None
    tls_key: Path | None = None
    https_port: int = 443
    # The port clients see, when a container maps 443 to an unprivileged https_port.
    public_https_port: int | None = None
    acme_root: Path | None = None
    # The image's folder for what is chosen when the container starts, not when it is built:
    # nginx/front-start.sh writes the site (TLS once the certificate exists), the API upstream and
    # the trusted proxies there from its environment. None (local stack, tests): rendered now.
    start_dir: Path | None = None
    # Proxies in front of nginx (the cluster's ALB) whose X-Forwarded-For names the client.
    # Empty: nginx is the edge and the peer's address is the client's.
    trusted_proxies: tuple[str, ...] = ()
    # Credential guesses (login, register, password change), per client address.
    auth_rate_per_minute: int = 30
    auth_burst: int = 20
    # Refresh, per session: every open tab refreshes, so this one is generous.
    refresh_rate_per_minute: int = 60
    refresh_burst: int = 30
    # Every /api/ request, per client address: a ceiling, far above what a person can click.
    api_rate_per_minute: int = 1200
    api_burst: int = 300
    # The service refuses larger bodies too; nginx stops them before they reach it.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    access_log: str | None = None
    error_log: str | None = None
    mime_types: Path = Path("/etc/nginx/mime.types")
    # Only meaningful when the master runs as root (local stack, tests as root).
    worker_user: str | None = None

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def redirect_port(self) -> int:
        return self.public_https_port or self.https_port

    @property
    def auth_retry_after(self) -> int:
        """Seconds until the credentials zone frees one more request."""
        return retry_after(self.auth_rate_per_minute)

    def variables(self) -> dict[str, str]:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both a certificate and a key")
        if self.start_dir is not None and not self.tls:
            raise ValueError("choosing the site at start needs the certificate and key paths to look for")
        for cidr in self.trusted_proxies:
            ipaddress.ip_network(cidr, strict=True)  # a ValueError names the bad network
        chosen_dir = self.start_dir or self.conf_dir
        return {
            "CONF_DIR": str(self.conf_dir),
            "RUNTIME_DIR": str(self.runtime_dir),
            "DIST_ROOT": str(self.dist_root),
            "LISTEN_ADDRESS": self.listen_address,
            "HTTP_PORT": str(self.http_port),
            "HTTPS_PORT": str(self.https_port),
            "HTTPS_REDIRECT_PORT": "" if self.redirect_port == 443 else f":{self.redirect_port}",
            "TLS_CERT": str(self.tls_cert),
            "TLS_KEY": str(self.tls_key),
            "SITE_CONF": str(chosen_dir / "site.conf"),
            "UPSTREAM_CONF": str(chosen_dir / "upstream.conf"),
            "REAL_IP_CONF": str(chosen_dir / "real-ip.conf"),
            "ACME_ROOT": str(self.acme_root or self.runtime_dir / "acme"),
            "AUTH_RATE": f"{self.auth_rate_per_minute}r/m",
            "AUTH_BURST": str(self.auth_burst),
            "AUTH_RETRY_AFTER": str(self.auth_retry_after),
            "REFRESH_RATE": f"{self.refresh_rate_per_minute}r/m",
            "REFRESH_BURST": str(self.refresh_burst),
            "REFRESH_RETRY_AFTER": str(retry_after(self.refresh_rate_per_minute)),
            "API_RATE": f"{self.api_rate_per_minute}r/m",
            "API_BURST": str(self.api_burst),
            "API_RETRY_AFTER": str(retry_after(self.api_rate_per_minute)),
            "CLIENT_MAX_BODY_SIZE": str(self.max_body_bytes),
            "ACCESS_LOG": self.access_log or str(self.runtime_dir / "access.log"),
            "ERROR_LOG": self.error_log or str(self.runtime_dir / "error.log"),
            "MIME_TYPES": str(self.mime_types),
            "WORKER_USER_DIRECTIVE": f"user {self.worker_user};" if self.worker_user else "",
        }


def retry_after(rate_per_minute: int) -> int:
    """Seconds until a zone with this rate frees one more request."""
    return math.ceil(60 / rate_per_minute)


def fill(template: str, variables: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise KeyError(f"unknown placeholder ${{{name}}}")
        return variables[name]

    return PLACEHOLDER.sub(replace, template)


def render(settings: FrontSettings, out_dir: Path | None = None) -> Path:
    """Write the config files and return the main nginx.conf.

    out_dir defaults to settings.conf_dir; an image build renders elsewhere and copies
    the files to conf_dir, which is where the includes point.
    """
    variables = settings.variables()
    if settings.start_dir is not None:
        sites = {name: name for name in SITE_TEMPLATES}
    else:
        sites = {"site.conf": "site-tls.conf" if settings.tls else "site-http.conf"}
    outputs = {name: name for name in SHARED_TEMPLATES} | sites
    target = out_dir or settings.conf_dir
    target.mkdir(parents=True, exist_ok=True)
    for output_name, template_name in outputs.items():
        text = (TEMPLATES_DIR / template_name).read_text(encoding="utf-8")
        (target / output_name).write_text(fill(text, variables), encoding="utf-8")
    if settings.start_dir is None:
        (target / "upstream.conf").write_text(upstream_conf(settings.upstream), encoding="utf-8")
        (target / "real-ip.conf").write_text(real_ip_conf(settings.trusted_proxies), encoding="utf-8")
    return target / "nginx.conf"


# nginx/front-start.sh writes the same two files in the image, from UPSTREAM and TRUSTED_PROXY_CIDRS.
def upstream_conf(upstream: str) -> str:
    return f"server {upstream};\n"


def real_ip_conf(trusted_proxies: tuple[str, ...]) -> str:
    if not trusted_proxies:
        return NO_TRUSTED_PROXY
    # The right-most address not in a trusted range is the client (ngx_http_realip_module).
    real_ip = [f"set_real_ip_from {cidr};" for cidr in trusted_proxies]
    real_ip += ["real_ip_header X-Forwarded-For;", "real_ip_recursive on;"]
    # TLS ended at a trusted proxy when it says so; anyone else's X-Forwarded-Proto is ignored.
    peers = [f"    {cidr} 1;" for cidr in trusted_proxies]
    return "\n".join(
        [
            *real_ip,
            "geo $realip_remote_addr $front_from_trusted_proxy {",
            "    default 0;",
            *peers,
            "}",
            'map "$front_from_trusted_proxy:$http_x_forwarded_proto" $front_proxied_https {',
            '    "1:https" on;',
            '    default "";',
            "}",
            "",
        ]
    )


NO_TRUSTED_PROXY = """# No trusted proxy: nginx is the edge, the peer's address is the client's.
map $scheme $front_proxied_https {
    default "";
}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="directory for the rendered config")
    parser.add_argument("--conf-dir", type=Path, help="where nginx will read the config (default: --out)")
    parser.add_argument("--runtime-dir", type=Path, required=True, help="writable dir for pid and temp files")
    parser.add_argument("--dist", type=Path, required=True, help="built client (index.html, assets/)")
    parser.add_argument("--upstream", default="127.0.0.1:8080", help="the service's host:port")
    parser.add_argument("--listen-address", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8000)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--public-https-port", type=int, help="port in HTTP->HTTPS redirects")
    parser.add_argument("--tls-cert", type=Path, help="certificate chain; turns TLS on")
    parser.add_argument("--tls-key", type=Path)
    parser.add_argument("--acme-root", type=Path)
    parser.add_argument(
        "--start-dir", type=Path, help="the image: front-start.sh writes the site, upstream and trusted proxies here"
    )
    parser.add_argument("--trusted-proxy", action="append", default=[], help="CIDR whose X-Forwarded-For is believed")
    parser.add_argument("--auth-rate-per-minute", type=int, default=30)
    parser.add_argument("--auth-burst", type=int, default=20)
    parser.add_argument("--refresh-rate-per-minute", type=int, default=60)
    parser.add_argument("--refresh-burst", type=int, default=30)
    parser.add_argument("--api-rate-per-minute", type=int, default=1200)
    parser.add_argument("--api-burst", type=int, default=300)
    parser.add_argument("--access-log")
    parser.add_argument("--error-log")
    parser.add_argument("--mime-types", type=Path, default=Path("/etc/nginx/mime.types"))
    parser.add_argument("--worker-user", help='e.g. "nobody nogroup" when the master runs as root')
    args = parser.parse_args(argv)
    settings = FrontSettings(
        conf_dir=args.conf_dir or args.out,
        runtime_dir=args.runtime_dir,
        dist_root=args.dist,
        upstream=args.upstream,
        listen_address=args.listen_address,
        http_port=args.http_port,
        https_port=args.https_port,
        public_https_port=args.public_https_port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        acme_root=args.acme_root,
        start_dir=args.start_dir,
        trusted_proxies=tuple(args.trusted_proxy),
        auth_rate_per_minute=args.auth_rate_per_minute,
        auth_burst=args.auth_burst,
        refresh_rate_per_minute=args.refresh_rate_per_minute,
        refresh_burst=args.refresh_burst,
        api_rate_per_minute=args.api_rate_per_minute,
        api_burst=args.api_burst,
        access_log=args.access_log,
        error_log=args.error_log,
        mime_types=args.mime_types,
        worker_user=args.worker_user,
    )
    print(render(settings, args.out))


if __name__ == "__main__":
    main()
