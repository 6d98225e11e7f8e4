"""The one throttle, against the real database: reserve, refuse, refund, reset, prune."""
import pytest

from service.domain import throttle as throttle_module
from service.domain.throttle import Throttle, Throttled

WINDOW = 60


@pytest.fixture
def throttle(database):
    return Throttle("test", {"ip": 3, "email": 2}, WINDOW)


def counts(database) -> dict[str, int]:
    return dict(database.execute_sql("SELECT key, failures FROM login_throttle").fetchall())


def age_windows(database, seconds: int) -> None:
    database.execute_sql(f"UPDATE login_throttle SET window_started_at = window_started_at - interval '{seconds} s'")


def test_each_limit_admits_exactly_its_count_then_names_itself(throttle, database):
    for _ in range(2):
        throttle.reserve(ip="10.0.0.1", email="a")
    with pytest.raises(Throttled) as refused:
        throttle.reserve(ip="10.0.0.1", email="a")
    assert refused.value.kind == "email"
    assert 1 <= refused.value.retry_after <= WINDOW
    throttle.reserve(ip="10.0.0.1", email="b")
    with pytest.raises(Throttled) as refused:
        throttle.reserve(ip="10.0.0.1", email="c")
    assert refused.value.kind == "ip"


def test_a_refused_call_keeps_nothing_it_took(throttle, database):
    for _ in range(2):
        throttle.reserve(ip="10.0.0.1", email="a")
    with pytest.raises(Throttled):
        throttle.reserve(ip="10.0.0.1", email="a")  # the ip was taken first, then given back
    assert counts(database) == {"test:ip:10.0.0.1": 2, "test:email:a": 2}


def test_a_refund_gives_back_only_the_kinds_named(throttle, database):
    reservation = throttle.reserve(ip="10.0.0.1", email="a")
    throttle.refund(reservation, "ip")
    assert counts(database) == {"test:ip:10.0.0.1": 0, "test:email:a": 1}
    throttle.refund(reservation)
    throttle.refund(reservation)  # never below zero
    assert counts(database) == {"test:ip:10.0.0.1": 0, "test:email:a": 0}


def test_a_refund_leaves_a_newer_window_alone(throttle, database):
    reservation = throttle.reserve(ip="10.0.0.1", email="a")
    age_windows(database, WINDOW + 1)
    throttle.reserve(ip="10.0.0.1", email="a")  # a new window, counting from one
    throttle.refund(reservation)
    assert counts(database) == {"test:ip:10.0.0.1": 1, "test:email:a": 1}


def test_an_ended_window_admits_again_from_one(throttle, database):
    for _ in range(2):
        throttle.reserve(ip="10.0.0.1", email="a")
    age_windows(database, WINDOW)
    throttle.reserve(ip="10.0.0.1", email="a")
    assert counts(database) == {"test:ip:10.0.0.1": 1, "test:email:a": 1}


def test_reset_forgets_one_counter(throttle, database):
    throttle.reserve(ip="10.0.0.1", email="a")
    throttle.reset("email", "a")
    assert counts(database) == {"test:ip:10.0.0.1": 1}


def test_prune_forgets_only_ended_windows(throttle, database):
    throttle.reserve(ip="10.0.0.1", email="a")
    age_windows(database, WINDOW)
    throttle.reserve(ip="10.0.0.2", email="b")
    assert throttle_module.prune(WINDOW) == 2
    assert counts(database) == {"test:ip:10.0.0.2": 1, "test:email:b": 1}


def test_a_counter_reset_between_refusal_and_look_up_waits_one_second(throttle):
    """A refusal then finds no window (a right password reset it meanwhile): try again at once."""
    assert throttle._retry_after(throttle.key("email", "gone")) == 1
