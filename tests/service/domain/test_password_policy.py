"""The policy on its own, as the CLI and the password-change route call it."""
import pytest

from service.domain.password_policy import password_problem


@pytest.mark.parametrize("password, problem", [
    ("short", "Password must be 8 to 128 characters."),
    ("x" * 129, "Password must be 8 to 128 characters."),
    ("\ud800" * 10, "Password contains invalid characters."),
    ("password1", "This password is too easy to guess."),
    ("correct horse battery staple", None),
])
def test_password_problem(password, problem):
    assert password_problem(password) == problem


def test_the_users_own_details_count_against_a_password():
    assert password_problem("Orchid-wilhelmina", ()) is None
    assert password_problem("Orchid-wilhelmina", ("Orchid-wilhelmina", "w@example.com")) == \
        "This password is too easy to guess."
