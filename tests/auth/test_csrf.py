"""CSRF: unsafe requests without the session's token are refused and change nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashkit.auth import create_api_token
from dashkit.auth.csrf import derive_csrf_token, tokens_match
from dashkit.state import User

from .conftest import csrf_from, log_in


def test_token_is_tied_to_session_and_salt():
    token = derive_csrf_token("key", "session-1", "salt")
    assert tokens_match(token, token)
    assert not tokens_match(token, derive_csrf_token("key", "session-2", "salt"))
    assert not tokens_match(token, derive_csrf_token("other-key", "session-1", "salt"))
    assert not tokens_match(token, None) and not tokens_match(None, token)
    assert not tokens_match(token, "é" * 64)


def _disable_vera(client, token: str | None, headers=None):
    data = {"display_name": "Vera", "email": "", "roles": "viewer"}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/users/3", data=data, headers=headers or {})


def _vera_active(app) -> bool:
    with app.state_session() as db:
        return db.scalar(sa.select(User.is_active).where(User.username == "vera"))


@pytest.mark.parametrize("token", [None, "", "0" * 64, "not-hex"])
def test_missing_or_wrong_token_is_403_and_changes_nothing(auth_app, auth_client, token):
    log_in(auth_client, "ada")
    response = _disable_vera(auth_client, token)
    assert response.status_code == 403
    assert "security check failed" in response.get_data(as_text=True)
    assert _vera_active(auth_app)


def test_token_of_another_session_is_refused(auth_app, auth_client):
    other = auth_app.test_client()
    log_in(other, "ada")
    foreign = csrf_from(other.get("/account").get_data(as_text=True))
    log_in(auth_client, "ada")
    assert _disable_vera(auth_client, foreign).status_code == 403
    assert _vera_active(auth_app)


def test_right_token_in_form_or_htmx_header_is_accepted(auth_app, auth_client):
    log_in(auth_client, "ada")
    page = auth_client.get("/account").get_data(as_text=True)
    token = csrf_from(page)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    assert (
        _disable_vera(
            auth_client, None, headers={"X-CSRF-Token": token, "HX-Request": "true"}
        ).status_code
        == 303
    )
    assert not _vera_active(auth_app)


def test_htmx_failure_is_json(auth_client):
    log_in(auth_client, "ada")
    response = _disable_vera(
        auth_client, None, headers={"HX-Request": "true", "X-CSRF-Token": "0" * 64}
    )
    assert response.status_code == 403 and response.json["error"] == "CSRF check failed"


def test_csrf_token_rotates_at_login(auth_client):
    before = csrf_from(auth_client.get("/login").get_data(as_text=True))
    log_in(auth_client, "ada")
    after = csrf_from(auth_client.get("/account").get_data(as_text=True))
    assert before != after
    assert auth_client.post("/account/sessions", data={"csrf_token": before}).status_code == 403


def test_login_itself_needs_the_token(auth_client):
    response = auth_client.post("/login", data={"username": "ada", "password": "ada's long secret"})
    assert response.status_code == 403


def test_bearer_token_calls_are_exempt_and_never_use_the_cookie(auth_app, auth_client):
    with auth_app.state_session() as db:
        token = create_api_token(
            db, db.scalar(sa.select(User).where(User.username == "eddie")), "ci"
        )
    response = auth_client.post("/orders/change", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json == {"done": "change"}
    refused = auth_client.post("/orders/delete", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    log_in(auth_client, "ada")
    forged = auth_client.post("/orders/change", headers={"Authorization": "Bearer dk_forged"})
    assert forged.status_code == 303  # an invalid token is anonymous, whatever the cookie says
    with auth_app.state_session() as db:
        stored = db.execute(sa.text("SELECT token_hash, prefix FROM dashkit_api_tokens")).one()
    assert token not in stored.token_hash and len(stored.prefix) < len(token)


def test_every_method_but_the_safe_ones_needs_the_token(auth_app, auth_client):
    purged = []
    auth_app.add_url_rule(
        "/cache",
        endpoint="purge",
        methods=("GET", "PURGE"),
        view=lambda request: purged.append(1) or "ok",
    )
    log_in(auth_client, "ada")
    assert auth_client.open("/cache", method="PURGE").status_code == 403
    assert purged == []
    assert auth_client.get("/cache").status_code == 200


def test_a_bearer_header_neither_reads_nor_ends_the_cookie_session(auth_client):
    log_in(auth_client, "ada")
    forged = auth_client.post("/logout", headers={"Authorization": "Bearer dk_forged"})
    assert forged.status_code == 303  # exempt from CSRF, so it must not touch the cookie's session
    assert auth_client.get("/account").status_code == 200


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_put_patch_delete_need_the_htmx_header_token(auth_app, auth_client, method):
    calls = []
    auth_app.add_url_rule(
        "/thing", endpoint="thing", methods=(method,), view=lambda request: calls.append(1) or "ok"
    )
    log_in(auth_client, "ada")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    htmx = {"HX-Request": "true"}
    assert auth_client.open("/thing", method=method, headers=htmx).status_code == 403
    wrong = htmx | {"X-CSRF-Token": "0" * 64}
    assert auth_client.open("/thing", method=method, headers=wrong).status_code == 403
    assert calls == []
    right = htmx | {"X-CSRF-Token": token}
    assert auth_client.open("/thing", method=method, headers=right).status_code == 200
    assert calls == [1]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_htmx_write_after_the_session_expired_is_sent_to_sign_in(auth_app, auth_client, method):
    auth_app.add_url_rule(
        "/thing", endpoint="thing", methods=(method,), view=lambda request: "changed"
    )
    log_in(auth_client, "ada")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    with auth_app.state_session() as db:
        db.execute(sa.text("DELETE FROM dashkit_sessions"))  # the session timed out
    response = auth_client.open(
        "/thing",
        method=method,
        headers={
            "HX-Request": "true",
            "X-CSRF-Token": token,
            "HX-Current-URL": "http://localhost/orders/view?page=2",
        },
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=%2Forders%2Fview%3Fpage%3D2"


def test_htmx_write_of_a_signed_in_user_with_a_wrong_token_is_still_refused(auth_client):
    log_in(auth_client, "ada")
    response = auth_client.post("/users/3", headers={"HX-Request": "true"})
    assert response.status_code == 403 and "HX-Redirect" not in response.headers
