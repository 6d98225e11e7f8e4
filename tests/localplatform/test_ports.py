from localplatform.ports import free_port, free_ports


def test_a_process_is_never_handed_the_same_port_twice():
    # bind(0) is random: unchecked, 1000 draws repeat a port almost surely (about 30 repeats here).
    handed = [port for _ in range(500) for port in free_ports(2)] + [free_port()]
    assert len(set(handed)) == len(handed)
    assert all(1024 < port < 65536 for port in handed)
