"""A row's page is one DetailPage of plain data: the page draws it from overridable parts,
any other view can serialise it, and a row the user may not see gets one 404 everywhere."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime

from list_app import signed_in

from dashkit.admin import get_admin
from dashkit.admin.detail import detail_page
from dashkit.http import Response
from dashkit.state import AuditEvent


def serve_detail_as_json(app) -> None:
    """A view of the app's own (the JSON API to come) that serialises the detail page."""

    def row_json(request, slug: str, pk: str) -> Response:
        page = detail_page(request, get_admin(request.app).get(slug), pk)
        body = json.dumps(dataclasses.asdict(page), default=str)
        return Response(body, content_type="application/json")

    app.add_url_rule("/api/<slug>/<pk>", "row_json", row_json)


def test_a_rows_page_is_plain_data_that_a_json_view_serialises(admin_app):
    serve_detail_as_json(admin_app)
    ada = signed_in(admin_app)
    order = ada.get("/api/list_orders/3").get_json()
    assert order["title"] == "Order: R-03-3"
    assert (order["back_url"], order["edit_url"], order["delete_url"]) == (
        "/admin/list_orders/",
        "/admin/list_orders/3/edit",
        "/admin/list_orders/3/delete",
    )
    fields = {field["name"]: field for field in order["fields"]}
    assert fields["customer_id"]["text"] == "4"
    assert fields["customer_id"]["url"] == "/admin/list_customers/4/"
    assert fields["reference"] == {
        "name": "reference",
        "label": "Reference",
        "kind": "string",
        "text": "R-03-3",
        "url": None,
    }
    assert fields["note"]["text"] == "note 3" and fields["weight"]["text"] == "4.5"
    no_email = ada.get("/api/list_customers/5").get_json()["fields"]
    assert [field["text"] for field in no_email if field["name"] == "email"] == [None]
    customer = ada.get("/api/list_customers/4").get_json()
    (orders,) = customer["related"]
    assert orders["label"] == "Orders" and orders["slug"] == "list_orders"
    assert orders["rows"][0] == {"label": "R-03-3", "url": "/admin/list_orders/3/"}
    assert orders["more"] is False
    assert orders["list_url"] == "/admin/list_orders/?f.customer_id=4"
    viewer = signed_in(admin_app, "vera").get("/api/list_orders/3").get_json()
    assert viewer["edit_url"] is None and viewer["delete_url"] is None
    assert viewer["fields"] == order["fields"]


def test_the_page_links_a_foreign_key_its_children_and_the_write_pages(admin_app):
    ada = signed_in(admin_app)
    html = ada.get("/admin/list_orders/3/").get_data(as_text=True)
    assert "<h1>Order: R-03-3</h1>" in html
    assert '<a href="/admin/list_customers/4/">4</a>' in html
    assert 'href="/admin/list_orders/3/edit">Edit</a>' in html
    assert 'hx-get="/admin/list_orders/3/delete"' in html
    assert '<a href="/admin/list_orders/" aria-current="page">Orders</a>' in html, "sidebar"
    mounted = ada.get("/admin/list_customers/4/", base_url="http://localhost/tools")
    links = re.findall(r'href="([^"]*)"', mounted.get_data(as_text=True))
    assert "/tools/admin/list_orders/3/" in links
    assert "/tools/admin/list_orders/?f.customer_id=4" in links
    viewer = signed_in(admin_app, "vera").get("/admin/list_orders/3/").get_data(as_text=True)
    assert ">Edit</a>" not in viewer and ">Delete</a>" not in viewer


def test_one_model_overrides_a_part_of_its_page_and_others_keep_theirs(admin_app, tmp_path):
    folder = tmp_path / "admin" / "list_orders" / "_detail"
    folder.mkdir(parents=True)
    (folder / "fields.html").write_text(
        '<ul id="custom">{% for field in page.fields if field.text is not none %}'
        "<li>{{ field.label }}={{ field.text }}</li>{% endfor %}</ul>"
    )
    admin_app.templates.add_blueprint_folder(tmp_path)
    ada = signed_in(admin_app)
    order = ada.get("/admin/list_orders/3/").get_data(as_text=True)
    assert '<ul id="custom"><li>Id=3</li><li>Customer id=4</li>' in order
    assert '<dl class="fields">' not in order
    assert 'id="history-title"' in order, "the other parts stay"
    customer = ada.get("/admin/list_customers/4/").get_data(as_text=True)
    assert '<dl class="fields">' in customer and 'id="custom"' not in customer


def test_the_history_of_the_row_shows_on_its_page(admin_app):
    with admin_app.state_session() as session:
        session.add(
            AuditEvent(
                occurred_at=datetime(2024, 3, 1, 12, 30, tzinfo=UTC),
                username="eddie",
                action="update",
                model="list_orders",
                object_pk="3",
                changes={"note": {"before": None, "after": "eddie's <b>note</b>"}},
            )
        )
    html = signed_in(admin_app).get("/admin/list_orders/3/").get_data(as_text=True)
    history = html[html.index('id="history-title"') :]
    assert "<strong>Update</strong> by eddie" in history
    assert "2024-03-01 12:30:00 UTC" in history
    assert "eddie&#39;s &lt;b&gt;note&lt;/b&gt;" in history
    other = signed_in(admin_app).get("/admin/list_orders/4/").get_data(as_text=True)
    assert "No recorded changes." in other


def test_a_row_out_of_scope_or_no_row_at_all_is_one_404_on_every_page(admin_app):
    rita = signed_in(admin_app, "rita")  # sees only the orders of red customers
    blue_order = 1  # customer 2: blue
    pages = ["/", "/edit", "/delete", "/cell/reference"]
    for key in (str(blue_order), "999", "not-a-key"):
        for page in pages:
            path = f"/admin/list_orders/{key}{page}".replace("//", "/")
            response = rita.get(path)
            assert response.status_code == 404, path
            message = f"No order has the key &#39;{key}&#39;."
            assert message in response.get_data(as_text=True), path
