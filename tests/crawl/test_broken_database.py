"""Serve a database with broken views beside working tables: the tables are served and
crawled without a server error, and each broken one is listed with the database's reason."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from crawl.broken_schema import WORKING, create_broken_schema
from crawl.crawler import crawl
from crawl.serving import PASSWORD, csrf_of, signed_in
from markupsafe import escape
from sqlalchemy.orm import Session

from dashkit.auth import create_user
from dashkit.cli import main
from dashkit.db import make_engine
from dashkit.reflect import admin_options
from dashkit.serve import ServeOptions, build_app


@pytest.fixture
def broken(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    try:
        return create_broken_schema(engine)
    finally:
        engine.dispose()


def test_working_tables_are_served_and_crawl_cleanly(database_url, broken):
    served = build_app(ServeOptions(database_url))
    served_keys = {table.table.key for table in served.database.tables}
    assert WORKING <= served_keys
    assert not served_keys & set(broken)
    assert crawl(served, signed_in(served)) == []


def test_every_broken_view_is_listed_on_the_admin_index_with_its_reason(database_url, broken):
    served = build_app(ServeOptions(database_url))
    reasons = {skipped.key: skipped.reason for skipped in served.database.skipped}
    assert set(reasons) == set(broken)
    for key, words in broken.items():
        assert words in reasons[key]
    page = signed_in(served).get("/admin/").get_data(as_text=True)
    assert "Not served" in page
    for key, words in broken.items():
        assert f'<th scope="row">{escape(key)}' in page
        assert str(escape(words)) in page


def test_the_list_of_broken_views_is_for_full_admins_only(database_url, broken):
    served = build_app(ServeOptions(database_url))
    engine = make_engine(served.state_url)
    with Session(engine) as session, session.begin():
        create_user(session, "viewer", PASSWORD, roles=["viewer"])
    engine.dispose()
    client = served.app.test_client()
    login = client.get("/login").get_data(as_text=True)
    form = {"username": "viewer", "password": PASSWORD, "csrf_token": csrf_of(login)}
    assert client.post("/login", data=form).status_code == 303
    page = client.get("/admin/").get_data(as_text=True)
    assert "People" in page
    assert "Not served" not in page


def test_inspect_lists_each_broken_view_with_its_reason(database_url, broken):
    result = CliRunner().invoke(main, ["inspect", database_url])
    assert result.exit_code == 0, result.output
    for key, words in broken.items():
        prefix = f"not served: {key}"
        lines = [line for line in result.output.splitlines() if line.startswith(prefix)]
        assert len(lines) == 1 and words in lines[0], result.output
    assert "not served: over_gone (view): " in result.output


def test_a_table_whose_admin_page_cannot_be_built_is_left_out_not_fatal(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    engine = make_engine(url)
    create_broken_schema(engine)
    engine.dispose()
    real_options = admin_options.admin_options

    def with_one_bad_option(tables):
        options = real_options(tables)
        options["a b"] = replace(options["a b"], list_display=("no such column",))
        return options

    monkeypatch.setattr(admin_options, "admin_options", with_one_bad_option)
    served = build_app(ServeOptions(url))
    assert "a b" not in {table.table.key for table in served.database.tables}
    reasons = {skipped.key: skipped.reason for skipped in served.database.skipped}
    assert "no such column" in reasons["a b"]
    assert crawl(served, signed_in(served)) == []
