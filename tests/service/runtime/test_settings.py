import ipaddress

import pytest

from service.runtime.settings import SettingsError, load_settings

STRONG = "s" * 40
PEPPER = "p" * 40
MAIL = {"PUBLIC_URL": "https://users.example.org", "MAIL_FROM": "Users <no-reply@example.org>"}
# Without MAIL: what the mail settings' own tests start from.
PRODUCTION_WITHOUT_MAIL = {"APP_ENV": "production", "SECRET_KEY": STRONG, "PASSWORD_PEPPER": PEPPER,
                           "DATABASE_URL": "postgresql://u:p@db:5432/users"}
PRODUCTION = {**PRODUCTION_WITHOUT_MAIL, **MAIL}


def test_production_refuses_to_start_without_secret_key():
    with pytest.raises(SettingsError, match="^SECRET_KEY is required in production.$"):
        load_settings({**PRODUCTION, "SECRET_KEY": ""})


def test_production_refuses_to_start_without_password_pepper():
    with pytest.raises(SettingsError, match="^PASSWORD_PEPPER is required in production.$"):
        load_settings({**PRODUCTION, "PASSWORD_PEPPER": ""})


@pytest.mark.parametrize("name", ["PASSWORD_PEPPER", "PREVIOUS_PASSWORD_PEPPERS"])
def test_short_peppers_are_refused(name):
    with pytest.raises(SettingsError, match=f"^{name} must be at least 32 bytes.$"):
        load_settings({**PRODUCTION, name: "short"})


def test_the_pepper_and_its_predecessors_are_read_apart_from_the_secret_key():
    settings = load_settings({**PRODUCTION, "PREVIOUS_PASSWORD_PEPPERS": f"{'a' * 32}, {'b' * 32}"})
    assert settings.password_pepper == PEPPER and settings.secret_key == STRONG
    assert settings.previous_password_peppers == ("a" * 32, "b" * 32)


def test_outside_production_the_pepper_follows_the_secret_key_unless_given():
    derived = load_settings({"SECRET_KEY": STRONG})
    assert derived.password_pepper == load_settings({"SECRET_KEY": STRONG}).password_pepper != STRONG
    assert not derived.pepper_is_ephemeral and load_settings({}).pepper_is_ephemeral
    assert load_settings({"PASSWORD_PEPPER": PEPPER}).password_pepper == PEPPER


