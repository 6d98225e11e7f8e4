"""Usernames and emails through every door: one normalisation, bounded after folding, stored
and made unique as folded, reserved and look-alike names refused."""
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.identifiers import IdentifierRefused, UsernameRules, email_of, fold
from service.runtime.settings import RESERVED_USERNAMES_FILE
from tests.service.conftest import PASSWORD

DOTTED_I = "\u0130"  # İ: lower() makes two characters of it, and PostgreSQL's lower() disagrees


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def sign_up(client, username, email, password=PASSWORD):
    return client.simulate_post("/api/v1/auth/register",
                                json={"username": username, "email": email, "password": password})


def login(client, email, password=PASSWORD, **kwargs):
    return client.simulate_post("/api/v1/auth/login", json={"email": email, "password": password}, **kwargs)


def test_the_reported_login_that_gave_500_is_a_plain_401(client, database):
    result = login(client, DOTTED_I * 147, "whatever123")
    assert result.status_code == 401


def test_every_overlong_attempt_counts_against_the_address(client, database):
    # Six distinct accounts (the per-account limit never applies); the address limit is 6.
    for n in range(6):
        assert login(client, DOTTED_I * 147 + "x" * n, "whatever123").status_code == 401
    assert login(client, "someone@example.com", "whatever123").status_code == 429
    failures = database.execute_sql("SELECT failures FROM login_throttle WHERE key LIKE 'login:ip:%%'").fetchone()[0]
    assert failures == 6


def test_every_throttle_key_fits_whatever_the_email(client, database):
    for email in (DOTTED_I * 254, "\ufdfa" * 254, "\u00df" * 254):  # İ, ﷺ (18 chars in NFKC), ß
        assert login(client, email, "whatever123").status_code in (401, 429)
    lengths = [row[0] for row in database.execute_sql("SELECT length(key) FROM login_throttle").fetchall()]
    assert lengths and max(lengths) <= 300


@pytest.mark.parametrize(("registered", "typed"), [
    (f"{DOTTED_I}nci@example.com", f"{DOTTED_I}NCI@example.com"),
    (f"{DOTTED_I}nci@example.com", f"{DOTTED_I}nci@example.com"),
    ("stra\u00dfe@example.com", "STRASSE@example.com"),
    (nfd("jos\u00e9@example.com"), nfd("jos\u00e9@example.com")),
    (nfd("jos\u00e9@example.com"), "jos\u00e9@example.com"),
    ("jos\u00e9@example.com", nfd("JOS\u00c9@example.com")),
    ("\uff41lice@example.com", "alice@example.com"),  # fullwidth a
    ("\u0431\u043e\u0441\u0441@example.com", "\u0411\u041e\u0421\u0421@example.com"),  # all Cyrillic: its own script
])
def test_an_account_logs_in_with_any_form_of_its_email(client, registered, typed):
    assert sign_up(client, "member", registered).status_code == 201
    assert login(client, typed).status_code == 200


@pytest.mark.parametrize(("first", "second"), [
    ("stra\u00dfe@example.com", "strasse@example.com"),
    ("jos\u00e9@example.com", nfd("jos\u00e9@example.com")),
    ("alice@example.com", "\uff41\uff4c\uff49\uff43\uff45@example.com"),  # fullwidth
    (f"{DOTTED_I}nci@example.com", "i\u0307nci@example.com"),
])
def test_two_forms_of_one_email_are_one_account(client, first, second):
    assert sign_up(client, "first", first).status_code == 201
    again = sign_up(client, "second", second)
    assert again.status_code == 409
    assert again.json["errors"] == {"email": ["Email is already registered."]}


def test_the_key_is_stored_and_unique_in_postgresql(client, database):
    assert sign_up(client, "Member", "Stra\u00dfe@Example.com").status_code == 201
    assert database.execute_sql("SELECT username_key, email_key FROM users").fetchall() == [
        ("member", "strasse@example.com")]
    with pytest.raises(Exception, match="users_email_key_key"), database.atomic():
        database.execute_sql("INSERT INTO users (username, username_key, username_skeleton, email, email_key, "
                             "password_hash, active, admin, created_at, updated_at) VALUES ('x', 'x', 'x', "
                             "'STRASSE@example.com', 'strasse@example.com', 'x', true, false, now(), now())")


