"""A CSV export never hands a spreadsheet a formula to run, unless the ModelAdmin says its
data may hold formulas; numbers keep their signs and the JSON export is as stored."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from crawl.serving import signed_in

from dashkit.serve import ServeOptions, build_app

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tleading tab",
    "\rleading return",
]


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "notes.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, amount INTEGER)")
        rows = [(index + 1, text, -5) for index, text in enumerate([*HOSTILE, "plain"])]
        connection.executemany("INSERT INTO notes VALUES (?, ?, ?)", rows)
    connection.close()
    return build_app(ServeOptions(str(path)))


def exported(client) -> list[list[str]]:
    text = client.get("/admin/notes/export.csv").get_data(as_text=True)
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def test_cells_that_would_start_a_formula_are_quoted(served):
    rows = exported(signed_in(served))
    assert [row[1] for row in rows] == ["'" + text for text in HOSTILE] + ["plain"]
    assert {row[2] for row in rows} == {"-5"}, "a negative number is a number, not a formula"


def test_a_model_admin_may_export_formulas_as_stored(served):
    client = signed_in(served)
    served.app.extensions["admin"].get("notes").export_formulas = True
    assert [row[1] for row in exported(client)] == [*HOSTILE, "plain"]


def test_the_json_export_is_as_stored(served):
    items = signed_in(served).get("/admin/notes/export.json").get_json()
    assert [item["body"] for item in items] == [*HOSTILE, "plain"]