def test_production_refuses_to_start_without_database_url():
    with pytest.raises(SettingsError, match="^DATABASE_URL is required in production.$"):
        load_settings({k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"})


def test_production_defaults_are_safe():
    settings = load_settings(PRODUCTION)
    assert settings.production and settings.cookie_secure and settings.bcrypt_rounds == 12
    assert settings.access_token_ttl == 900 and settings.cors_allow_origins == ()


def test_verified_emails_are_required_in_production_only_by_default_and_either_can_be_overridden():
    assert load_settings(PRODUCTION).require_verified_email is True
    assert load_settings({}).require_verified_email is False
    assert load_settings({**PRODUCTION, "REQUIRE_VERIFIED_EMAIL": "false"}).require_verified_email is False
    assert load_settings({"REQUIRE_VERIFIED_EMAIL": "true"}).require_verified_email is True


def test_short_secret_key_is_refused_everywhere():
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        load_settings({"SECRET_KEY": "short"})


def test_production_refuses_weak_bcrypt_cost():
    with pytest.raises(SettingsError, match="BCRYPT_ROUNDS must be at least 12"):
        load_settings({**PRODUCTION, "BCRYPT_ROUNDS": "10"})


def test_development_makes_a_random_key_when_none_is_given():
    first, second = load_settings({}), load_settings({})
    assert first.secret_key != second.secret_key and len(first.secret_key) >= 32
    assert first.env == "development" and first.cookie_secure is False


def test_test_environment_uses_cheap_bcrypt():
    assert load_settings({"APP_ENV": "test"}).bcrypt_rounds == 4


@pytest.mark.parametrize("environ, message", [
    ({"APP_ENV": "staging"}, "APP_ENV must be one of"),
    ({"ACCESS_TOKEN_TTL": "soon"}, "ACCESS_TOKEN_TTL must be an integer"),
    ({"ACCESS_TOKEN_TTL": "0"}, "ACCESS_TOKEN_TTL must be between"),
    ({"COOKIE_SECURE": "maybe"}, "COOKIE_SECURE must be true or false"),
    ({"TRUSTED_PROXIES": "not-an-ip"}, "TRUSTED_PROXIES must be"),
    ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a postgresql"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
    ({"DATABASE_TIMEOUT": "0"}, "DATABASE_TIMEOUT must be between"),
    ({"RESERVED_USERNAMES_FILE": "/nonexistent/reserved.txt"}, "RESERVED_USERNAMES_FILE must name a readable file"),
    ({"PORT": "http"}, "^PORT must be an integer.$"),
    ({"PORT": "70000"}, "^PORT must be between 1 and 65535.$"),
    ({"WEB_CONCURRENCY": "two"}, "^WEB_CONCURRENCY must be an integer.$"),
    ({"WEB_CONCURRENCY": "0"}, "^WEB_CONCURRENCY must be between 1 and 64.$"),
    ({"SERVER_THREADS": "0"}, "^SERVER_THREADS must be between 1 and 32.$"),
    ({"GRACEFUL_TIMEOUT": "30s"}, "^GRACEFUL_TIMEOUT must be an integer.$"),
    ({"HEADER_READ_TIMEOUT": "61"}, "^HEADER_READ_TIMEOUT must be between 1 and 60.$"),
    ({"GUNICORN_TIMEOUT": "30"}, "^GUNICORN_TIMEOUT is no longer read; set HEADER_READ_TIMEOUT instead.$"),
    ({"GUNICORN_GRACEFUL_TIMEOUT": "20"}, "^GUNICORN_GRACEFUL_TIMEOUT is no longer read; set GRACEFUL_TIMEOUT"),
])
def test_invalid_values_name_the_variable(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_lists_and_networks_are_parsed():
    settings = load_settings({"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "CORS_ALLOW_ORIGINS": "http://a, http://b",
                              "COOKIE_SECURE": "yes", "CLIENT_DIST": "/srv/dist"})
    assert settings.trusted_proxies == (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32"))
    assert settings.cors_allow_origins == ("http://a", "http://b")
    assert settings.cookie_secure is True and str(settings.client_dist) == "/srv/dist"


def test_server_settings_are_read_from_the_environment():
    settings = load_settings({"HOST": "0.0.0.0", "PORT": "9000", "WEB_CONCURRENCY": "3", "SERVER_THREADS": "4",
                              "GRACEFUL_TIMEOUT": "5", "HEADER_READ_TIMEOUT": "10"})
    assert (settings.host, settings.port, settings.web_concurrency) == ("0.0.0.0", 9000, 3)
    assert (settings.server_threads, settings.graceful_timeout, settings.header_read_timeout) == (4, 5, 10)


def test_server_defaults():
    settings = load_settings({})
    assert (settings.host, settings.port, settings.graceful_timeout) == ("127.0.0.1", 8080, 20)
    assert 1 <= settings.web_concurrency <= 8


def test_production_needs_the_public_url_and_sender_for_mail_links():
    with pytest.raises(SettingsError, match="^PUBLIC_URL is required in production.$"):
        load_settings({**PRODUCTION_WITHOUT_MAIL, "MAIL_FROM": "no-reply@example.org"})
    with pytest.raises(SettingsError, match="^MAIL_FROM is required in production.$"):
        load_settings({**PRODUCTION_WITHOUT_MAIL, "PUBLIC_URL": "https://users.example.org"})


def test_production_refuses_mail_without_tls():
    with pytest.raises(SettingsError, match="MAIL_URL must use TLS in production"):
        load_settings({**PRODUCTION, "MAIL_URL": "smtp://mail.example.org:25?tls=off"})


def test_mail_settings():
    settings = load_settings({**PRODUCTION, "MAIL_URL": "ses://eu-west-1"})
    assert (settings.public_url, settings.mail_url) == ("https://users.example.org", "ses://eu-west-1")
    assert load_settings(PRODUCTION).mail_url == ""  # the API itself never sends
    assert load_settings({}).mail_url == "smtp://127.0.0.1:8025?tls=off"  # make run's sink


@pytest.mark.parametrize("environ, message", [
    ({"MAIL_URL": "http://mail"}, "MAIL_URL must look like"),
    ({"PUBLIC_URL": "users.example.org"}, "PUBLIC_URL must be an http"),
    ({"MAIL_MAX_ATTEMPTS": "0"}, "MAIL_MAX_ATTEMPTS must be between"),
])
def test_invalid_mail_settings_name_the_variable(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)
