"""The list page as data (ListPage) and as drawn: one ListPage serves the whole page and its
htmx fragment, holds plain values and ready URLs, and refills its controls from the URL."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest
from list_app import signed_in
from markupsafe import Markup

from dashkit.admin.list import views
from dashkit.admin.list.page import ListPage

RESULTS = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def built(monkeypatch) -> list[ListPage]:
    """Every ListPage the list view builds, in order."""
    pages: list[ListPage] = []
    build = views.list_page

    def spy(request, model_admin):
        pages.append(build(request, model_admin))
        return pages[-1]

    monkeypatch.setattr(views, "list_page", spy)
    return pages


def results_of(html: str) -> str:
    """The results block of a whole list page."""
    start = '<div id="results" class="results" hx-sync="#results:replace">\n'
    return html.split(start)[1].split('</div>\n<div id="dialog-slot">')[0]


def test_the_whole_page_and_its_fragment_are_drawn_from_one_list_page(admin_app, built):
    client = signed_in(admin_app)
    url = "/admin/list_orders/?f.paid=1&sort=-total&size=5&q=r"
    whole = client.get(url).text
    fragment = client.get(url, headers=RESULTS)
    assert len(built) == 2 and built[0] == built[1], "the same data for both"
    assert fragment.headers["HX-Push-Url"] == built[0].current_url
    assert results_of(whole) == fragment.text
    assert fragment.text.count('<th scope="row"') == len(built[0].rows) == 5


def plain(value: Any, path: str = "page") -> None:
    """Fail unless `value` is plain data: text (no Markup), numbers, lists, small dataclasses."""
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            plain(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            plain(key, path)
            plain(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            plain(item, f"{path}[{index}]")
    else:
        assert not isinstance(value, Markup), f"{path} is markup"
        assert value is None or type(value) in (str, int, bool, float, Decimal), path


def test_a_list_page_is_plain_data_with_values_ready_to_show(admin_app, built):
    signed_in(admin_app).get("/admin/list_orders/?sort=reference&size=5")
    page = built[0]
    plain(page)
    assert [column.name for column in page.columns][:3] == ["id", "reference", "customer.name"]
    row = page.rows[0]
    assert (row.key, row.segment, row.label, row.url, row.edit_url) == (
        "14",
        "14",
        "R-00-14",
        "/admin/list_orders/14/",
        "/admin/list_orders/14/edit",
    )
    texts = [row.heading] + [text for _, _, text, _ in row.cells]
    assert dict(zip([column.name for column in page.columns], texts, strict=True)) == {
        "id": "14",
        "reference": "R-00-14",
        "customer.name": "Jürgen Müller",
        "customer_id": "3",
        "total": "18.25",
        "placed_on": "2024-01-15",
        "paid": "yes",
    }
    links = {column.name: link for column, _, _, link in row.cells}
    assert links.pop("customer_id") == "/admin/list_customers/3/"
    assert set(links.values()) == {None}
    assert [numeric for _, numeric, _, _ in row.cells] == [False, False, True, True, False, False]
    assert [action.value for action in page.actions] == ["delete_selected", "mark_paid"]
    assert page.links.exports == {
        "csv": "/admin/list_orders/export.csv?sort=reference&size=5",
        "json": "/admin/list_orders/export.json?sort=reference&size=5",
    }


def test_the_pager_links_its_neighbours_and_keeps_the_state(admin_app, built):
    client = signed_in(admin_app)
    client.get("/admin/list_orders/?f.paid=1&size=5")
    first = built[-1].pager
    assert first.first_url is None and first.previous_url is None and first.previous_cursor is None
    assert first.next_url == f"/admin/list_orders/?f.paid=1&size=5&after={first.next_cursor}"
    assert first.last_url == "/admin/list_orders/?f.paid=1&size=5&last=1"
    assert first.count_url == "/admin/list_orders/count?f.paid=1&size=5"
    client.get(first.next_url)
    second = built[-1]
    assert second.current_url == first.next_url
    assert second.pager.first_url == "/admin/list_orders/?f.paid=1&size=5"
    assert second.pager.previous_url == (
        f"/admin/list_orders/?f.paid=1&size=5&before={second.pager.previous_cursor}"
    )


def test_a_stale_cursor_shows_the_first_page_at_its_own_url(admin_app, built):
    html = signed_in(admin_app).get("/admin/list_orders/?sort=-id&after=bm90IGpzb24").text
    page = built[0]
    assert page.current_url == "/admin/list_orders/?sort=-id"
    assert page.rows[0].key == "60" and page.pager.first_url is None
    assert re.search(r'class="message warning" role="status">[^<]*showing the first page', html)


def controls(html: str) -> str:
    return html.split('<form id="list-form"')[1].split("</form>")[0]


def test_the_controls_show_the_list_as_the_url_asks(admin_app):
    client = signed_in(admin_app)
    html = controls(
        client.get(
            "/admin/list_orders/?f.paid=0&f.customer_id=3&f.total.min=2.5&f.weight.null=1"
            "&cols=id&cols=total&size=5"
        ).get_data(as_text=True)
    )
    assert "<summary>Filters (4)</summary>" in html
    assert '<option value="0" selected>No</option>' in html
    assert '<option value="1">Yes</option>' in html
    assert '<input id="f-customer_id" name="f.customer_id" value="3"' in html
    assert 'hx-get="/admin/list_orders/autocomplete/customer_id"' in html
    assert 'name="f.total.min" value="2.5" step="any"' in html
    assert 'name="f.total.max" value="" step="any"' in html
    assert '<input type="date" name="f.placed_on.min" value="">' in html
    assert '<option value="1" selected>Empty</option>' in html
    assert 'value="id" checked> Id' in html and 'value="reference"> Reference' in html
    assert '<option value="5" selected>5</option>' in html
    assert '<option value="10">10</option>' in html
    plain = controls(client.get("/admin/list_orders/").get_data(as_text=True))
    assert "<summary>Filters</summary>" in plain and " selected" not in plain.replace(
        '<option value="10" selected>', ""
    )


def test_request_text_in_the_controls_is_escaped(admin_app):
    client = signed_in(admin_app)
    html = controls(
        client.get("/admin/list_customers/?f.team=%22%3E%3Cb%3Ex&f.tier=gold").get_data(
            as_text=True
        )
    )
    assert "<b>" not in html
    assert '<input id="f-team" name="f.team" value="&#34;&gt;&lt;b&gt;x">' in html
    assert 'name="f.tier" value="gold" checked> gold' in html
    assert 'name="f.tier" value="silver"> silver' in html
