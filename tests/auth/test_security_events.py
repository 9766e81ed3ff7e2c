"""Security events in the audit trail: refusals, failed and throttled sign-ins, user changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dashkit.auth import get_auth
from dashkit.cli import main
from dashkit.migrations import upgrade_state
from dashkit.state import AuditEvent

from .conftest import add_users, csrf_from, log_in, make_auth_app


@pytest.fixture(params=["sqlite", "postgresql"])
def events_app(request, state_url):
    url = state_url
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        upgrade_state(url)
    app = make_auth_app(url)
    add_users(app)
    app.config["STATE_URL_FOR_TESTS"] = url
    return app


def _events(app, action: str) -> list[AuditEvent]:
    with app.state_session() as db:
        rows = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))
        return [(e.username, e.client_address, e.summary) for e in rows]


def test_a_refused_csrf_check_is_on_record(events_app):
    client = events_app.test_client()
    log_in(client, "ada")
    assert client.post("/users/3", data={"display_name": "x"}).status_code == 403
    assert _events(events_app, "refused_csrf") == [("ada", "", "POST /users/3: CSRF check failed")]


def test_a_permission_refusal_is_on_record(events_app):
    client = events_app.test_client()
    log_in(client, "vera")
    assert client.get("/orders/delete").status_code == 403
    assert _events(events_app, "refused_permission") == [
        ("vera", "", "GET /orders/delete: lacks order.delete")
    ]


def test_a_flood_of_refusals_writes_a_bounded_number_of_rows(events_app, state_url):
    assert get_auth(events_app).event_limit.per_minute == 10
    events_app = make_auth_app(
        events_app.config["STATE_URL_FOR_TESTS"], SECURITY_EVENTS_PER_MINUTE=5
    )
    attacker = events_app.test_client()
    for _ in range(30):
        attacker.post("/orders/change", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    other = events_app.test_client()
    other.post("/orders/change", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    addresses = [address for _, address, _ in _events(events_app, "refused_csrf")]
    assert addresses.count("198.51.100.9") == 5  # SECURITY_EVENTS_PER_MINUTE
    assert addresses.count("10.0.0.2") == 1


def test_failed_and_throttled_sign_ins_are_on_record(events_app):
    for _ in range(6):
        log_in(events_app.test_client(), "eddie", "a wrong password")
    assert _events(events_app, "sign_in_failed") == [("", "", "failed sign-in as eddie")] * 5
    assert _events(events_app, "sign_in_throttled") == [("", "", "sign-in as eddie held back")]


def test_user_changes_from_the_command_line_are_on_record(events_app):
    url = events_app.config["STATE_URL_FOR_TESTS"]

    def run(*args, input=None):
        result = CliRunner().invoke(main, ["users", *args, "--state", url], input=input)
        assert result.exit_code == 0, result.output

    run("create", "otto", "--role", "viewer", "--password-stdin", input="otto's long secret\n")
    run("set-role", "otto", "editor")
    run("disable", "otto")
    run("set-password", "otto", "--password-stdin", input="otto's new secret\n")
    with events_app.state_session() as db:
        rows = db.execute(
            sa.select(AuditEvent.action, AuditEvent.summary, AuditEvent.changes)
            .where(AuditEvent.model == "dashkit_users")
            .order_by(AuditEvent.id)
        ).all()
    assert [row.action for row in rows] == ["create", "update", "update", "password_reset"]
    assert all(" on the command line as " in row.summary for row in rows)
    assert rows[1].changes == {"roles": {"before": ["viewer"], "after": ["editor"]}}
    assert rows[2].changes == {"is_active": {"before": True, "after": False}}


def test_the_audit_screen_filters_by_kind_of_action(events_app):
    log_in(events_app.test_client(), "eddie", "a wrong password")
    admin = events_app.test_client()
    log_in(admin, "ada")
    admin.post("/users/3", data={})  # no token: refused
    every = admin.get("/audit/").get_data(as_text=True)
    assert "failed sign-in as eddie" in every and "POST /users/3: CSRF check failed" in every
    refused = admin.get("/audit/?action=refused_csrf").get_data(as_text=True)
    assert "POST /users/3: CSRF check failed" in refused
    assert "failed sign-in as eddie" not in refused and "ada signed in" not in refused
    assert '<option value="refused_csrf" selected>' in refused


def test_only_those_granted_it_see_the_audit_trail(auth_app):
    viewer = auth_app.test_client()
    log_in(viewer, "vera")
    assert viewer.get("/audit/").status_code == 403
    admin = auth_app.test_client()
    log_in(admin, "ada")
    assert 'href="/audit/"' in admin.get("/users/").get_data(as_text=True)
    assert csrf_from(admin.get("/account").get_data(as_text=True))
