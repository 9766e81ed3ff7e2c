"""The write pages through the test client: create, edit, conflicts, delete, cells, inlines, files."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from write_app import FAST_N, make_write_app, signed_in
from write_models import Customer, Line, Order, Product, Tag

from dashkit.admin import ModelAdmin
from dashkit.auth import create_user
from dashkit.auth.passwords import PasswordHasher
from dashkit.state import AuditEvent

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"|"X-CSRF-Token": "([0-9a-f]+)"')
ORIGINALS = re.compile(r'name="_originals" value="([^"]+)"')


def csrf_of(client, url: str = "/login") -> str:
    match = CSRF.search(client.get(url, follow_redirects=True).get_data(as_text=True))
    return match.group(1) or match.group(2)


def form_of(client, url: str) -> dict[str, str]:
    """The hidden fields of the form at `url` (CSRF token, signed originals, the create
    form's submission token)."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF.search(html)
    fields = {"csrf_token": match.group(1) or match.group(2)}
    originals = ORIGINALS.search(html)
    if originals:
        fields["_originals"] = originals.group(1)
    submission = re.search(r'name="_submission" value="([^"]+)"', html)
    if submission:
        fields["_submission"] = submission.group(1)
    return fields


def seed(app) -> None:
    with app.db_session() as session:
        alice = Customer(name="Alice", email="alice@example.com")
        session.add(alice)
        session.flush()
        order = Order(customer_id=alice.id, total=Decimal("10.50"), note="first")
        session.add(order)
        session.flush()
        session.add_all(
            [Line(order_id=order.id, line_no=n, product=f"item {n}", qty=n) for n in (1, 2)]
        )


def audit_events(app, model: str) -> list[AuditEvent]:
    with app.db_session() as session:
        return list(
            session.scalars(
                sa.select(AuditEvent).where(AuditEvent.model == model).order_by(AuditEvent.id)
            )
        )


@pytest.fixture
def app(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    seed(app)
    return app


@pytest.fixture
def client(app):
    return signed_in(app)


@pytest.fixture
def dialect_app(database_url):
    """The app on SQLite, PostgreSQL and MariaDB in turn."""
    app = make_write_app(database_url)
    seed(app)
    yield app
    app.extensions["db"].dispose()


def test_create_keeps_input_and_explains_errors_then_saves(app, client):
    data = {
        **form_of(client, "/admin/orders/new"),
        "customer_id": "1",
        "total": "12.345",
        "note": "keep me",
    }
    response = client.post("/admin/orders/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "At most 2 decimal places." in html
    assert 'value="12.345"' in html and "keep me" in html
    data["total"] = "12.34"
    response = client.post("/admin/orders/new", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/orders/2/"
    with app.db_session() as session:
        assert session.get(Order, 2).total == Decimal("12.34")
    (event,) = audit_events(app, "orders")
    assert (event.action, event.object_pk, event.username) == ("create", "2", "ada")
    assert event.changes["total"] == {"before": None, "after": "12.34"}


def test_a_create_form_posted_twice_adds_one_row_and_shows_it(dialect_app):
    client = signed_in(dialect_app)
    data = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "5.00"}
    assert len(data["_submission"]) >= 20
    first = client.post("/admin/orders/new", data=data)
    again = client.post("/admin/orders/new", data=data)  # a double click, a retried request
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == "/admin/orders/2/"
    assert "was saved already" in client.get(again.headers["Location"]).get_data(as_text=True)
    with dialect_app.db_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Order)) == 2
    fresh = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "6.00"}
    assert fresh["_submission"] != data["_submission"]
    assert client.post("/admin/orders/new", data=fresh).headers["Location"] == "/admin/orders/3/"


def test_a_refused_create_keeps_its_token_so_the_corrected_post_saves_once(app, client):
    data = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "1.234"}
    refused = client.post("/admin/orders/new", data=data)
    assert refused.status_code == 422
    assert f'name="_submission" value="{data["_submission"]}"' in refused.get_data(as_text=True)
    data["total"] = "1.23"
    assert client.post("/admin/orders/new", data=data).headers["Location"] == "/admin/orders/2/"
    assert client.post("/admin/orders/new", data=data).headers["Location"] == "/admin/orders/2/"


