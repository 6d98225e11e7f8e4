import ipaddress

import pytest

from service.api.client_ip import client_ip

PROXIES = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))


@pytest.mark.parametrize("remote, forwarded, expected", [
    ("127.0.0.1", None, "127.0.0.1"),
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ("127.0.0.1", "198.51.100.1, 203.0.113.5", "203.0.113.5"),      # rightmost untrusted hop
    ("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
    ("127.0.0.1", "10.1.2.3, 10.2.3.4", "10.1.2.3"),                  # all trusted: the first
    ("127.0.0.1", "not-an-ip", "127.0.0.1"),
    ("127.0.0.1", " , ", "127.0.0.1"),
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),                   # not from a proxy: ignored
    ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ("127.0.0.1", "2001:0db8:0000::0001", "2001:db8::1"),              # one spelling per address
    ("127.0.0.1", "fe80::1%eth0", "127.0.0.1"),                       # a zone means nothing here
    ("127.0.0.1", "fe80::1%" + "a" * 300, "127.0.0.1"),
    ("127.0.0.1", "203.0.113.5, fe80::1%" + "a" * 300, "127.0.0.1"),
    ("127.0.0.1", "fe80::1%" + "a" * 300 + ", 203.0.113.5", "203.0.113.5"),  # left of the client: unread
    ("127.0.0.1", "1" * 5000, "127.0.0.1"),
    ("127.0.0.1", "203.0.113.5\x00", "127.0.0.1"),
])
def test_client_ip(remote, forwarded, expected):
    assert client_ip(remote, forwarded, PROXIES) == expected


def test_nothing_is_trusted_by_default():
    assert client_ip("127.0.0.1", "203.0.113.5", ()) == "127.0.0.1"


def test_the_answer_always_fits_the_sessions_ip_column():
    from service.data.models import Session

    longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255"
    assert len(client_ip("127.0.0.1", longest, PROXIES)) <= Session.ip.max_length
