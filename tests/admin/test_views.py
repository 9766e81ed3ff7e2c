"""The admin's read pages, bulk actions, export and saved views through the test client."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from list_app import FAST_N, PASSWORD, csrf_of, signed_in
from list_models import Customer, Order
from sqlalchemy.orm import Session

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.errors import ConfigError
from dashkit.migrations import upgrade_state
from dashkit.state import AuditEvent, SavedView

RESULTS = {"HX-Request": "true", "HX-Target": "results"}


def red_order_ids(engine: sa.Engine) -> set[int]:
    with Session(engine) as session:
        statement = sa.select(Order.id).join(Order.customer).where(Customer.team == "red")
        return set(session.scalars(statement))


def test_admin_needs_db_and_auth_first():
    with pytest.raises(
        ConfigError, match=r"Admin\(app\) needs init_db\(app\) and init_auth\(app\) to run first"
    ):
        Admin(App("tests", {"SECRET_KEY": "x"}))


def test_foreign_key_filter_offers_matching_rows(admin_app):
    client = signed_in(admin_app)
    options = client.get(
        "/admin/list_orders/autocomplete/customer_id?f.customer_id=smith"
    ).get_data(as_text=True)
    assert options.split("\n")[:2] == [
        '<option value="7">Anna Smith</option>',
        '<option value="8">Bob Smith</option>',
    ]
    assert client.get("/admin/list_orders/autocomplete/reference?q=x").status_code == 404
    assert (
        signed_in(admin_app, "vera").get("/admin/list_customers/autocomplete/name").status_code
        == 404
    )


def test_index_groups_models_and_loads_counts(admin_app):
    client = signed_in(admin_app)
    html = client.get("/admin/").get_data(as_text=True)
    assert "Customers" in html and "Orders" in html and 'hx-trigger="load"' in html
    count = client.get("/admin/list_orders/count", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert count.startswith('<span class="total total-exact"') and "60 orders" in count


def test_list_page_and_its_htmx_fragment_come_from_one_template(admin_app):
    client = signed_in(admin_app)
    page = client.get("/admin/list_orders/?sort=-total")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.startswith("<!doctype html>")
    assert re.search(r'<th scope="col" class="number"[^>]* aria-sort="descending">', html)
    assert html.count('<th scope="row"') == 10 and 'id="results"' in html
    fragment = client.get("/admin/list_orders/?sort=-total", headers=RESULTS)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<table" in body and body.count('<th scope="row"') == 10
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_a_submitted_filter_form_lands_on_its_canonical_url(admin_app):
    client = signed_in(admin_app)
    response = client.get(
        "/admin/list_orders/?q=smith&f.paid=&f.total.min=&size=10&cols=id&cols=reference"
        "&cols=customer.name&cols=customer_id&cols=total&cols=placed_on&cols=paid"
    )
    assert (
        response.status_code == 303
        and response.headers["Location"] == "/admin/list_orders/?q=smith"
    )


def test_unknown_parameters_are_shown_as_notices(admin_app):
    client = signed_in(admin_app)
    html = client.get("/admin/list_orders/?f.password=1&sort=secret").get_data(as_text=True)
    assert "Unknown filter &#39;password&#39; ignored." in html
    assert "Cannot sort by &#39;secret&#39;" in html


def test_paging_links_walk_every_row(admin_app):
    client = signed_in(admin_app)
    seen, url = [], "/admin/list_orders/?sort=reference"
    for _ in range(10):
        html = client.get(url, headers=RESULTS).get_data(as_text=True)
        seen += [int(pk) for pk in _row_keys(html)]
        if 'rel="next"' not in html:
            break
        url = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert sorted(seen) == list(range(1, 61)) and len(seen) == 60


def test_pager_count_and_export_links_keep_the_state_and_only_the_pager_moves(admin_app):
    client = signed_in(admin_app)
    state = "sort=reference&amp;f.paid=1&amp;size=5"  # in the order the list writes them
    first = client.get("/admin/list_orders/?f.paid=1&sort=reference&size=5").get_data(as_text=True)
    links = _pager_links(first)
    assert re.fullmatch(f"/admin/list_orders/\\?{state}&amp;after=[\\w-]+", links["Next ›"])
    assert links["Last »"] == f"/admin/list_orders/?{state}&amp;last=1"
    assert f'href="/admin/list_orders/count?{state}"' in first
    assert f'href="/admin/list_orders/export.csv?{state}"' in first
    second = client.get(links["Next ›"].replace("&amp;", "&")).get_data(as_text=True)
    links = _pager_links(second)
    assert links["« First"] == f"/admin/list_orders/?{state}"
    assert re.fullmatch(f"/admin/list_orders/\\?{state}&amp;before=[\\w-]+", links["‹ Previous"])
    assert f'href="/admin/list_orders/count?{state}"' in second, "the count is of every page"


def _pager_links(html: str) -> dict[str, str]:
    """The pager's links by label."""
    pager = html.split('<nav class="pager"')[1]
    return {
        unescape(label): href
        for href, label in re.findall(r'<a class="button" href="([^"]+)"[^>]*>([^<]+)</a>', pager)
    }


