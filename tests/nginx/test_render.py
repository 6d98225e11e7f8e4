"""The rendered config is what nginx itself accepts, for the local and the TLS variant."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nginx.process import NginxProcess, default_worker_user
from nginx.render import FrontSettings, fill, render


def local_settings(root: Path, dist: Path, **overrides: object) -> FrontSettings:
    return FrontSettings(
        conf_dir=root / "conf",
        runtime_dir=root / "run",
        dist_root=dist,
        worker_user=default_worker_user(),
        **overrides,
    )


def test_local_variant_passes_nginx_t(tmp_path: Path, site_dist: Path, nginx_binary: Path):
    settings = local_settings(tmp_path, site_dist)
    result = NginxProcess(render(settings), settings.runtime_dir, binary=nginx_binary).check_config()
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_tls_variant_passes_nginx_t(tmp_path: Path, site_dist: Path, nginx_binary: Path, self_signed_cert):
    cert, key = self_signed_cert
    settings = local_settings(tmp_path, site_dist, tls_cert=cert, tls_key=key, https_port=8443)
    result = NginxProcess(render(settings), settings.runtime_dir, binary=nginx_binary).check_config()
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_tls_variant_really_loads_the_certificate(tmp_path: Path, site_dist: Path, nginx_binary: Path):
    settings = local_settings(
        tmp_path, site_dist, tls_cert=tmp_path / "absent.pem", tls_key=tmp_path / "absent.key"
    )
    result = NginxProcess(render(settings), settings.runtime_dir, binary=nginx_binary).check_config()
    assert result.returncode != 0
    assert "absent.pem" in result.stderr


@pytest.mark.parametrize("tls", [False, True], ids=["local", "tls"])
def test_rendering_fills_every_placeholder(tmp_path: Path, site_dist: Path, tls: bool):
    extra = {"tls_cert": Path("/certs/fullchain.pem"), "tls_key": Path("/certs/privkey.pem")} if tls else {}
    render(local_settings(tmp_path, site_dist, **extra))
    for conf in (tmp_path / "conf").iterdir():
        leftovers = re.findall(r"\$\{[A-Z_]+\}", conf.read_text())
        assert leftovers == [], f"{conf.name}: {leftovers}"


def test_site_variant_follows_tls_setting(tmp_path: Path, site_dist: Path):
    render(local_settings(tmp_path / "plain", site_dist))
    render(local_settings(tmp_path / "tls", site_dist, tls_cert=Path("/c.pem"), tls_key=Path("/k.pem")))
    assert "ssl_certificate" not in (tmp_path / "plain/conf/site.conf").read_text()
    tls_site = (tmp_path / "tls/conf/site.conf").read_text()
    assert "ssl_certificate /c.pem;" in tls_site
    assert "return 301 https://$host$request_uri;" in tls_site  # port 443 stays implicit


def test_redirect_uses_the_public_https_port(tmp_path: Path, site_dist: Path):
    # A container listens on 8443 while clients reach it on 443.
    certs = {"tls_cert": Path("/c.pem"), "tls_key": Path("/k.pem")}
    render(local_settings(tmp_path / "a", site_dist, https_port=8443, public_https_port=443, **certs))
    render(local_settings(tmp_path / "b", site_dist, https_port=8443, **certs))
    assert "return 301 https://$host$request_uri;" in (tmp_path / "a/conf/site.conf").read_text()
    assert "return 301 https://$host:8443$request_uri;" in (tmp_path / "b/conf/site.conf").read_text()


def test_unknown_placeholder_is_an_error():
    with pytest.raises(KeyError, match="TYPO"):
        fill("listen ${TYPO};", {"HTTP_PORT": "80"})


def test_nginx_variables_are_left_alone():
    assert fill("proxy_set_header Host $host; listen ${HTTP_PORT};", {"HTTP_PORT": "80"}) == (
        "proxy_set_header Host $host; listen 80;"
    )


def test_tls_needs_both_certificate_and_key(tmp_path: Path):
    settings = FrontSettings(
        conf_dir=tmp_path, runtime_dir=tmp_path, dist_root=tmp_path, tls_cert=Path("/c.pem")
    )
    with pytest.raises(ValueError, match="both"):
        settings.variables()


def test_retry_after_matches_the_auth_rate():
    settings = FrontSettings(conf_dir=Path("/c"), runtime_dir=Path("/r"), dist_root=Path("/d"))
    assert settings.auth_retry_after == 2  # 30 requests a minute
    slow = FrontSettings(
        conf_dir=Path("/c"), runtime_dir=Path("/r"), dist_root=Path("/d"), auth_rate_per_minute=7
    )
    assert slow.auth_retry_after == 9


def test_cli_renders_the_image_variant(tmp_path: Path, site_dist: Path, nginx_binary: Path, capsys):
    # As nginx/Dockerfile does: render into one dir, install into another, log to the console.
    from nginx.render import main

    conf_dir = tmp_path / "etc-nginx-front"
    main([
        "--out", str(tmp_path / "out"), "--conf-dir", str(conf_dir), "--runtime-dir", str(tmp_path / "run"),
        "--dist", str(site_dist), "--upstream", "127.0.0.1:8080", "--listen-address", "0.0.0.0",
        "--http-port", "8080", "--https-port", "8443", "--public-https-port", "443",
        "--access-log", "/dev/stdout", "--error-log", "stderr",
    ])
    assert capsys.readouterr().out.strip() == str(tmp_path / "out" / "nginx.conf")
    shutil.copytree(tmp_path / "out", conf_dir)
    result = NginxProcess(conf_dir / "nginx.conf", tmp_path / "run", binary=nginx_binary).check_config()
    assert result.returncode == 0, result.stderr
    assert f"include {conf_dir}/site.conf;" in (conf_dir / "nginx.conf").read_text()


def test_nginx_stops_bodies_at_the_services_default_limit(tmp_path: Path, site_dist: Path):
    from service.runtime.settings import load_settings

    limit = re.search(r"client_max_body_size (\d+);", render(local_settings(tmp_path, site_dist)).read_text())
    assert limit and int(limit.group(1)) == load_settings({}).max_body_bytes


def test_image_variant_renders_both_sites_for_the_entrypoint_to_choose(tmp_path: Path, site_dist: Path):
    start_dir = tmp_path / "run"
    certs = {"tls_cert": Path("/tls/fullchain.pem"), "tls_key": Path("/tls/privkey.pem")}
    render(local_settings(tmp_path, site_dist, start_dir=start_dir, **certs))
    conf_dir = tmp_path / "conf"
    main_conf = (conf_dir / "nginx.conf").read_text()
    for chosen_at_start in ("site.conf", "upstream.conf", "real-ip.conf"):
        assert f"include {start_dir / chosen_at_start};" in main_conf
        assert not (conf_dir / chosen_at_start).exists(), "nginx/front-start.sh writes it at start"
    assert "ssl_certificate /tls/fullchain.pem;" in (conf_dir / "site-tls.conf").read_text()
    assert "location /.well-known/acme-challenge/" in (conf_dir / "site-http.conf").read_text()


def test_choosing_the_site_at_start_needs_the_certificate_paths(tmp_path: Path, site_dist: Path):
    with pytest.raises(ValueError, match="certificate and key paths"):
        render(local_settings(tmp_path, site_dist, start_dir=tmp_path / "start"))
