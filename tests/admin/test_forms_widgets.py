"""Form fields as their widget templates draw them: what a user and a screen reader get,
every value escaped by the templates."""

from __future__ import annotations

from dashkit.admin.display import Choice
from dashkit.admin.edit.forms import (
    BinaryField,
    BooleanField,
    ChoiceField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    ManyToManyField,
    StringField,
)
from dashkit.admin.edit.forms.binding import BoundField
from dashkit.admin.edit.forms.widgets import Widget, field_widget
from dashkit.templating import Templates

HOSTILE = '<script>alert("x")</script>'
ENVIRONMENT = Templates(None, auto_reload=False).environment
ROWS = ENVIRONMENT.get_template("admin/_widgets/_rows.html")


def drawn(widget: Widget) -> str:
    """The field as a form draws it: its row, and the shipped template of its kind."""
    kind = ENVIRONMENT.get_template(f"admin/_widgets/{widget.kind}.html")
    return ROWS.render(fields=[widget], widget_templates={widget.kind: kind})


def relation(cls: type, name: str = "customer_id", **options) -> ForeignKeyField:
    return cls(name, key=IntegerField("id"), target=object, target_key="id", **options)


def test_every_value_is_escaped():
    field = StringField("name", label=HOSTILE, help_text=HOSTILE, max_length=40)
    bound = BoundField(field=field, text=HOSTILE, error=HOSTILE)
    html = drawn(field_widget(bound, urls={"check": '/check?a=1&b="2"'}))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 4
    assert 'hx-post="/check?a=1&amp;b=&#34;2&#34;"' in html


def test_a_text_input_names_its_label_error_and_check():
    bound = BoundField(field=DecimalField("total", nullable=False), text="1.234", error="Bad.")
    html = drawn(field_widget(bound, urls={"check": "/admin/orders/check/total"}))
    assert '<label for="field-total" class="label">Total <span class="required"' in html
    assert (
        '<input id="field-total" name="total" type="text" value="1.234" inputmode="decimal"'
        ' hx-post="/admin/orders/check/total" hx-trigger="blur changed"'
        ' hx-target="#error-total" hx-swap="outerHTML" hx-include="this"'
        ' aria-describedby="error-total" aria-invalid="true" required>'
    ) in html
    assert '<p class="field-error" id="error-total" aria-live="polite">Bad.</p>' in html
    assert 'class="field field-text has-error"' in html


def test_an_inline_row_field_is_prefixed_compact_and_not_checked_on_blur():
    bound = BoundField(field=IntegerField("qty", nullable=False), text="2")
    html = drawn(field_widget(bound, prefix="lines-0-", compact=True, urls={"check": "/check"}))
    assert 'class="field field-text compact"' in html
    assert '<label for="field-lines-0-qty" class="visually-hidden">' in html
    assert 'name="lines-0-qty" type="number" value="2" inputmode="numeric" step="1"' in html
    assert 'id="error-lines-0-qty"' in html
    assert "hx-post" not in html


def test_selects_mark_the_stored_choice():
    status = ChoiceField("status", choices=[("new", 1, "New"), ("paid", 2, "Paid <2>")])
    widget = field_widget(BoundField(field=status, text="paid", widget="select"))
    assert widget.choices == [Choice("new", "New", False), Choice("paid", "Paid <2>", True)]
    html = drawn(widget)
    assert '<option value="paid" selected>Paid &lt;2&gt;</option>' in html
    assert '<option value="">—</option>' in html
    tristate = drawn(
        field_widget(BoundField(field=BooleanField("paid"), text="", widget="tristate"))
    )
    assert '<option value="" selected>Unknown</option>' in tristate


def test_a_multiple_select_marks_the_chosen_rows_and_shows_at_least_three():
    tags = relation(ManyToManyField, "tags")
    bound = BoundField(
        field=tags, text="", chosen=["2"], widget="multi_select", options=[("1", "a"), ("2", "b")]
    )
    widget = field_widget(bound)
    assert widget.size == 3 and [choice.selected for choice in widget.choices] == [False, True]
    assert '<option value="2" selected>b</option>' in drawn(widget)
    empty = drawn(field_widget(BoundField(field=tags, text="", widget="multi_select")))
    assert "Nothing to choose from yet." in empty and "<select" not in empty


def test_an_autocomplete_shows_the_chosen_row_and_searches_at_its_lookup_url():
    bound = BoundField(
        field=relation(ForeignKeyField, nullable=False),
        text="7",
        widget="autocomplete",
        options=[("7", "Ann & co")],
    )
    html = drawn(field_widget(bound, urls={"lookup": "/admin/orders/lookup/customer_id"}))
    assert '<span class="chosen-label" data-chosen-label>Ann &amp; co</span>' in html
    assert 'value="7" class="key-input"' in html and " required>" in html
    assert 'hx-get="/admin/orders/lookup/customer_id"' in html


def test_an_autocomplete_without_a_lookup_url_asks_for_a_key_and_offers_no_search():
    bound = BoundField(field=relation(ForeignKeyField), text="", widget="autocomplete")
    html = drawn(field_widget(bound, prefix="lines-0-", compact=True))
    assert "Type a key." in html and 'type="search"' not in html and "hx-get" not in html


def test_a_stored_file_offers_its_download_and_removal():
    bound = BoundField(field=BinaryField("scan"), text="", widget="file", stored="3 bytes")
    html = drawn(field_widget(bound, urls={"download": "/admin/orders/1/file/scan"}))
    assert "Stored: 3 bytes" in html and 'href="/admin/orders/1/file/scan" download' in html
    assert 'name="scan__clear"' in html
    required = BinaryField("scan", nullable=False)
    kept = drawn(field_widget(BoundField(field=required, text="", widget="file", stored="3 bytes")))
    assert "__clear" not in kept and "download>" not in kept


def test_a_read_only_field_is_shown_not_editable():
    bound = BoundField(field=StringField("code", nullable=False), text="", read_only=True)
    html = drawn(field_widget(bound))
    assert '<output id="field-code">—</output>' in html
    assert "<input" not in html and 'class="required"' not in html


def test_search_matches_are_buttons_or_no_matches():
    options = ENVIRONMENT.get_template("admin/_widgets/options.html")
    assert 'data-label="a &lt;b&gt;">a &lt;b&gt;</button>' in options.render(
        options=[("1", "a <b>")]
    )
    assert options.render(options=[]).strip() == '<li class="hint">No matches.</li>'
