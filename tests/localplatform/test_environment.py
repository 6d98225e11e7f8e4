"""One environment for `python -m service` on this machine; who wins decides make run vs the stack."""
from localplatform.environment import service_environment
from localplatform.keys import KeyStore


def test_the_platform_sets_keys_plain_http_and_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "test")
    keys = KeyStore(tmp_path)
    env = service_environment("postgresql://db/x", keys, "production", {"PORT": "9000"})
    assert env["APP_ENV"] == "production" and env["PORT"] == "9000" and env["COOKIE_SECURE"] == "false"
    assert env["SECRET_KEY"] == keys.secret_key() and env["PASSWORD_PEPPER"] == keys.password_pepper()
    assert env["DATABASE_URL"] == "postgresql://db/x"


def test_make_run_lets_exported_settings_win_except_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PORT", "7000")
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/y")
    env = service_environment("postgresql://db/x", KeyStore(tmp_path), "development", {"PORT": "8080"},
                              environ_wins=True)
    assert env["PORT"] == "7000" and env["DATABASE_URL"] == "postgresql://db/x"


def test_local_stacks_do_not_require_confirmed_emails_unless_asked(tmp_path):
    """They read no mail by default; a caller with a mail sink turns the production default back on."""
    keys = KeyStore(tmp_path)
    assert service_environment("postgresql://db/x", keys, "production")["REQUIRE_VERIFIED_EMAIL"] == "false"
    asked = service_environment("postgresql://db/x", keys, "production", {"REQUIRE_VERIFIED_EMAIL": "true"})
    assert asked["REQUIRE_VERIFIED_EMAIL"] == "true"
