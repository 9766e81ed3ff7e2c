"""The list page's parts (admin/_list/*.html) overridden for one model or for the whole app."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from list_app import make_admin_app, signed_in

RESULTS = {"HX-Request": "true", "HX-Target": "results"}

STATUS_ROW = """\
{% for row in page.rows %}
<tr data-pk="{{ row.segment }}">
{%- for column, numeric, text, link in row.cells %}
{%- if column.name == "paid" %}<td class="order-status">{{ "Paid" if text == "yes" else "Due" }}</td>
{%- else %}<td class="{{ column.kind }}">{{ text }}</td>{% endif %}
{%- endfor %}
</tr>
{% endfor %}
"""
"""A row template of the orders' own: its paid column says Paid or Due."""

PAGES_ONLY_PAGER = """\
{% extends "admin/_list/pager.html" %}
{% block total %}<span class="pager-total">{{ page.rows | length }} shown here</span>{% endblock %}
"""
"""A pager of the orders' own: the default pager with its count replaced."""


def write(folder: Path, name: str, source: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)


def test_a_model_can_override_its_rows_and_pager_and_other_models_keep_the_default(
    admin_app, tmp_path
):
    write(tmp_path, "admin/list_orders/_list/row.html", STATUS_ROW)
    write(tmp_path, "admin/list_orders/_list/pager.html", PAGES_ONLY_PAGER)
    admin_app.templates.add_blueprint_folder(tmp_path)
    client = signed_in(admin_app)
    for orders in (
        client.get("/admin/list_orders/?sort=id").text,
        client.get("/admin/list_orders/?sort=id", headers=RESULTS).text,
    ):
        assert (
            '<td class="order-status">Due</td>' in orders
            and '<td class="order-status">Paid</td>' in orders
        )
        assert '<td class="boolean">' not in orders and '<th scope="row"' not in orders
        assert '<span class="pager-total">10 shown here</span>' in orders
        assert "Count rows" not in orders and 'rel="next">Next &rsaquo;</a>' in orders
    for customers in (
        client.get("/admin/list_customers/").text,
        client.get("/admin/list_customers/", headers=RESULTS).text,
    ):
        assert '<th scope="row"><a href="/admin/list_customers/' in customers
        assert 'class="order-status"' not in customers and "shown here" not in customers
        assert 'class="total-link"' in customers and "Count rows" in customers


def test_an_app_can_override_a_part_for_every_model(list_engine: sa.Engine, tmp_path):
    """The app's own templates folder holds admin/_list/actions.html: every list uses it."""
    write(
        tmp_path,
        "admin/_list/actions.html",
        '{% for action in page.actions %}<button name="action" value="{{ action.value }}">'
        "{{ action.label }}</button>{% endfor %}",
    )
    app = make_admin_app(
        list_engine.url.render_as_string(hide_password=False), template_folder=str(tmp_path)
    )
    try:
        client = signed_in(app)
        for path in ("/admin/list_orders/", "/admin/list_customers/"):
            html = client.get(path).text
            assert '<button name="action" value="delete_selected">Delete selected</button>' in html
            assert 'id="bulk-action"' not in html
        viewer = signed_in(app, "vera").get("/admin/list_orders/").text
        assert 'name="action"' not in viewer, "no actions for a user who may run none"
    finally:
        app.extensions["db"].dispose()