def test_a_list_of_ascii_rows_is_written_in_ascii(admin_app):
    """Sort marks, pager arrows, dashes and ellipses are character references: a page of
    ASCII text is stored a byte a character and encoded by a copy, while a single wider
    character makes the whole page wider and its encoding many times slower."""
    client = signed_in(admin_app)
    results = client.get("/admin/list_customers/?q=smith&sort=-name", headers=RESULTS).text
    assert "Anna Smith" in results and "&#9660;" in results and "&laquo; First" in results
    assert results.isascii()
    page = client.get("/admin/list_customers/?q=smith&sort=-name").text
    assert "Search customers&hellip;" in page and "Saved views&hellip;" in page
    assert page.isascii()


def _row_keys(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('name="pk" value="')[1:]]


def test_permissions(admin_app):
    anonymous = admin_app.test_client()
    assert anonymous.get("/admin/list_orders/").status_code == 303
    viewer = signed_in(admin_app, "vera")
    assert viewer.get("/admin/list_orders/").status_code == 200
    forbidden = viewer.get("/admin/list_orders/export.csv")
    assert forbidden.status_code == 403 and "list_orders.export" in forbidden.get_data(as_text=True)
    html = viewer.get("/admin/list_orders/").get_data(as_text=True)
    assert "Export CSV" not in html and "With selected" not in html


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_anonymous_visitors_cannot_tell_which_tables_exist(admin_app, headers):
    anonymous = admin_app.test_client()
    for path in ("/", "/{}/", "/{}/count", "/{}/1/", "/{}/1/edit", "/{}/new", "/{}/export.csv"):
        existing = anonymous.get("/admin" + path.format("list_orders"), headers=headers)
        missing = anonymous.get("/admin" + path.format("no_such_table"), headers=headers)
        assert existing.status_code == missing.status_code in (303, 401), path
        assert existing.headers.get("Location", "").split("?")[0] == missing.headers.get(
            "Location", ""
        ).split("?")[0]


def test_detail_links_foreign_keys_and_lists_children(admin_app):
    client = signed_in(admin_app)
    order = client.get("/admin/list_orders/3/").get_data(as_text=True)
    assert 'href="/admin/list_customers/4/"' in order
    customer = client.get("/admin/list_customers/4/").get_data(as_text=True)
    assert "R-03-3" in customer and "/admin/list_orders/?f.customer_id=4" in customer
    assert client.get("/admin/list_orders/999/").status_code == 404
    assert client.get("/admin/list_orders/not-a-key/").status_code == 404


