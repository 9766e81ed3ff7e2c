"""Tables written the way pandas' `to_sql` and Django on SQLite write them (TEXT, INTEGER,
REAL, TIMESTAMP columns): every column is listed and exported, and search finds text."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from crawl.serving import signed_in

from dashkit.serve import ServeOptions, build_app


@pytest.fixture
def text_tables(tmp_path):
    path = tmp_path / "frames.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE people (
                id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INTEGER, score REAL,
                joined TIMESTAMP);
            INSERT INTO people VALUES (1, 'Ada Lovelace', 'London', 36, 9.5, '1843-07-01 10:00:00');
            INSERT INTO people VALUES (2, 'Grace Hopper', 'Arlington', 85, 9.8, '1944-05-02 09:30:00');
            CREATE TABLE frame ("index" INTEGER, label TEXT, value REAL, "when" TIMESTAMP);
            CREATE INDEX ix_frame_index ON frame ("index");
            INSERT INTO frame VALUES (0, 'first', 1.5, '2024-01-01 00:00:00');
            INSERT INTO frame VALUES (1, 'second', 2.5, '2024-01-02 00:00:00');
            """
        )
    connection.close()
    return path


def test_every_column_of_a_text_table_is_listed_exported_and_searched(text_tables):
    client = signed_in(build_app(ServeOptions(str(text_tables))))

    page = client.get("/admin/people/").get_data(as_text=True)
    for header in ("Name", "City", "Age", "Score", "Joined"):
        assert f">{header}<" in page, header
    assert 'name="q"' in page, "a table of text columns offers search"

    found = client.get("/admin/people/?q=hopper").get_data(as_text=True)
    assert "Grace Hopper" in found and "Ada Lovelace" not in found

    export = client.get("/admin/people/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0] == ["Id", "Name", "City", "Age", "Score", "Joined"]
    assert rows[1][:3] == ["1", "Ada Lovelace", "London"]


def test_a_keyless_frame_lists_its_text_columns(text_tables):
    client = signed_in(build_app(ServeOptions(str(text_tables))))
    page = client.get("/admin/frame/").get_data(as_text=True)
    assert ">Label<" in page and "second" in page
    assert "second" in client.get("/admin/frame/?q=sec").get_data(as_text=True)
