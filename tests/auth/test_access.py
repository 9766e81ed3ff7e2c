"""Roles enforced on direct URLs: 403 naming the missing permission, decorators, `can()`."""

from __future__ import annotations

import pytest

from dashkit.auth import has_permission, login_required
from dashkit.state import Role
from dashkit.templating import render

from .conftest import log_in, make_auth_app

GRANTED = {
    "ada": {"view", "add", "change", "delete", "export"},
    "eddie": {"view", "add", "change", "export"},
    "vera": {"view"},
}


@pytest.mark.parametrize("username", sorted(GRANTED))
@pytest.mark.parametrize("verb", ["view", "add", "change", "delete", "export"])
def test_each_verb_a_role_lacks_is_403_on_the_direct_url(auth_app, username, verb):
    client = auth_app.test_client()
    log_in(client, username)
    response = client.get(f"/orders/{verb}")
    if verb in GRANTED[username]:
        assert response.status_code == 200 and response.json == {"done": verb}
    else:
        assert response.status_code == 403
        html = response.get_data(as_text=True)
        assert f"order.{verb}" in html and "lacks the permission" in html
        api = client.get(f"/orders/{verb}", headers={"Accept": "application/json"})
        assert api.status_code == 403 and api.json["missing_permission"] == f"order.{verb}"


def test_user_management_is_for_admins_only(auth_app):
    for name, expected in (("ada", 200), ("eddie", 403), ("vera", 403)):
        client = auth_app.test_client()
        log_in(client, name)
        assert client.get("/users/").status_code == expected
        assert client.get("/users/new").status_code == expected


def test_custom_roles_from_config_and_table(state_url):
    app = make_auth_app(state_url, ROLES={"refunder": ["order.view", "order.refund"]})
    with app.state_session() as db:
        db.add(Role(name="auditor", permissions=["*.export"]))
    from dashkit.auth import create_user
    from dashkit.auth.passwords import PasswordHasher

    with app.state_session() as db:
        create_user(
            db,
            "rita",
            "rita's long secret",
            ["refunder", "auditor", "ghost"],
            hasher=PasswordHasher(n=2**10),
        )

    @app.route("/probe")
    @login_required
    def probe(request):
        return {
            p: has_permission(request, p)
            for p in ("order.refund", "order.view", "order.export", "order.delete")
        }

    client = app.test_client()
    log_in(client, "rita", "rita's long secret")
    assert client.get("/probe").json == {
        "order.refund": True,
        "order.view": True,
        "order.export": True,
        "order.delete": False,
    }


def test_templates_can_ask_can(auth_app, tmp_path):
    (tmp_path / "probe.html").write_text(
        "{% if can('order.delete') %}DELETE{% endif %}|{% if can('order.view') %}VIEW{% endif %}"
    )
    auth_app.templates.add_blueprint_folder(tmp_path)

    @auth_app.route("/can")
    def can_page(request):
        return render(request, "probe.html")

    anonymous = auth_app.test_client()
    assert anonymous.get("/can").get_data(as_text=True) == "|"
    client = auth_app.test_client()
    log_in(client, "vera")
    assert client.get("/can").get_data(as_text=True) == "|VIEW"
    admin = auth_app.test_client()
    log_in(admin, "ada")
    assert admin.get("/can").get_data(as_text=True) == "DELETE|VIEW"


def test_init_auth_requires_init_db():
    from dashkit import App, ConfigError
    from dashkit.auth import init_auth

    with pytest.raises(ConfigError, match="call init_db"):
        init_auth(App("tests", {"SECRET_KEY": "x"}))


def test_bad_scrypt_cost_is_a_config_error(state_url):
    from dashkit import ConfigError

    with pytest.raises(
        ConfigError, match="PASSWORD_SCRYPT_N: scrypt cost n must be a power of two"
    ):
        make_auth_app(state_url, PASSWORD_SCRYPT_N=1000)