def test_row_scope_applies_to_every_path(admin_app, list_engine):
    red = red_order_ids(list_engine)
    blue = next(i for i in range(1, 61) if i not in red)
    client = signed_in(admin_app, "rita")
    listed = _row_keys(client.get("/admin/list_orders/?size=1000").get_data(as_text=True))
    assert {int(pk) for pk in listed} == red
    count = client.get("/admin/list_orders/count", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert f"{len(red)} orders" in count
    assert client.get(f"/admin/list_orders/{blue}/").status_code == 404
    exported = client.get("/admin/list_orders/export.json").get_data(as_text=True)
    assert {item["id"] for item in json.loads(exported)} == red
    options = client.get("/admin/list_orders/autocomplete/customer_id?q=smith").get_data(
        as_text=True
    )
    assert options.strip() == '<option value="7">Anna Smith</option>', "Bob Smith's team is blue"
    assert client.get(f"/admin/list_orders/{blue}/edit").status_code == 404
    assert client.get(f"/admin/list_orders/{blue}/delete").status_code == 404
    assert client.get(f"/admin/list_orders/{min(red)}/edit").status_code == 200
    token = csrf_of(client.get("/admin/list_orders/").get_data(as_text=True))
    crafted = client.post(
        "/admin/list_orders/actions",
        data={
            "action": "delete_selected",
            "pk": [str(min(red)), str(blue)],
            "confirm": "1",
            "csrf_token": token,
        },
    )
    assert crafted.status_code == 404
    with Session(list_engine) as session:
        assert session.get(Order, blue) is not None and session.get(Order, min(red)) is not None


def test_bulk_delete_confirms_then_deletes_in_one_go(admin_app, list_engine):
    client = signed_in(admin_app)
    token = csrf_of(client.get("/admin/list_orders/").get_data(as_text=True))
    form = {
        "action": "delete_selected",
        "pk": ["1", "2"],
        "csrf_token": token,
        "next": "/admin/list_orders/?sort=-id",
    }
    confirm = client.post("/admin/list_orders/actions", data=form)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete selected: 2 orders" in html and "R-01-1" in html
    dialog = client.post("/admin/list_orders/actions", data=form, headers={"HX-Request": "true"})
    assert dialog.get_data(as_text=True).lstrip().startswith("<dialog")
    done = client.post("/admin/list_orders/actions", data={**form, "confirm": "1"})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/list_orders/?sort=-id"
    with Session(list_engine) as session:
        assert session.scalars(sa.select(Order.id).where(Order.id.in_([1, 2]))).all() == []
    with admin_app.state_session() as session:
        events = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "delete")).all()
        assert sorted(event.object_pk for event in events) == ["1", "2"]


def test_a_failing_row_rolls_the_whole_action_back(admin_app, list_engine):
    with Session(list_engine) as session:
        session.get(Order, 4).reference = "REFUSE"
        session.commit()
        before = {
            o.id: o.paid
            for o in session.scalars(sa.select(Order).where(Order.id.in_([1, 3, 4, 5])))
        }
    client = signed_in(admin_app)
    token = csrf_of(client.get("/admin/list_orders/").get_data(as_text=True))
    response = client.post(
        "/admin/list_orders/actions",
        data={
            "action": "mark_paid",
            "pk": ["1", "3", "4", "5"],
            "confirm": "1",
            "csrf_token": token,
        },
    )
    assert response.status_code == 409
    assert "Nothing was changed: order 4 cannot be marked paid" in response.get_data(as_text=True)
    with Session(list_engine) as session:
        after = {
            o.id: o.paid
            for o in session.scalars(sa.select(Order).where(Order.id.in_([1, 3, 4, 5])))
        }
    assert after == before and not all(before.values())


def test_deleting_referenced_rows_is_refused_and_nothing_is_deleted(admin_app, list_engine):
    client = signed_in(admin_app)
    token = csrf_of(client.get("/admin/list_customers/").get_data(as_text=True))
    with Session(list_engine) as session:
        session.add(Customer(id=99, name="No orders"))
        session.commit()
    response = client.post(
        "/admin/list_customers/actions",
        data={"action": "delete_selected", "pk": ["99", "2"], "confirm": "1", "csrf_token": token},
    )
    assert response.status_code == 409 and "Nothing was changed" in response.get_data(as_text=True)
    with Session(list_engine) as session:
        assert session.get(Customer, 99) is not None and session.get(Customer, 2) is not None


