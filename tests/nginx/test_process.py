"""NginxProcess reports the failures the stack must explain to its user."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from nginx.process import NginxNotInstalled, NginxProcess


def test_missing_binary_says_how_to_install(tmp_path: Path):
    with pytest.raises(NginxNotInstalled, match="apt-get install"):
        NginxProcess(tmp_path / "nginx.conf", tmp_path, binary=tmp_path / "no-nginx")


def test_start_reports_nginx_own_error_when_the_port_is_taken(launch_front, upstream_peer):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(RuntimeError, match="Address already in use"):
            launch_front("port-taken", upstream_peer.address, http_port=port)
