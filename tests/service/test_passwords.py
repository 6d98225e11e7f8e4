import bcrypt

from service.security.passwords import PasswordHasher
from tests.service.conftest import PASSWORD


def test_hash_verifies_and_rejects():
    hasher = PasswordHasher("k" * 40, rounds=4)
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(PASSWORD, stored) and not hasher.verify(PASSWORD + "!", stored)


def test_the_pre_hash_is_keyed_by_the_server_secret():
    stored = PasswordHasher("a" * 40, rounds=4).hash(PASSWORD)
    assert not PasswordHasher("b" * 40, rounds=4).verify(PASSWORD, stored)
    assert not bcrypt.checkpw(PASSWORD.encode(), stored.encode())  # not plain bcrypt of the password


def test_a_corrupt_stored_hash_is_a_failed_check_not_an_error():
    hasher = PasswordHasher("k" * 40, rounds=4)
    assert hasher.verify(PASSWORD, "not-a-bcrypt-hash") is False
    assert hasher.needs_rehash("not-a-bcrypt-hash") is True
    assert hasher.needs_rehash(hasher.hash(PASSWORD)) is False
    assert PasswordHasher("k" * 40, rounds=5).needs_rehash(hasher.hash(PASSWORD)) is True


def test_login_for_an_unknown_email_still_runs_one_bcrypt_check(client, user, monkeypatch):
    checks = []
    real_checkpw = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *args: checks.append(1) or real_checkpw(*args))
    client.simulate_post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    unknown = len(checks)
    client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": "wrong one 123"})
    assert unknown == 1 and len(checks) == 2