def test_export_follows_the_list_state(admin_app):
    client = signed_in(admin_app)
    response = client.get(
        "/admin/list_orders/export.csv?f.paid=1&sort=-total&cols=reference&cols=total"
    )
    assert response.headers["Content-Disposition"] == 'attachment; filename="list_orders.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Reference", "Total"] and len(rows) == 31
    totals = [float(row[1]) for row in rows[1:]]
    assert totals == sorted(totals, reverse=True)
    items = json.loads(client.get("/admin/list_orders/export.json?q=smith").get_data(as_text=True))
    assert items and all(item["customer.name"].endswith("Smith") for item in items)
    assert isinstance(items[0]["paid"], bool) and isinstance(items[0]["id"], int)


def test_export_of_100k_rows_streams_in_bounded_memory(admin_app, list_engine):
    with list_engine.begin() as connection:
        connection.execute(sa.delete(Order))
        connection.execute(
            sa.insert(Order),
            [
                {
                    "id": n,
                    "reference": f"bulk-{n:06d}",
                    "total": n % 1000,
                    "placed_on": date(2024, 5, 1),
                    "paid": n % 2 == 0,
                }
                for n in range(1, 100_001)
            ],
        )
    client = signed_in(admin_app)
    response = client.get(
        "/admin/list_orders/export.csv?cols=id&cols=reference&cols=total", buffered=False
    )
    lines, size, early_peak = 0, 0, None
    tracemalloc.start()
    try:
        for chunk in response.iter_encoded():
            lines += chunk.count(b"\n")
            size += len(chunk)
            if early_peak is None and lines >= 10_000:
                early_peak = tracemalloc.get_traced_memory()[1]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        response.close()
    assert lines == 100_001
    assert peak < 8 * 2**20, f"peak {peak} bytes for {size} bytes of CSV"
    assert peak < early_peak * 1.5, "memory grew with the rows: the export is not streaming"


def test_saved_views_belong_to_their_user(admin_app):
    client = signed_in(admin_app)
    page = client.get("/admin/list_orders/?f.paid=1&sort=-total&after=abc").get_data(as_text=True)
    saved = client.post(
        "/admin/list_orders/views",
        data={
            "name": "Paid, biggest first",
            "query": "f.paid=1&sort=-total&after=abc&f.bogus=1",
            "csrf_token": csrf_of(page),
        },
    )
    assert (
        saved.status_code == 303
        and saved.headers["Location"] == "/admin/list_orders/?sort=-total&f.paid=1"
    )
    menu = client.get("/admin/list_orders/views", headers={"HX-Request": "true"})
    html = menu.get_data(as_text=True)
    assert 'href="/admin/list_orders/?sort=-total&amp;f.paid=1">Paid, biggest first</a>' in html
    other = signed_in(admin_app, "vera")
    other_menu = other.get("/admin/list_orders/views").get_data(as_text=True)
    assert "Paid, biggest first" not in other_menu and "No saved views yet." in other_menu
    with admin_app.state_session() as session:
        view_id = session.scalars(sa.select(SavedView.id)).one()
    stolen = other.post(
        f"/admin/list_orders/views/{view_id}/delete", data={"csrf_token": csrf_of(other_menu)}
    )
    assert stolen.status_code == 404
    deleted = client.post(
        f"/admin/list_orders/views/{view_id}/delete", data={"csrf_token": csrf_of(html)}
    )
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/admin/list_orders/"
    menu = client.get("/admin/list_orders/views", headers={"HX-Request": "true"})
    assert "Paid, biggest first</a>" not in menu.get_data(as_text=True)


