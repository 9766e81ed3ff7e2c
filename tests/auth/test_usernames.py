"""Usernames: one key per name, look-alikes refused, accounts made before keys still work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dashkit.auth import UserError, create_user
from dashkit.auth.passwords import PasswordHasher
from dashkit.auth.usernames import UsernameError, checked_username, username_key
from dashkit.cli import main
from dashkit.migrations import upgrade_state

from .conftest import FAST_N, PASSWORDS, add_users, csrf_from, log_in, make_auth_app


@pytest.mark.parametrize(
    ("typed", "key"),
    [("Admin", "admin"), ("ＡＤＭＩＮ", "admin"), (" admin ", "admin"), ("Straße", "strasse")],
)
def test_width_and_case_variants_share_one_key(typed, key):
    assert username_key(typed) == key


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ａｄｍｉｎ", "type 'admin' instead"),  # fullwidth
        ("admın", "looks like another letter"),  # dotless i
        ("ADMİN", "looks like another letter"),  # dotted capital I
        ("pаypal", "mixes letters of several scripts (Cyrillic, Latin)"),  # Cyrillic а
        ("admіn", "mixes letters of several scripts"),  # Cyrillic і
        ("gοogle", "mixes letters of several scripts (Greek, Latin)"),  # Greek ο
        ("асе", "look like Latin ones"),  # all Cyrillic, reads "ace"
        ("ﬁona", "type 'fiona' instead"),  # ligature
        ("ada smith", "no spaces"),
    ],
)
def test_look_alike_names_are_refused_with_a_reason(name, reason):
    with pytest.raises(UsernameError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        checked_username(name)


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Jürgen", "jürgen"),
        ("Straße", "straße"),
        ("иван", "иван"),
        ("山田たろう", "山田たろう"),
        ("o'neil-2", "o'neil-2"),
        ("Ελένη", "ελένη"),
    ],
)
def test_names_in_one_script_are_welcome(name, stored):
    assert checked_username(name) == stored


@pytest.fixture(params=["sqlite", "postgresql"])
def any_state_url(request, state_url):
    if request.param == "sqlite":
        return state_url
    url = request.getfixturevalue("postgres_url")
    upgrade_state(url)
    return url


def test_a_look_alike_of_an_existing_user_cannot_be_created(any_state_url):
    app = make_auth_app(any_state_url)
    add_users(app)
    hasher = PasswordHasher(n=FAST_N)
    with app.state_session() as db:
        create_user(db, "Straße", "a long enough secret", hasher=hasher)
    for name, message in [
        ("ＡＤＡ", "type 'ADA' instead"),
        ("STRASSE", "A user named 'straße' already exists."),
        ("VERA", "A user named 'vera' already exists."),
    ]:
        with app.state_session() as db, pytest.raises(UserError, match=message):
            create_user(db, name, "a long enough secret", hasher=hasher)
    assert log_in(app.test_client(), "ＡＤＡ", PASSWORDS["ada"]).status_code == 303
    assert log_in(app.test_client(), "STRASSE", "a long enough secret").status_code == 303


def test_the_users_screen_explains_a_refused_name(auth_app):
    client = auth_app.test_client()
    log_in(client, "ada")
    token = csrf_from(client.get("/account").get_data(as_text=True))
    form = {"csrf_token": token, "username": "аda", "password": "a long enough secret"}
    response = client.post("/users/new", data=form)
    assert response.status_code == 400
    assert "mixes letters of several scripts (Cyrillic, Latin)" in response.get_data(as_text=True)


def test_the_command_line_explains_a_refused_name(state_url):
    result = CliRunner().invoke(
        main,
        ["users", "create", "admın", "--role", "admin", "--password-stdin", "--state", state_url],
        input="a long enough secret\n",
    )
    assert result.exit_code == 1 and "looks like another letter" in result.output


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old-state.sqlite'}"
    return request.getfixturevalue("postgres_url")


def test_users_made_before_keys_keep_signing_in(unmigrated_url):
    upgrade_state(unmigrated_url, "0001")
    hasher = PasswordHasher(n=FAST_N)
    engine = sa.create_engine(unmigrated_url)
    users = sa.table(
        "dashkit_users",
        *(sa.column(name) for name in ("username", "display_name", "password_hash", "roles")),
        sa.column("is_active"),
        sa.column("created_at"),
    )
    with engine.begin() as connection:
        for name in ("admin", "ａｄｍｉｎ", "straße"):  # look-alikes the old rules let in
            connection.execute(
                sa.insert(users).values(
                    username=name,
                    display_name=name,
                    password_hash=hasher.hash(f"{name} long secret"),
                    roles=sa.cast(["admin"], sa.JSON),
                    is_active=True,
                    created_at=sa.func.current_timestamp(),
                )
            )
    engine.dispose()
    upgrade_state(unmigrated_url)
    app = make_auth_app(unmigrated_url)
    for typed, password in [
        ("admin", "admin long secret"),
        ("ａｄｍｉｎ", "ａｄｍｉｎ long secret"),
        ("Straße", "straße long secret"),
        ("STRASSE", "straße long secret"),
    ]:
        assert log_in(app.test_client(), typed, password).status_code == 303, typed
    with app.state_session() as db, pytest.raises(UserError, match="'admin' already exists"):
        create_user(db, "Admin", "a long enough secret", hasher=hasher)
