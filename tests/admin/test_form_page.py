"""The form pages' data (`FormPage`) and their widgets, overridden for one model or the whole app."""

from __future__ import annotations

import dataclasses
import json

import pytest
from write_app import make_write_app, signed_in
from write_models import seed

from dashkit.admin.edit import field_views
from dashkit.admin.edit import views as edit_views
from dashkit.resources import shipped_path

ORDER_TEXT = """<input class="order-text" id="{{ widget.id }}" name="{{ widget.name }}" value="{{ widget.text }}"{{ described }}>
"""
APP_TEXT = """<input class="app-text" id="{{ widget.id }}" name="{{ widget.name }}" value="{{ widget.text }}"{{ described }}>
"""


def seeded(app):
    with app.db_session() as session:
        seed(session)
    return app


@pytest.fixture
def app(tmp_path):
    return seeded(make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}"))


def strings(value) -> list[str]:
    """Every text in a structure of dicts and lists."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def built_pages(monkeypatch, module, name: str) -> list:
    """Every page `module.name` builds from now on."""
    pages = []
    build = getattr(module, name)

    def keep(*args, **kwargs):
        pages.append(build(*args, **kwargs))
        return pages[-1]

    monkeypatch.setattr(module, name, keep)
    return pages


def test_the_edit_form_is_drawn_from_plain_data(app, monkeypatch):
    pages = built_pages(monkeypatch, edit_views, "form_page")
    html = signed_in(app).get("/admin/orders/1/edit").get_data(as_text=True)
    page = pages[0]
    data = json.loads(json.dumps(dataclasses.asdict(page)))  # values only: an API can send it
    assert not [text for text in strings(data) if "<" in text]  # no markup
    assert data["title"] == "Edit order" and data["pk_text"] == "1"
    assert data["links"]["action"] == "/admin/orders/1/edit"
    assert data["links"]["delete"] == "/admin/orders/1/delete" and "Delete…" in html
    assert data["token"] and f'value="{data["token"]}"' in html
    assert [shown["label"] for shown in data["read_only"]] == ["Id"]
    fields = {field["name"]: field for field in data["fields"]}
    assert fields["total"]["text"] == "10.50" and fields["total"]["inputmode"] == "decimal"
    assert fields["total"]["check_url"] == "/admin/orders/check/total"
    assert fields["status"]["choices"][0] == ["new", "new", True]
    lines = data["inlines"][0]
    assert lines["name"] == "lines" and lines["rows"][0]["fields"][0]["name"] == "lines-0-line_no"
    assert data["multipart"] is True  # a file column, and inline rows


def test_a_user_who_may_not_delete_gets_no_delete_link(app, monkeypatch):
    pages = built_pages(monkeypatch, edit_views, "form_page")
    html = signed_in(app, "eddie").get("/admin/orders/1/edit").get_data(as_text=True)
    assert pages[0].links.delete is None and "Delete…" not in html


def test_a_refused_create_keeps_the_input_and_names_the_errors(app, monkeypatch):
    pages = built_pages(monkeypatch, edit_views, "form_page")
    client = signed_in(app)
    html = client.get("/admin/customers/new").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/admin/customers/new", data={"csrf_token": token, "email": "x@y"})
    page = pages[-1]
    assert response.status_code == 422 and page.has_field_errors and page.pk_text is None
    name = next(widget for widget in page.fields if widget.name == "name")
    assert name.error == "This field is required." and name.text == ""
    assert page.links.cancel == "/admin/customers/" and page.links.delete is None


def test_the_cell_editor_is_a_form_page_of_one_compact_field(app, monkeypatch):
    pages = built_pages(monkeypatch, field_views, "cell_page")
    client = signed_in(app)
    client.get("/admin/customers/1/cell/email", headers={"HX-Request": "true"})
    client.get("/admin/customers/1/cell/email")
    in_list, alone = pages
    assert [widget.name for widget in in_list.fields] == ["email"] and in_list.fields[0].compact
    assert not alone.fields[0].compact and alone.title == "Edit Email of customer 1"
    assert in_list.links.action == "/admin/customers/1/cell/email" and in_list.token


def overriding_app(tmp_path, files: dict[str, str]):
    """The write app with its own templates: `files` maps a template name to its text."""
    folder = tmp_path / "templates"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return seeded(
        make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}", template_folder=str(folder))
    )


def test_a_widget_overridden_for_one_model_draws_that_models_forms_only(tmp_path):
    app = overriding_app(tmp_path, {"admin/orders/_widgets/text.html": ORDER_TEXT})
    client = signed_in(app)
    for url in ("/admin/orders/new", "/admin/orders/1/edit"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="order-text" id="field-total" name="total" value=' in html, url
        assert 'aria-describedby="error-total"' in html  # the row's attributes still apply
        assert '<label for="field-total"' in html and 'id="error-total"' in html
    for url in ("/admin/customers/new", "/admin/customers/1/edit", "/admin/order_lines/new"):
        html = client.get(url).get_data(as_text=True)
        assert "order-text" not in html and 'type="text"' in html, url
    for headers in ({"HX-Request": "true"}, {}):
        cell = client.get("/admin/orders/1/cell/total", headers=headers).get_data(as_text=True)
        assert 'class="order-text" id="field-total"' in cell
        other = client.get("/admin/customers/1/cell/email", headers=headers)
        assert "order-text" not in other.get_data(as_text=True)


def test_a_widget_of_the_app_draws_every_model_unless_one_has_its_own(tmp_path):
    app = overriding_app(
        tmp_path,
        {"admin/_widgets/text.html": APP_TEXT, "admin/orders/_widgets/text.html": ORDER_TEXT},
    )
    client = signed_in(app)
    assert 'class="app-text" id="field-email"' in client.get("/admin/customers/1/edit").get_data(
        as_text=True
    )
    order = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert 'class="order-text" id="field-total"' in order and "app-text" not in order


def test_the_check_on_blur_answers_with_the_models_own_error_slot(tmp_path):
    shipped = shipped_path("templates") / "admin/_widgets/_rows.html"
    rows = shipped.read_text().replace('<p class="field-error"', '<p class="order-error"')
    app = overriding_app(tmp_path, {"admin/orders/_widgets/_rows.html": rows})
    client = signed_in(app)
    html = client.get("/admin/orders/new").get_data(as_text=True)
    assert '<p class="order-error" id="error-total"' in html  # the form's slot is the same
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    answer = client.post("/admin/orders/check/total", data={"total": "abc"}, headers=headers)
    assert answer.get_data(as_text=True).startswith('<p class="order-error" id="error-total"')
    other = client.post("/admin/products/check/price", data={"price": "abc"}, headers=headers)
    assert other.get_data(as_text=True).startswith('<p class="field-error" id="error-price"')
