"""The list's default search: every word of the search box in one of the search columns.

`ModelAdmin.search` calls it unless a subclass searches its own way. Each word is a bound
parameter of a case-insensitive LIKE, its wildcards escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

LIKE_ESCAPE = "!"
MAX_SEARCH_TERMS = 8


def search_columns(
    statement: sa.Select[Any], model: type, columns: Sequence[Any], term: str
) -> sa.Select[Any]:
    """`statement` narrowed to rows where each word of `term` (the first eight) occurs,
    ignoring case, in at least one of `columns`; unchanged when either is empty.

    A column is a model attribute, or (relationship name, attribute of its target) for a
    column one relationship away (`ModelAdmin.search_columns`).
    """
    if not columns:
        return statement
    for word in term.split()[:MAX_SEARCH_TERMS]:
        pattern = "%" + _escape_like(word) + "%"
        matches = []
        for column in columns:
            if isinstance(column, tuple):
                relation, target = column
                matches.append(getattr(model, relation).has(_like(target, pattern)))
            else:
                matches.append(_like(column, pattern))
        statement = statement.where(sa.or_(*matches))
    return statement


def _escape_like(term: str) -> str:
    return (
        term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def _like(column: Any, pattern: str) -> sa.ColumnElement[bool]:
    return column.ilike(pattern, escape=LIKE_ESCAPE)
