"""The key store keeps each key in its own private file, made once."""
import stat

from localplatform.keys import KeyStore


def test_keys_are_made_once_kept_private_and_apart(tmp_path):
    store = KeyStore(tmp_path / "var")
    secret_key, pepper = store.secret_key(), store.password_pepper()
    assert KeyStore(tmp_path / "var").secret_key() == secret_key and store.password_pepper() == pepper
    assert secret_key != pepper and len(secret_key) >= 32
    for name in ("secret_key", "password_pepper"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600


def test_an_ephemeral_store_makes_new_keys_and_writes_nothing(tmp_path):
    store = KeyStore.ephemeral()
    assert store.secret_key() != store.secret_key()
