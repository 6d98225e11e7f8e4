import base64
import hashlib
import hmac
import logging

import bcrypt

from service.security.passwords import PasswordHasher, Pepper
from tests.service.conftest import PASSWORD

CURRENT, OLD = Pepper.of("k" * 40), Pepper.of("o" * 40)


def test_hash_verifies_and_rejects():
    hasher = PasswordHasher(CURRENT, rounds=4)
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(PASSWORD, stored) and not hasher.verify(PASSWORD + "!", stored)


def test_the_pre_hash_is_keyed_by_the_pepper():
    stored = PasswordHasher(Pepper.of("a" * 40), rounds=4).hash(PASSWORD)
    # The same id under another secret: the id alone cannot unlock a hash.
    impostor = Pepper(Pepper.of("a" * 40).id, b"b" * 40)
    assert not PasswordHasher(impostor, rounds=4).verify(PASSWORD, stored)
    digest = stored.split(":", 2)[2]
    assert not bcrypt.checkpw(PASSWORD.encode(), digest.encode())  # not plain bcrypt of the password


def test_each_hash_names_its_pepper():
    stored = PasswordHasher(CURRENT, rounds=4).hash(PASSWORD)
    assert stored.startswith(f"pepper:{CURRENT.id}:$2b$04$") and CURRENT.id != OLD.id


def test_a_rotated_out_pepper_still_verifies_and_asks_for_a_rehash():
    stored = PasswordHasher(OLD, rounds=4).hash(PASSWORD)
    rotated = PasswordHasher(CURRENT, rounds=4, previous=[OLD])
    assert rotated.verify(PASSWORD, stored) and rotated.needs_rehash(stored)
    assert not rotated.needs_rehash(rotated.hash(PASSWORD))


def test_a_hash_under_an_unknown_pepper_fails_closed_and_says_which(caplog):
    stored = PasswordHasher(OLD, rounds=4).hash(PASSWORD)
    with caplog.at_level(logging.ERROR, logger="service.security.passwords"):
        assert PasswordHasher(CURRENT, rounds=4).verify(PASSWORD, stored) is False
    assert [record.getMessage() for record in caplog.records] == [
        f"password hash under unknown pepper id '{OLD.id}'; add that pepper to PREVIOUS_PASSWORD_PEPPERS"]


def test_hashes_from_before_the_pepper_setting_verify_under_the_legacy_id():
    secret_key = "s" * 40
    # Exactly what the hasher stored when SECRET_KEY keyed the pre-hash: no id prefix.
    old_pepper = hmac.new(secret_key.encode(), b"password-prehash-v1", hashlib.sha256).digest()
    prehash = base64.b64encode(hmac.new(old_pepper, PASSWORD.encode(), hashlib.sha256).digest())
    stored = bcrypt.hashpw(prehash, bcrypt.gensalt(4)).decode()
    hasher = PasswordHasher(CURRENT, rounds=4, previous=[Pepper.legacy(secret_key)])
    assert hasher.verify(PASSWORD, stored) and hasher.needs_rehash(stored)
    assert not PasswordHasher(CURRENT, rounds=4).verify(PASSWORD, stored)


def test_a_corrupt_stored_hash_is_a_failed_check_not_an_error():
    hasher = PasswordHasher(CURRENT, rounds=4)
    assert hasher.verify(PASSWORD, f"pepper:{CURRENT.id}:not-a-bcrypt-hash") is False
    assert hasher.needs_rehash("not-a-bcrypt-hash") is True
    assert hasher.needs_rehash(hasher.hash(PASSWORD)) is False
    assert PasswordHasher(CURRENT, rounds=5).needs_rehash(hasher.hash(PASSWORD)) is True


def test_login_for_an_unknown_email_still_runs_one_bcrypt_check(client, user, monkeypatch):
    checks = []
    real_checkpw = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *args: checks.append(1) or real_checkpw(*args))
    client.simulate_post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    unknown = len(checks)
    client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": "wrong one 123"})
    assert unknown == 1 and len(checks) == 2
