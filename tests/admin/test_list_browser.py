"""The list page in Chromium, with JavaScript on (htmx swaps) and off (plain pages):
sign in, live search, sort, filter, saved views, page, bulk delete, export; screenshots of the
main screens."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from list_app import PASSWORD, make_admin_app
from list_models import Order, seeded_engine
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from dashkit.state import SavedView, User

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    engine = seeded_engine(url)
    app = make_admin_app(url)
    yield app, engine
    app.extensions["db"].dispose()
    engine.dispose()


def row_keys(page: Page) -> list[str]:
    return page.locator('#results input[name="pk"]').evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )


def first_column(page: Page) -> list[str]:
    return page.locator("#results tbody th[scope=row]").all_inner_texts()


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login?next=/admin/list_orders/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Orders")


def open_saved_views(page: Page, javascript: bool) -> None:
    """Open the list's Views menu (its body loads then); without JavaScript, follow its link."""
    page.click("details.views-menu > summary")
    if javascript:
        expect(page.locator("details.views-menu .save-view")).to_be_visible()
    else:
        page.click("details.views-menu a:has-text('Saved views…')")
        expect(page.locator("h1")).to_have_text("Orders: saved views")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_list_flow(shop, live_server, browser, artifacts_dir: Path, javascript: bool):
    app, engine = shop
    base = live_server(app).url
    context = browser.new_context(
        java_script_enabled=javascript,
        accept_downloads=True,
        viewport={"width": 1280, "height": 860},
    )
    page = context.new_page()
    mode = "js" if javascript else "nojs"
    try:
        sign_in(page, base)
        if javascript:
            expect(page.locator(".pager-total")).to_contain_text("60 orders")
        else:
            expect(page.locator(".pager-total a")).to_have_text("Count rows")
        page.screenshot(path=artifacts_dir / f"admin-list-{mode}.png", full_page=True)

        # live search (debounced with htmx; Enter submits the form without JavaScript)
        page.fill("#list-search", "smith")
        if not javascript:
            page.press("#list-search", "Enter")
        expect(page).to_have_url(re.compile(r"q=smith"))
        expect(page.locator("#results tbody td:nth-child(4)").first).to_have_text(
            re.compile("Smith$")
        )
        assert all(
            name.endswith("Smith")
            for name in page.locator("#results tbody td:nth-child(4)").all_inner_texts()
        )

        # sort by a header click, then filter: both keep the search and each other
        page.click("#results thead a:has-text('Total')")
        expect(page.locator("#results th[aria-sort]")).to_contain_text("Total")
        expect(page).to_have_url(re.compile(r"sort=total"))
        first_row = page.locator("#results tbody tr").first
        expect(first_row.locator("td.row-edit a")).to_have_text("Edit")
        if javascript:  # the swapped-in rows get their pencils too
            expect(first_row.locator("a.cell-edit[aria-label^='Edit Total of ']")).to_have_count(1)
        else:
            assert page.locator("#results .cell-edit").count() == 0
        page.click("summary:has-text('Filters')")
        page.select_option("select[name='f.paid']", "1")
        if not javascript:
            page.click("#list-form button[type=submit]")
        expect(page).to_have_url(re.compile(r"f\.paid=1"))
        expect(page).to_have_url(re.compile(r"sort=total"))
        expect(page).to_have_url(re.compile(r"q=smith"))
        totals = column_texts(page, "Total")
        assert totals and [float(t) for t in totals] == sorted(float(t) for t in totals)
        paid = column_texts(page, "Paid")
        assert paid and all(cell.strip() == "yes" for cell in paid)

        # save this state as a view, follow it from a plain list, delete it
        open_saved_views(page, javascript)
        page.fill("#view-name", "Paid Smiths")
        page.screenshot(path=artifacts_dir / f"admin-views-{mode}.png")
        page.click(".save-view button[type=submit]")
        expect(page.locator("#messages")).to_contain_text("Saved the view 'Paid Smiths'.")
        for argument in ("q=smith", "sort=total", r"f\.paid=1"):
            expect(page).to_have_url(re.compile(argument))
        page.goto(f"{base}/admin/list_orders/")
        open_saved_views(page, javascript)
        page.click(".saved-views a:has-text('Paid Smiths')")
        for argument in ("q=smith", "sort=total", r"f\.paid=1"):
            expect(page).to_have_url(re.compile(argument))
        expect(page.locator("#results tbody td:nth-child(4)").first).to_have_text(
            re.compile("Smith$")
        )
        open_saved_views(page, javascript)
        page.click("button[aria-label='Delete saved view Paid Smiths']")
        expect(page.locator("#messages")).to_contain_text("Deleted the view 'Paid Smiths'.")
        open_saved_views(page, javascript)
        expect(page.locator(".saved-views")).to_have_text("No saved views yet.")

        # keyset pages: forward, then back to the very same rows
        page.goto(f"{base}/admin/list_orders/?sort=-placed_on")
        first = row_keys(page)
        page.click("#results a[rel=next]")
        expect(page.locator("#results a:has-text('« First')")).to_be_visible()
        second = row_keys(page)
        assert len(second) == 10 and not set(first) & set(second)
        page.click("#results a[rel=prev]")
        expect(page.locator("#results span[aria-disabled]:has-text('« First')")).to_be_visible()
        assert row_keys(page) == first

        # export what the list shows
        page.goto(f"{base}/admin/list_orders/?f.paid=0&sort=id")
        with page.expect_download() as download:
            page.click("a:has-text('Export CSV')")
        rows = list(
            csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))
        )
        assert rows[0][:2] == ["Id", "Reference"] and len(rows) == 31
        assert [int(row[0]) for row in rows[1:]] == list(range(1, 61, 2))

        # bulk delete behind a confirmation (a dialog with JavaScript, a page without)
        page.check('#results input[name="pk"][value="1"]')
        page.check('#results input[name="pk"][value="3"]')
        page.select_option("#bulk-action", "delete_selected")
        page.click("#bulk-form button:has-text('Go')")
        confirm = page.locator("dialog[open]" if javascript else ".confirm")
        expect(confirm).to_contain_text("Delete selected: 2 orders")
        page.screenshot(path=artifacts_dir / f"admin-confirm-{mode}.png")
        confirm.locator("button:has-text('Delete selected')").click()
        expect(page.locator("#messages")).to_contain_text("Deleted 2 orders.")
        assert "f.paid=0" in page.url
        assert row_keys(page)[:2] == ["5", "7"]
        with Session(engine) as session:
            assert session.scalars(sa.select(Order.id).where(Order.id.in_([1, 3]))).all() == []

        page.goto(f"{base}/admin/")
        if javascript:
            expect(page.locator(".index-table")).to_contain_text("58 orders")
        page.screenshot(path=artifacts_dir / f"admin-index-{mode}.png", full_page=True)

        page.goto(f"{base}/admin/list_customers/4/")
        expect(page.locator("h1")).to_contain_text("Zoë O'Brien")
        page.screenshot(path=artifacts_dir / f"admin-detail-{mode}.png", full_page=True)
    finally:
        context.close()


