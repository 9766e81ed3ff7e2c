"""Form fields drawn in Python: what a user and a screen reader get, every value escaped."""

from __future__ import annotations

from jinja2 import Environment

from dashkit.admin.edit.forms import (
    BooleanField,
    ChoiceField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    StringField,
)
from dashkit.admin.edit.forms.binding import BoundField
from dashkit.admin.edit.forms.widgets import field_error_html, field_row_html, options_html

HOSTILE = '<script>alert("x")</script>'


def test_every_value_is_escaped():
    field = StringField("name", label=HOSTILE, help_text=HOSTILE, max_length=40)
    bound = BoundField(field=field, text=HOSTILE, error=HOSTILE)
    html = field_row_html(bound, urls={"check": '/check?a=1&b="2"'})
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 4
    assert 'hx-post="/check?a=1&amp;b=&#34;2&#34;"' in html


def test_a_text_input_names_its_label_error_and_check():
    bound = BoundField(field=DecimalField("total", nullable=False), text="1.234", error="Bad.")
    html = field_row_html(bound, urls={"check": "/admin/orders/check/total"})
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
    html = field_row_html(bound, prefix="lines-0-", compact=True, urls={"check": "/check"})
    assert 'class="field field-text compact"' in html
    assert '<label for="field-lines-0-qty" class="visually-hidden">' in html
    assert 'name="lines-0-qty" type="number" value="2" inputmode="numeric" step="1"' in html
    assert "hx-post" not in html


def test_selects_mark_the_stored_choice():
    status = ChoiceField("status", choices=[("new", 1, "New"), ("paid", 2, "Paid <2>")])
    html = field_row_html(BoundField(field=status, text="paid", widget="select"))
    assert '<option value="paid" selected>Paid &lt;2&gt;</option>' in html
    assert '<option value="">—</option>' in html
    tristate = field_row_html(BoundField(field=BooleanField("paid"), text="", widget="tristate"))
    assert '<option value="" selected>Unknown</option>' in tristate


def test_an_autocomplete_shows_the_chosen_row_and_searches_at_its_lookup_url():
    field = ForeignKeyField(
        "customer_id", key=IntegerField("id"), target=object, target_key="id", nullable=False
    )
    bound = BoundField(field=field, text="7", widget="autocomplete", options=[("7", "Ann & co")])
    html = field_row_html(bound, urls={"lookup": "/admin/orders/lookup/customer_id"})
    assert '<span class="chosen-label" data-chosen-label>Ann &amp; co</span>' in html
    assert 'value="7" class="key-input"' in html and " required>" in html
    assert 'hx-get="/admin/orders/lookup/customer_id"' in html


def test_a_read_only_field_is_shown_not_editable():
    bound = BoundField(field=StringField("code", nullable=False), text="", read_only=True)
    html = field_row_html(bound)
    assert '<output id="field-code">—</output>' in html
    assert "<input" not in html and 'class="required"' not in html


def test_error_slot_and_search_matches():
    assert field_error_html("total", None) == (
        '<p class="field-error" id="error-total" aria-live="polite"></p>'
    )
    assert 'data-label="a &lt;b&gt;">a &lt;b&gt;</button>' in options_html([("1", "a <b>")])
    assert options_html([]) == '<li class="hint">No matches.</li>\n'


def test_a_bound_field_in_a_template_is_its_labelled_row_with_its_own_urls():
    bound = BoundField(field=IntegerField("qty"), text="3", urls={"check": "/check/qty"})
    html = Environment(autoescape=True).from_string("{{ field }}").render(field=bound)
    assert html == field_row_html(bound, urls={"check": "/check/qty"})
    assert 'hx-post="/check/qty"' in html