def test_the_views_menu_loads_its_body_when_opened(admin_app):
    client = signed_in(admin_app)
    page = client.get("/admin/list_orders/?f.paid=1&sort=-total").get_data(as_text=True)
    views_url = "/admin/list_orders/views?query=f.paid%3D1%26sort%3D-total"
    assert (
        f'<details class="panel views-menu" hx-get="{views_url}" hx-trigger="toggle once"' in page
    )
    assert f'<a href="{views_url}">Saved views&hellip;</a>' in page  # without JavaScript
    assert "Name this view" not in page
    fragment = client.get(views_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<ul class="saved-views">') and "<h1>" not in fragment
    assert 'name="query" value="sort=-total&amp;f.paid=1" data-current-query' in fragment
    full = client.get(views_url).get_data(as_text=True)
    assert "<h1>Orders: saved views</h1>" in full and 'class="sidebar admin-nav"' in full
    assert 'name="query" value="sort=-total&amp;f.paid=1">' in full  # no script rewrites it
    assert 'href="/admin/list_orders/?sort=-total&amp;f.paid=1">Back to the list</a>' in full


def test_the_views_page_needs_the_models_view_permission(admin_app):
    assert admin_app.test_client().get("/admin/list_orders/views").status_code == 303
    with admin_app.state_session() as session:
        create_user(session, "nora", PASSWORD, [], hasher=PasswordHasher(n=FAST_N))
    nobody = signed_in(admin_app, "nora")
    forbidden = nobody.get("/admin/list_orders/views", headers={"HX-Request": "true"})
    assert forbidden.status_code == 403
    assert signed_in(admin_app, "vera").get("/admin/list_orders/views").status_code == 200


def test_a_list_page_reads_no_saved_views(admin_app):
    client = signed_in(admin_app)
    state_engine = admin_app.extensions["db"].state_engine
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(state_engine, "before_cursor_execute", listener)
    try:
        assert client.get("/admin/list_orders/?sort=-total").status_code == 200
    finally:
        sa.event.remove(state_engine, "before_cursor_execute", listener)
    assert seen, "the listener saw the page's session lookup"
    assert not [statement for statement in seen if "dashkit_saved_views" in statement]


def test_a_list_page_of_columns_opens_no_session_on_the_data_database(list_engine, tmp_path):
    state_url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    upgrade_state(state_url)
    app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N})
    init_db(app, list_engine.url.render_as_string(hide_password=False), state_url)
    init_auth(app)
    Admin(app).register(Customer)  # no scope: its page is a Core statement of columns
    with app.state_session() as session:
        create_user(session, "ada", PASSWORD, ["admin"], hasher=PasswordHasher(n=FAST_N))
    opened = []

    @app.teardown_request
    def note(request, error):
        opened.append("db" in request.__dict__)

    client = signed_in(app)
    try:
        client.get("/admin/list_customers/")  # the first works out what the list offers, once
        html = client.get("/admin/list_customers/").get_data(as_text=True)
    finally:
        app.extensions["db"].dispose()
    assert "Grace Hopper" in html
    assert opened[-1] is False  # the rows were read on a connection given back at once


def count_queries(engine: sa.Engine, client, url: str) -> int:
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_queries_per_page_stay_constant_as_rows_grow(admin_app):
    client = signed_in(admin_app)
    engine = admin_app.extensions["db"].engine
    client.get("/admin/list_orders/")
    small = count_queries(engine, client, "/admin/list_orders/?size=5")
    large = count_queries(engine, client, "/admin/list_orders/?size=1000")
    assert small == large
    one_child = count_queries(engine, client, "/admin/list_customers/1/")
    many_children = count_queries(engine, client, "/admin/list_customers/4/")
    assert one_child == many_children


def test_a_model_can_have_its_own_list_template(admin_app, tmp_path):
    folder = tmp_path / "admin" / "list_orders"
    folder.mkdir(parents=True)
    (folder / "list.html").write_text(
        '{% extends "admin/list.html" %}{% block results %}<p id="custom">{{ page.rows | length }} custom</p>{% endblock %}'
    )
    admin_app.templates.add_blueprint_folder(tmp_path)
    client = signed_in(admin_app)
    assert '<p id="custom">10 custom</p>' in client.get("/admin/list_orders/").get_data(
        as_text=True
    )
    assert 'id="custom"' not in client.get("/admin/list_customers/").get_data(as_text=True)
    assert (
        client.get("/admin/list_orders/", headers=RESULTS).get_data(as_text=True)
        == '<p id="custom">10 custom</p>'
    )


