"""The write flow in Chromium, with JavaScript on and off: create (an invalid value, then
fixed), edit a list cell in place, a conflict between two browsers, delete; screenshots."""

from __future__ import annotations

from decimal import Decimal

import pytest
from write_app import PASSWORDS, make_write_app
from write_models import Customer, Order

pytestmark = pytest.mark.browser


def sign_in(context, url: str, username: str):
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/admin/")
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_write_flow(javascript, tmp_path, live_server, browser, artifacts_dir):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    with app.db_session() as session:
        session.add(Customer(name="Alice", email="alice@example.com"))
        session.flush()
        session.add(Order(customer_id=1, total=Decimal("10.50"), note="first"))
    server = live_server(app)
    mode = "js" if javascript else "nojs"
    first = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    second = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    problems: list[str] = []
    try:
        page = sign_in(first, server.url, "ada")
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "status of 4" not in message.text
                else None
            ),
        )  # 409/422 answers are expected

        # create: an invalid total is refused with the input kept, then fixed
        page.goto(f"{server.url}/admin/orders/new")
        page.select_option("#field-customer_id", "1")
        page.fill("#field-total", "12.345")
        page.fill("#field-note", "a new order")
        if javascript:
            page.locator("#field-note").focus()  # blur the total: the server checks it
            page.wait_for_selector("#error-total:has-text('At most 2 decimal places.')")
        page.click("button.primary[type=submit]")
        page.wait_for_selector("#error-total:has-text('At most 2 decimal places.')")
        assert page.input_value("#field-total") == "12.345"
        assert page.input_value("#field-note") == "a new order"
        page.screenshot(path=str(artifacts_dir / f"admin-form-error-{mode}.png"), full_page=True)
        page.fill("#field-total", "12.34")
        page.click("button.primary[type=submit]")
        page.wait_for_url(f"{server.url}/admin/orders/2/")
        assert "Added order 2." in page.inner_text("#messages")
        with app.db_session() as session:
            assert session.get(Order, 2).total == Decimal("12.34")

        # a list cell edited in place with JavaScript (a pencil the script adds to each
        # editable cell, opened with the keyboard); without, the row's own edit form
        page.goto(f"{server.url}/admin/customers/")
        if javascript:
            pencil = page.locator("a.cell-edit[aria-label='Edit Email of 1']")
            pencil.focus()
            page.keyboard.press("Enter")
            editor = page.locator("form.cell-editor")
            editor.wait_for()
            page.wait_for_function("() => document.activeElement.name === 'email'", timeout=5000)
            editor.locator("input[name=email]").fill("alice@shop.example")
            page.screenshot(path=str(artifacts_dir / f"admin-cell-editor-{mode}.png"))
            editor.locator("button[type=submit]").click()
            page.wait_for_selector("td .cell-value:has-text('alice@shop.example')")
            page.wait_for_selector("text=Saved email of customer 1.")  # the toast
            page.wait_for_function(
                "() => document.activeElement.className === 'cell-edit'", timeout=5000
            )
            assert page.url == f"{server.url}/admin/customers/"
        else:
            assert page.locator(".cell-edit").count() == 0
            page.click("tr[data-pk='1'] td.row-edit a")
            page.wait_for_url(f"{server.url}/admin/customers/1/edit")
            page.fill("#field-email", "alice@shop.example")
            page.screenshot(path=str(artifacts_dir / f"admin-cell-editor-{mode}.png"))
            page.click("button.primary[type=submit]")
            page.wait_for_url(f"{server.url}/admin/customers/1/")
            page.goto(f"{server.url}/admin/customers/")
            page.wait_for_selector("td:has-text('alice@shop.example')")
        with app.db_session() as session:
            assert session.get(Customer, 1).email == "alice@shop.example"

        # two browsers edit order 1: the second save is a conflict, not a silent overwrite
        other = sign_in(second, server.url, "eddie")
        page.goto(f"{server.url}/admin/orders/1/edit")
        other.goto(f"{server.url}/admin/orders/1/edit")
        other.fill("#field-note", "eddie's note")
        other.click("button.primary[type=submit]")
        other.wait_for_url(f"{server.url}/admin/orders/1/")
        page.fill("#field-note", "ada's note")
        page.click("button.primary[type=submit]")
        page.wait_for_selector("text=changed while you were editing")
        conflict = page.inner_text(".conflict-table")
        assert "eddie's note" in conflict and "ada's note" in conflict
        assert page.input_value("#field-note") == "ada's note"
        page.screenshot(path=str(artifacts_dir / f"admin-conflict-{mode}.png"), full_page=True)
        with app.db_session() as session:
            assert session.get(Order, 1).note == "eddie's note"

        # a large customer table: the foreign key becomes an autocomplete (a key input without JS)
        with app.db_session() as session:
            session.add_all([Customer(name=f"Customer {n:03}") for n in range(250)])
        app.extensions["admin"].cache.clear()
        page.goto(f"{server.url}/admin/orders/2/edit")
        assert page.locator("#field-customer_id option").count() == 0
        if javascript:
            page.fill(".autocomplete input.search", "Customer 12")
            page.click("[data-pick='124']")
            assert page.input_value("#field-customer_id") == "124"
            assert page.inner_text("[data-chosen-label]") == "Customer 122 (#124)"
            page.screenshot(path=str(artifacts_dir / "admin-autocomplete-js.png"))
        else:
            page.fill("#field-customer_id", "124")
        page.click("button.primary[type=submit]")
        page.wait_for_url(f"{server.url}/admin/orders/2/")
        with app.db_session() as session:
            assert session.get(Order, 2).customer_id == 124

        # delete the new order: a dialog with JavaScript, a confirmation page without
        page.goto(f"{server.url}/admin/orders/2/")
        page.click(".page-actions a.danger")
        if javascript:
            dialog = page.locator("dialog[open]")
            dialog.wait_for()
            page.screenshot(path=str(artifacts_dir / f"admin-delete-dialog-{mode}.png"))
            dialog.locator("button.danger").click()
        else:
            page.wait_for_url(f"{server.url}/admin/orders/2/delete")
            page.screenshot(path=str(artifacts_dir / f"admin-delete-dialog-{mode}.png"))
            page.click("form.confirm-form button.danger")
        page.wait_for_url(f"{server.url}/admin/orders/")
        assert "Deleted order 2." in page.inner_text("#messages")
        with app.db_session() as session:
            assert session.get(Order, 2) is None

        page.goto(f"{server.url}/admin/orders/1/")
        history = page.inner_text(".history")
        assert "Update by eddie" in history and "eddie's note" in history
        page.screenshot(path=str(artifacts_dir / f"admin-history-{mode}.png"), full_page=True)
        if javascript:
            page.emulate_media(color_scheme="dark")
            page.goto(f"{server.url}/admin/orders/1/edit")
            page.screenshot(path=str(artifacts_dir / "admin-form-dark.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(artifacts_dir / "admin-form-narrow.png"), full_page=True)
        assert problems == []
    finally:
        first.close()
        second.close()