def test_of_two_posts_racing_with_one_token_the_second_adds_nothing(dialect_app, monkeypatch):
    """The second post passed the check before the first recorded its token: recording it
    fails on the token's key, and the second post's row is rolled back."""
    from dashkit.admin.edit import views

    app, client = dialect_app, signed_in(dialect_app)
    data = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "7.00"}
    assert client.post("/admin/orders/new", data=data).status_code == 303
    monkeypatch.setattr(views, "created_by", lambda request, model_admin: None)
    late = client.post("/admin/orders/new", data=data)
    assert late.status_code == 409 and "added nothing" in late.get_data(as_text=True)
    with app.db_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Order)) == 2


def test_save_and_continue_comes_back_to_the_form(app, client):
    data = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "3.00"}
    response = client.post("/admin/orders/new", data={**data, "_continue": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/orders/2/edit"
    edit = {
        **form_of(client, "/admin/orders/2/edit"),
        "customer_id": "1",
        "total": "4.00",
        "status": "new",
    }
    response = client.post("/admin/orders/2/edit", data={**edit, "_continue": "1"})
    assert response.headers["Location"] == "/admin/orders/2/edit"
    edit = {
        **form_of(client, "/admin/orders/2/edit"),
        "customer_id": "1",
        "total": "5.00",
        "status": "new",
    }
    response = client.post("/admin/orders/2/edit", data=edit)
    assert response.headers["Location"] == "/admin/orders/2/"
    with app.db_session() as session:
        assert session.get(Order, 2).total == Decimal("5.00")


def test_unique_violation_is_a_field_error_on_every_dialect(dialect_app):
    app = dialect_app
    client = signed_in(app)
    data = {**form_of(client, "/admin/customers/new"), "name": "Alice"}
    response = client.post("/admin/customers/new", data=data)
    assert response.status_code == 422
    assert "Another row already has this value." in response.get_data(as_text=True)
    with app.db_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 1


def test_edit_from_an_outdated_form_is_a_conflict(dialect_app):
    app, client = dialect_app, signed_in(dialect_app)
    colleague = signed_in(app, "eddie")
    mine = form_of(client, "/admin/orders/1/edit")
    theirs = form_of(colleague, "/admin/orders/1/edit")
    base = {"customer_id": "1", "total": "10.50", "status": "new"}
    response = colleague.post("/admin/orders/1/edit", data={**theirs, **base, "note": "theirs"})
    assert response.status_code == 303
    response = client.post("/admin/orders/1/edit", data={**mine, **base, "note": "mine"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed while you were editing" in html
    assert "theirs" in html and "mine" in html
    with app.db_session() as session:
        assert session.get(Order, 1).note == "theirs"
    # the conflict page carries the current version: saving from it is a deliberate overwrite
    again = {"csrf_token": mine["csrf_token"], "_originals": ORIGINALS.search(html).group(1)}
    response = client.post("/admin/orders/1/edit", data={**again, **base, "note": "mine"})
    assert response.status_code == 303
    with app.db_session() as session:
        assert session.get(Order, 1).note == "mine"
    updates = [event for event in audit_events(app, "orders") if event.action == "update"]
    assert [event.changes["note"] for event in updates] == [
        {"before": "first", "after": "theirs"},
        {"before": "theirs", "after": "mine"},
    ]


def test_forged_originals_are_refused(client):
    data = {
        **form_of(client, "/admin/orders/1/edit"),
        "customer_id": "1",
        "total": "1",
        "status": "new",
    }
    data["_originals"] = data["_originals"][:-4] + "0000"
    assert client.post("/admin/orders/1/edit", data=data).status_code == 400


def test_delete_lists_dependents_and_explains_the_refusal(app, client):
    page = client.get("/admin/customers/1/delete").get_data(as_text=True)
    assert "1 Order" in page and "<dialog" not in page  # a whole page without JavaScript
    response = client.post(
        "/admin/customers/1/delete", data=form_of(client, "/admin/customers/1/delete")
    )
    assert response.status_code == 409
    assert "still refer to this one" in response.get_data(as_text=True)
    with app.db_session() as session:
        assert session.get(Customer, 1) is not None
    fragment = client.get("/admin/customers/1/delete", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert fragment.lstrip().startswith("<dialog")


def test_composite_keys_in_urls_edit_and_delete(app, client):
    data = {**form_of(client, "/admin/order_lines/1,2/edit"), "product": "renamed", "qty": "5"}
    assert client.post("/admin/order_lines/1,2/edit", data=data).status_code == 303
    response = client.post(
        "/admin/order_lines/1,2/delete", data=form_of(client, "/admin/order_lines/1,2/delete")
    )
    assert response.status_code == 303
    with app.db_session() as session:
        assert session.get(Line, (1, 2)) is None and session.get(Line, (1, 1)).qty == 1
    actions = [(event.action, event.object_pk) for event in audit_events(app, "order_lines")]
    assert actions == [("update", "1,2"), ("delete", "1,2")]


def test_cell_edit_with_htmx_and_conflict(dialect_app):
    app, client = dialect_app, signed_in(dialect_app)
    htmx = {"HX-Request": "true"}
    editor = client.get("/admin/customers/1/cell/email", headers=htmx).get_data(as_text=True)
    assert editor.lstrip().startswith("<form") and "alice@example.com" in editor
    token = {"csrf_token": csrf_of(client), "_originals": ORIGINALS.search(editor).group(1)}
    response = client.post(
        "/admin/customers/1/cell/email", data={**token, "email": "x" * 101}, headers=htmx
    )
    assert (
        response.status_code == 200
        and "At most 100 characters (you entered 101)." in response.get_data(as_text=True)
    )
    with app.db_session() as session:
        session.get(Customer, 1).email = "changed@example.com"
    response = client.post(
        "/admin/customers/1/cell/email", data={**token, "email": "new@example.com"}, headers=htmx
    )
    html = response.get_data(as_text=True)
    assert "Someone else changed email" in html and "changed@example.com" in html
    token["_originals"] = ORIGINALS.search(html).group(1)
    response = client.post(
        "/admin/customers/1/cell/email", data={**token, "email": "new@example.com"}, headers=htmx
    )
    assert 'class="cell-value">new@example.com<' in response.get_data(as_text=True)
    assert "Saved email of customer 1." in response.headers["HX-Trigger"]  # shown as a toast
    with app.db_session() as session:
        assert session.get(Customer, 1).email == "new@example.com"


def test_cell_edit_without_javascript_is_a_small_form_page(app, client):
    page = client.get("/admin/customers/1/cell/email?next=/admin/customers/").get_data(as_text=True)
    assert "<html" in page and 'name="email"' in page
    data = {
        **form_of(client, "/admin/customers/1/cell/email"),
        "email": "plain@example.com",
        "next": "/admin/customers/",
    }
    response = client.post("/admin/customers/1/cell/email", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/customers/"


def test_inlines_are_saved_with_the_parent_in_one_transaction(dialect_app):
    app, client = dialect_app, signed_in(dialect_app)
    data = {
        **form_of(client, "/admin/orders/1/edit"),
        "customer_id": "1",
        "total": "10.50",
        "status": "new",
        "note": "with lines",
    }
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    for prefix in ("lines-0-", "lines-1-"):
        data[f"{prefix}_originals"] = re.search(
            rf'name="{prefix}_originals" value="([^"]+)"', html
        ).group(1)
    data.update(
        {
            "lines-0-product": "item 1",
            "lines-0-qty": "0",
            "lines-1-product": "item 2",
            "lines-1-qty": "2",
            "lines-new0-line_no": "3",
            "lines-new0-product": "jam",
            "lines-new0-qty": "1",
        }
    )
    response = client.post("/admin/orders/1/edit", data=data)
    assert response.status_code == 422
    assert "Must satisfy the rule: qty &gt; 0." in response.get_data(as_text=True)
    with app.db_session() as session:
        assert session.get(Order, 1).note == "first"
        assert session.get(Line, (1, 3)) is None
    data["lines-0-qty"] = "4"
    data["lines-1-_delete"] = "1"
    response = client.post("/admin/orders/1/edit", data=data)
    assert response.status_code == 303
    with app.db_session() as session:
        assert session.get(Order, 1).note == "with lines"
        assert session.get(Line, (1, 1)).qty == 4
        assert session.get(Line, (1, 2)) is None
        assert session.get(Line, (1, 3)).product == "jam"
    actions = sorted((event.action, event.object_pk) for event in audit_events(app, "order_lines"))
    assert actions == [("create", "1,3"), ("delete", "1,2"), ("update", "1,1")]


def test_inlines_are_paged(app, client):
    with app.db_session() as session:
        session.add_all(
            [Line(order_id=1, line_no=n, product=f"item {n}", qty=1) for n in range(3, 25)]
        )
    first = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert "lines-9-_originals" in first and "lines-10-_originals" not in first
    assert "lines-_page=2" in first
    third = client.get("/admin/orders/1/edit?lines-_page=3").get_data(as_text=True)
    assert third.count('_originals" value=') == 1 + 4  # the order and lines 21–24


def test_binary_upload_and_download(dialect_app):
    app, client = dialect_app, signed_in(dialect_app)
    data = {
        **form_of(client, "/admin/orders/1/edit"),
        "customer_id": "1",
        "total": "10.50",
        "status": "new",
        "note": "first",
        "attachment": (io.BytesIO(b"%PDF-1.4 \x00\xff"), "invoice.pdf"),
    }
    assert (
        client.post(
            "/admin/orders/1/edit", data=data, content_type="multipart/form-data"
        ).status_code
        == 303
    )
    response = client.get("/admin/orders/1/file/attachment")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 \x00\xff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (event,) = [event for event in audit_events(app, "orders") if event.action == "update"]
    assert event.changes["attachment"]["after"]["bytes"] == 11


def test_foreign_key_widget_is_a_select_until_the_table_is_large(app, client):
    assert '<select id="field-customer_id"' in client.get("/admin/orders/1/edit").get_data(
        as_text=True
    )
    with app.db_session() as session:
        session.add_all([Customer(name=f"customer {n:03}") for n in range(250)])
    app.extensions["admin"].cache.clear()  # the verdict is otherwise kept for a minute
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert '<select id="field-customer_id"' not in html
    assert 'class="key-input"' in html and "Alice (#1)" in html
    options = client.get("/admin/orders/lookup/customer_id?q=customer 1").get_data(as_text=True)
    assert options.count("data-pick=") == 20
    assert (
        client.get("/admin/orders/lookup/customer_id?q=Alice")
        .get_data(as_text=True)
        .count("data-pick=")
        == 1
    )


def test_field_check_on_blur_returns_the_error_element(client):
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf_of(client)}
    response = client.post("/admin/orders/check/total", data={"total": "abc"}, headers=headers)
    assert response.get_data(as_text=True).strip() == (
        '<p class="field-error" id="error-total" aria-live="polite">Enter a decimal number, like 12.50.</p>'
    )


def test_writes_need_permissions(app):
    viewer = signed_in(app, "vera")
    assert viewer.get("/admin/orders/1/edit").status_code == 403
    data = {"csrf_token": csrf_of(viewer, "/admin/"), "name": "Mallory"}
    assert viewer.post("/admin/customers/new", data=data).status_code == 403
    editor = signed_in(app, "eddie")
    assert editor.get("/admin/customers/1/delete").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/admin/orders/1/edit").status_code in (302, 303)
    with app.db_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 1


def test_version_column_model_edits(app, client):
    with app.db_session() as session:
        session.add(Product(name="tea", price=Decimal("3.00")))
    data = {**form_of(client, "/admin/products/1/edit"), "name": "green tea", "price": "3.50"}
    assert client.post("/admin/products/1/edit", data=data).status_code == 303
    assert client.post("/admin/products/1/edit", data=data).status_code == 409


def test_relation_options_follow_the_viewers_permission_on_the_target(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}", ROLES={"clerk": ["orders.*"]})
    seed(app)
    with app.state_session() as session:
        create_user(
            session, "clara", "clara's long secret", ["clerk"], hasher=PasswordHasher(n=FAST_N)
        )
    clerk = signed_in(app, "clara", "clara's long secret")
    html = clerk.get("/admin/orders/1/edit").get_data(as_text=True)
    assert "Alice" not in html and '<option value="1" selected>#1</option>' in html
    assert "data-pick" not in clerk.get("/admin/orders/lookup/customer_id?q=Ali").get_data(
        as_text=True
    )
    assert "Alice (#1)" in signed_in(app).get("/admin/orders/1/edit").get_data(as_text=True)
    # keeping the customer is fine; choosing one by a crafted post is not
    data = {
        **form_of(clerk, "/admin/orders/1/edit"),
        "customer_id": "1",
        "total": "9.00",
        "status": "new",
    }
    assert clerk.post("/admin/orders/1/edit", data=data).status_code == 303
    data = {**form_of(clerk, "/admin/orders/new"), "customer_id": "1", "total": "9.00"}
    response = clerk.post("/admin/orders/new", data=data)
    assert response.status_code == 422
    assert "No such row to refer to; choose an existing one." in response.get_data(as_text=True)


def test_many_to_many_is_a_multi_select_and_saves(app, client):
    with app.db_session() as session:
        session.add_all([Tag(id=1, name="gift"), Tag(id=2, name="rush"), Tag(id=3, name="fragile")])
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert 'name="tags" multiple' in html and "data-filterable" in html
    data = {**form_of(client, "/admin/orders/1/edit"), "customer_id": "1", "total": "10.50"}
    data["status"] = "new"
    data["note"] = "first"
    form = MultiDict([*data.items(), ("tags", "3"), ("tags", "1")])
    response = client.post("/admin/orders/1/edit", data=form)
    assert response.status_code == 303
    with app.db_session() as session:
        assert sorted(tag.id for tag in session.get(Order, 1).tags) == [1, 3]
    (event,) = [event for event in audit_events(app, "orders") if event.action == "update"]
    assert event.changes == {"tags": {"before": [], "after": [3, 1]}}


def test_a_refusal_about_a_column_the_form_hides_is_a_form_error(app, client):
    class CustomerEmailOnly(ModelAdmin):
        slug = "customer-emails"
        exclude = ("name",)

    app.extensions["admin"].register(Customer, CustomerEmailOnly)
    data = {**form_of(client, "/admin/customer-emails/new"), "email": "x@example.com"}
    response = client.post("/admin/customer-emails/new", data=data)
    assert response.status_code == 422
    assert "<li>Name: This field is required.</li>" in response.get_data(as_text=True)


def test_an_inline_row_changed_meanwhile_is_a_conflict_and_nothing_is_saved(dialect_app):
    app, client = dialect_app, signed_in(dialect_app)
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    data = {**form_of(client, "/admin/orders/1/edit"), "customer_id": "1", "total": "10.50"}
    data.update(
        {"status": "new", "note": "changed", "lines-0-product": "item 1", "lines-0-qty": "7"}
    )
    data["lines-0-_originals"] = re.search(
        r'name="lines-0-_originals" value="([^"]+)"', html
    ).group(1)
    with app.db_session() as session:
        session.get(Line, (1, 1)).qty = 9
    response = client.post("/admin/orders/1/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Row 1,1 of lines changed (qty) after you loaded this page; nothing was saved." in page
    with app.db_session() as session:
        assert session.get(Order, 1).note == "first" and session.get(Line, (1, 1)).qty == 9