def test_a_mixed_script_email_is_refused(client):
    result = sign_up(client, "boss", "b\u043ess@example.com")  # Cyrillic о among Latin letters
    assert result.status_code == 400
    assert result.json["errors"] == {"email": ["Email mixes letters from different scripts."]}


def test_an_email_longer_than_its_column_once_folded_is_a_400(client):
    # ﷺ is one character, and eighteen once NFKC-normalised: the address fits as typed only.
    email = "\ufdfa" * 4 + "@" + ".".join(["a" * 60] * 3) + ".com"
    assert len(email) <= 254 < len(fold(email))
    result = sign_up(client, "member", email)
    assert result.status_code == 400
    assert result.json["errors"] == {"email": ["Email must be at most 254 characters."]}


@pytest.mark.parametrize("name", ["admin", "ADMIN", "Root", "administrator", "support", "security", "system",
                                  "null", "api", "rnoderator"])
def test_reserved_usernames_are_refused_in_any_case_or_look_alike(client, name):
    result = sign_up(client, name, "someone@example.com")
    assert result.status_code == 400
    assert result.json["errors"] == {"username": ["This username is reserved."]}


def test_a_fullwidth_username_is_refused(client):
    result = sign_up(client, "\uff41dmin", "someone@example.com")
    assert result.status_code == 400 and "username" in result.json["errors"]


def test_a_user_cannot_rename_themselves_to_a_reserved_name(client, user):
    result = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"username": "Admin"})
    assert result.status_code == 400
    assert result.json["errors"] == {"username": ["This username is reserved."]}


def test_admins_may_give_out_reserved_names(client, admin):
    result = client.simulate_post("/api/v1/users", headers=admin.headers, json={
        "username": "support", "email": "support@example.com", "password": PASSWORD})
    assert result.status_code == 201


@pytest.mark.parametrize(("existing", "look_alike"), [("paypal", "paypa1"), ("modem", "modern"), ("b0b", "bob"),
                                                      ("walter", "wa1ter")])
def test_a_username_that_looks_like_an_existing_one_is_refused(client, register, existing, look_alike):
    register(existing)
    result = sign_up(client, look_alike, f"{look_alike}-2@example.com")
    assert result.status_code == 409
    assert result.json["errors"] == {"username": ["Username looks too much like an existing one."]}


def test_a_user_may_keep_their_own_look_alike_skeleton(client, register):
    alice = register("paypal")
    renamed = client.simulate_patch("/api/v1/users/me", headers=alice.headers, json={"username": "PayPal"})
    assert renamed.status_code == 200 and renamed.json["data"]["username"] == "PayPal"


def test_the_reserved_list_is_one_file_operators_can_replace(tmp_path, postgres, database):
    from service.app import create_app
    from tests.service.conftest import settings_for
    from tests.service.contract_client import ContractClient

    own = tmp_path / "reserved.txt"
    own.write_text("# ours\nmascot\n")
    client = ContractClient(create_app(settings_for(postgres, RESERVED_USERNAMES_FILE=str(own)), database))
    assert sign_up(client, "Mascot", "m@example.com").status_code == 400
    assert sign_up(client, "admin", "a@example.com").status_code == 201


@pytest.mark.parametrize("name", ["admin", "root", "administrator", "support", "security", "system", "null", "api"])
def test_the_shipped_reserved_list_names_the_issue_s_examples(name):
    rules = UsernameRules.from_file(RESERVED_USERNAMES_FILE)
    with pytest.raises(IdentifierRefused, match="reserved"):
        rules.username_of(name.upper())
    assert rules.username_of(name.upper(), allow_reserved=True).key == name


UNICODE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@settings(max_examples=300, deadline=None)
@given(text=UNICODE_TEXT)
def test_folding_is_stable_and_every_accepted_identifier_fits_its_column(text):
    assert fold(fold(text)) == fold(text)
    rules = UsernameRules(("admin",))
    for parse, limit in ((rules.username_of, 32), (email_of, 254)):
        try:
            accepted = parse(text)
        except IdentifierRefused:
            continue
        assert len(accepted.display) <= limit and len(accepted.key) <= limit
        assert accepted.key == fold(accepted.display)
