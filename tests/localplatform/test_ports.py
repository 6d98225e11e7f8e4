import socket

import pytest

from localplatform.ports import PortUnavailable, free_port, free_ports, setting_port
from localplatform.processes import port_in_use


def test_a_process_is_never_handed_the_same_port_twice():
    # bind(0) is random: unchecked, 1000 draws repeat a port almost surely (about 30 repeats here).
    handed = [port for _ in range(500) for port in free_ports(2)] + [free_port()]
    assert len(set(handed)) == len(handed)
    assert all(1024 < port < 65536 for port in handed)


@pytest.fixture
def busy_port():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def test_a_free_default_is_taken_as_is():
    default = free_port()
    assert setting_port({}, "MAIL_SINK_PORT", default, fallback=True) == default


def test_a_busy_default_gives_way_to_a_free_port_where_allowed(busy_port):
    chosen = setting_port({}, "MAIL_SINK_PORT", busy_port, fallback=True)
    assert chosen != busy_port and not port_in_use(chosen)


def test_a_busy_default_without_fallback_names_the_variable(busy_port):
    with pytest.raises(PortUnavailable, match=rf"^127\.0\.0\.1:{busy_port} is already in use; "
                                              r"choose another port with PORT=\.\.\.$"):
        setting_port({}, "PORT", busy_port, fallback=False)


def test_a_chosen_port_is_never_replaced(busy_port):
    with pytest.raises(PortUnavailable, match=rf"^127\.0\.0\.1:{busy_port} is already in use; "
                                              r"choose another port with MAILBOX_PORT=\.\.\.$"):
        setting_port({"MAILBOX_PORT": str(busy_port)}, "MAILBOX_PORT", free_port(), fallback=True)
    free = free_port()
    assert setting_port({"MAILBOX_PORT": str(free)}, "MAILBOX_PORT", 8026, fallback=True) == free


@pytest.mark.parametrize("value", ["mail", "0", "70000", "-1"])
def test_a_chosen_port_that_is_no_port_number_names_the_variable(value):
    with pytest.raises(PortUnavailable, match=rf"^MAIL_SINK_PORT={value} is not a port number \(1 to 65535\)\.$"):
        setting_port({"MAIL_SINK_PORT": value}, "MAIL_SINK_PORT", 8025, fallback=True)