def test_header_clicks_toggle_the_sort(admin_app):
    client = signed_in(admin_app)
    html = client.get("/admin/list_orders/").get_data(as_text=True)
    assert 'href="/admin/list_orders/?sort=-id"' in html, (
        "sorted by id already: the next click reverses"
    )
    assert 'href="/admin/list_orders/?sort=total"' in html
    html = client.get("/admin/list_orders/?sort=-total").get_data(as_text=True)
    assert 'href="/admin/list_orders/?sort=total"' in html
    html = client.get(
        "/admin/list_orders/?q=smith&f.paid=1&cols=id&cols=total&size=5&sort=total&after=x"
    ).get_data(as_text=True)
    keep = "q=smith&amp;f.paid=1&amp;cols=id&amp;cols=total&amp;size=5"
    assert f'href="/admin/list_orders/?{keep}&amp;sort=-total"' in html, (
        "a header click keeps search, filters, columns and size, and starts from the first page"
    )
    assert f'href="/admin/list_orders/?{keep}&amp;sort=id"' in html


def test_editable_columns_name_their_editor_once_and_rows_link_their_edit_form(admin_app):
    """An editable column's header holds its cell editor's URL around the row key, coming
    back to the list's state (if any); each row holds its key. No cell carries a link of
    its own: without JavaScript a row is edited through the edit form it links to."""
    client = signed_in(admin_app)
    plain = client.get("/admin/list_customers/").get_data(as_text=True)
    table = plain.split("<tbody>")[1].split("</tbody>")[0]
    assert "cell-edit" not in table and "/cell/" not in table and "hx-get" not in table
    assert 'data-edit-before="/admin/list_customers/" data-edit-after="/cell/email"' in plain
    assert '<tr data-pk="1">' in table
    assert '<td class="row-edit"><a href="/admin/list_customers/1/edit">Edit</a></td>' in table
    html = client.get("/admin/list_customers/?sort=-name&cols=name&cols=email").get_data(
        as_text=True
    )
    before, after = re.search(
        r'data-edit-before="([^"]+)" data-edit-after="([^"]+)"', html
    ).groups()
    after = after.replace("&amp;", "&")
    back = "?next=%2Fadmin%2Flist_customers%2F%3Fsort%3D-name%26cols%3Dname%26cols%3Demail"
    assert after == "/cell/email" + back
    key = re.search(r'<tr data-pk="([^"]+)">', html).group(1)
    editor = client.get(before + key + after).get_data(as_text=True)
    assert 'name="next" value="/admin/list_customers/?sort=-name&amp;cols=name&amp;cols=email"' in (
        editor
    )


def test_only_a_user_who_may_change_rows_gets_editors_and_edit_links(admin_app):
    editor = signed_in(admin_app).get("/admin/list_customers/").get_data(as_text=True)
    assert "data-edit-before" in editor and "row-edit" in editor
    client = signed_in(admin_app, "vera")
    viewer = client.get("/admin/list_customers/").get_data(as_text=True)
    assert "data-edit-before" not in viewer and "data-pk" not in viewer
    assert "row-edit" not in viewer and "/edit" not in viewer
    assert client.get("/admin/list_customers/1/cell/email").status_code == 403


def test_a_list_url_that_is_not_utf8_is_no_server_error(admin_app):
    client = signed_in(admin_app)
    response = client.get("/admin/list_orders/", environ_overrides={"QUERY_STRING": "q=\xff"})
    assert response.status_code in (200, 303)
    assert client.get("/admin/list_orders/?q=caf%C3%A9").status_code == 200


def test_a_list_without_searchable_columns_offers_no_search_and_says_it_ignored_one(
    list_engine, tmp_path
):
    state_url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    upgrade_state(state_url)
    app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N})
    init_db(app, list_engine.url.render_as_string(hide_password=False), state_url)
    init_auth(app)
    admin = Admin(app)
    admin.register(Customer, type("Unsearched", (ModelAdmin,), {"search_fields": ()}))
    admin.register(Order)
    with app.state_session() as session:
        create_user(session, "ada", PASSWORD, ["admin"], hasher=PasswordHasher(n=FAST_N))
    client = signed_in(app)
    try:
        plain = client.get("/admin/list_customers/").get_data(as_text=True)
        searched = client.get("/admin/list_customers/?q=smith").get_data(as_text=True)
        orders = client.get("/admin/list_orders/").get_data(as_text=True)
    finally:
        app.extensions["db"].dispose()
    assert 'id="list-search"' not in plain and 'id="list-search"' in orders
    assert "have no column to search; the search was ignored." in searched
    assert "Grace Hopper" in searched  # every row, unfiltered
