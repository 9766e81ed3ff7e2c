"""Visit every served table the way a person would and collect anything that went wrong.

For each table: the list page, a sort by each listed column both ways, a search, the
first row's detail page and, where writable, an edit that posts the form back unchanged.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.test import Client

from dashkit.admin.keys import pk_of
from dashkit.serve import ServedApp


class FormReader(HTMLParser):
    """The fields of the form that holds an `_originals` input, as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._fields = []
        elif self._fields is None:
            return
        elif tag == "input" and "name" in attributes and "disabled" not in attributes:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("file", "submit", "button"):
                self._fields.append(
                    (
                        attributes["name"],
                        attributes.get("value", "on" if kind == "checkbox" else ""),
                    )
                )
        elif tag == "select" and "name" in attributes:
            self._select, self._selected, self._first_option = attributes["name"], None, None
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attributes:
                self._selected = value
        elif tag == "textarea" and "name" in attributes:
            self._textarea, self._text = attributes["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "select" and self._select is not None:
            value = self._selected if self._selected is not None else self._first_option
            self._fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._fields)
            self._fields = None

    def edit_form(self) -> list[tuple[str, str]] | None:
        return next(
            (form for form in self.forms if any(name == "_originals" for name, _ in form)), None
        )


def crawl(served: ServedApp, client: Client, *, edit: bool = True) -> list[str]:
    """Problems found on every table of `served`, as readable lines (empty when all is well)."""
    problems: list[str] = []
    admin = served.app.extensions["admin"]
    engine = served.app.extensions["db"].engine
    for slug, model_admin in admin.model_admins.items():
        problems += _crawl_table(client, engine, slug, model_admin, edit=edit)
    return problems


def _get(client: Client, url: str, problems: list[str], expected: tuple[int, ...] = (200,)) -> Any:
    response = client.get(url)
    if response.status_code not in expected:
        problems.append(f"GET {url}: {response.status_code} {_summary(response)}")
    return response


def _crawl_table(
    client: Client, engine: sa.Engine, slug: str, model_admin: Any, *, edit: bool
) -> list[str]:
    problems: list[str] = []
    base = f"/admin/{slug}/"
    _get(client, base, problems)
    for field in model_admin.list_fields:
        if field.sortable:
            _get(client, f"{base}?sort={field.name}", problems)
            _get(client, f"{base}?sort=-{field.name}", problems)
    _get(client, f"{base}?q=a", problems)
    identity = list(sa.inspect(model_admin.model).primary_key)
    # prefer a row whose (stand-in) key has a NULL in it: its URL is the harder one
    partly_null = sa.or_(*(column.is_(None) for column in identity))
    with Session(engine) as session:
        statement = sa.select(model_admin.model).limit(1)
        row = session.scalars(statement.where(partly_null)).first()
        row = row if row is not None else session.scalars(statement).first()
        if row is None:
            return problems
        pk = pk_of(model_admin, row)
    detail = f"{base}{_quote(pk)}/"
    _get(client, detail, problems)
    if edit and not model_admin.read_only:
        page = _get(client, f"{detail}edit", problems)
        if page.status_code == 200:
            problems += _post_unchanged(client, f"{detail}edit", page.get_data(as_text=True))
    return problems


def _post_unchanged(client: Client, url: str, html: str) -> list[str]:
    reader = FormReader()
    reader.feed(html)
    form = reader.edit_form()
    if form is None:
        return [f"GET {url}: no edit form on the page"]
    response = client.post(url, data=_multi(form))
    if response.status_code not in (302, 303):
        return [f"POST {url} unchanged: {response.status_code} {_summary(response)}"]
    return []


def _multi(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe=",~")


def _summary(response: Any) -> str:
    text = response.get_data(as_text=True)
    for marker in ('role="alert"', "error", "<h1>"):
        index = text.find(marker)
        if index >= 0:
            return " ".join(text[index : index + 300].split())
    return " ".join(text[:200].split())