def test_dark_and_narrow_screens(shop, live_server, browser, artifacts_dir: Path):
    app, _ = shop
    base = live_server(app).url
    for name, options in {
        "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 860}},
        "narrow": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
    }.items():
        context = browser.new_context(**options)
        page = context.new_page()
        try:
            sign_in(page, base)
            expect(page.locator(".pager-total")).to_contain_text("60 orders")
            if name == "narrow":
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 392, "the page must not scroll sideways; only the table may"
            else:
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == "rgb(15, 18, 22)"
            page.screenshot(path=artifacts_dir / f"admin-list-{name}.png", full_page=True)
        finally:
            context.close()


@pytest.mark.parametrize("width", [1280, 420])
def test_views_menu_screens(shop, live_server, browser, artifacts_dir: Path, width: int):
    app, _ = shop
    with app.state_session() as session:
        ada = session.scalars(sa.select(User.id).where(User.username == "ada")).one()
        for name, query in [("Paid, biggest first", "f.paid=1&sort=-total"), ("Smiths", "q=smith")]:
            session.add(SavedView(user_id=ada, model="list_orders", name=name, query_string=query))
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        sign_in(page, live_server(app).url)
        open_saved_views(page, javascript=True)
        menu = page.locator("details.views-menu > .panel-body")
        expect(menu.locator(".saved-views li")).to_have_count(2)
        box = menu.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=artifacts_dir / f"admin-views-menu-{width}.png")
    finally:
        context.close()


def column_texts(page, label: str) -> list[str]:
    """The texts of the results' cells under the header that reads `label`."""
    headers = [text.strip() for text in page.locator("#results thead tr > *").all_inner_texts()]
    position = next(n for n, text in enumerate(headers, 1) if text.startswith(label))
    return page.locator(f"#results tbody tr > :nth-child({position})").all_inner_texts()
