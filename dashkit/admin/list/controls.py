"""The list page's controls beside the search box, as HTML: filters, columns, page size.

Built in Python for the reason the table is (`table.py`): in the template each of their
few dozen values cost an attribute lookup, a call or an escape, and together more than
the rest of the page's head. Every text from the configuration or the request is
escaped; a filter's inputs are refilled with the values the request gave it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup

from dashkit.admin.list.filters import FilterSpec
from dashkit.admin.list.table import html_text

if TYPE_CHECKING:
    from dashkit.admin.list.state import ListState
    from dashkit.admin.options import ModelAdmin

RawValues = dict[str, list[str]]
"""A filter's query-string values by part (`eq`, `min`, `max`, `null`), as given."""


def list_controls(
    model_admin: ModelAdmin, state: ListState, autocomplete_url: Callable[[str], str]
) -> Markup:
    """The filters panel (when the model has filters), the column chooser and the page size.

    `autocomplete_url(name)` is where a foreign-key filter looks up the rows it offers.
    """
    parts = []
    if model_admin.filters:
        applied = {item.spec.name: item.raw for item in state.filters}
        count = f" ({len(state.filters)})" if state.filters else ""
        parts.append(
            '<details class="panel filters">\n'
            f"  <summary>Filters{count}</summary>\n"
            '  <div class="panel-body filter-grid">'
        )
        for spec in model_admin.filters.values():
            parts.append(_filter(spec, applied.get(spec.name, {}), autocomplete_url))
        parts.append("  </div>\n</details>")
    parts.append(
        '<details class="panel columns">\n  <summary>Columns</summary>\n  <div class="panel-body">'
    )
    for field in model_admin.list_fields:
        checked = " checked" if field.name in state.columns else ""
        parts.append(
            f'    <label class="check"><input type="checkbox" name="cols"'
            f' value="{html_text(field.name)}"{checked}> {html_text(field.label)}</label>'
        )
    parts.append('  </div>\n</details>\n<label class="page-size">Rows\n  <select name="size">')
    for size in model_admin.page_size_choices:
        selected = " selected" if size == state.page_size else ""
        parts.append(f'    <option value="{size}"{selected}>{size}</option>')
    parts.append("  </select>\n</label>")
    return Markup("\n".join(parts))


def _filter(spec: FilterSpec, raw: RawValues, autocomplete_url: Callable[[str], str]) -> str:
    """One filter's fieldset: inputs by kind, then the empty/filled choice if it may be NULL."""
    name, label = html_text(spec.name), html_text(spec.label)
    parts = [
        f'<fieldset class="filter filter-{html_text(spec.kind)}">',
        f"<legend>{label}</legend>",
    ]
    if spec.kind in ("boolean", "choices"):
        chosen = raw.get("eq", [])
        choices = [
            (html_text(value), html_text(text), value in chosen) for value, text in spec.choices()
        ]
        if spec.kind == "boolean":
            parts.append(
                f'<label class="sr-only" for="f-{name}">{label}</label>'
                f'<select id="f-{name}" name="f.{name}"><option value="">Any</option>'
            )
            parts.extend(
                f'<option value="{value}"{" selected" if on else ""}>{text}</option>'
                for value, text, on in choices
            )
            parts.append("</select>")
        else:
            parts.extend(
                f'<label class="check"><input type="checkbox" name="f.{name}" value="{value}"'
                f"{' checked' if on else ''}> {text}</label>"
                for value, text, on in choices
            )
    elif spec.kind == "relation":
        url = html_text(autocomplete_url(spec.name))
        parts.append(
            f'<label class="sr-only" for="f-{name}">{label} (key)</label>'
            f'<input id="f-{name}" name="f.{name}" value="{_first(raw, "eq")}"'
            f' list="f-{name}-options" placeholder="Type to search&hellip;" autocomplete="off"'
            f' hx-get="{url}" hx-trigger="input changed delay:300ms, focus once"'
            f' hx-target="#f-{name}-options" hx-push-url="false">'
            f'<datalist id="f-{name}-options"></datalist>'
        )
    elif spec.kind == "range":
        kind = html_text(spec.input_type)
        step = ' step="any"' if spec.input_type == "number" else ""
        parts.append(
            f'<label>From <input type="{kind}" name="f.{name}.min" value="{_first(raw, "min")}"{step}></label>'
            f'<label>To <input type="{kind}" name="f.{name}.max" value="{_first(raw, "max")}"{step}></label>'
        )
    else:
        parts.append(
            f'<label class="sr-only" for="f-{name}">{label}</label>'
            f'<input id="f-{name}" name="f.{name}" value="{_first(raw, "eq")}">'
        )
    if spec.nullable:
        null = raw.get("null")
        empty = " selected" if null == ["1"] else ""
        filled = " selected" if null == ["0"] else ""
        parts.append(
            f'<label>Empty? <select name="f.{name}.null"><option value="">Any</option>'
            f'<option value="1"{empty}>Empty</option><option value="0"{filled}>Filled</option>'
            "</select></label>"
        )
    parts.append("</fieldset>")
    return "\n".join(parts)


def _first(raw: RawValues, part: str) -> str:
    """The first value given for `part` of a filter, escaped; empty when none was."""
    values = raw.get(part)
    return html_text(values[0]) if values else ""
