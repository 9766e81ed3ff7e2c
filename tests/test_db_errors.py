"""dashkit/db/errors.py: one classification of database errors on every dialect, each
class with its own page (and JSON for htmx callers), seen through real databases."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from crawl.serving import signed_in
from test_db import CuttableProxy, make_app

from dashkit import App
from dashkit.db import DatabaseErrorKind, classify, get_database, make_engine
from dashkit.serve import ServeOptions, build_app

PAGE = {"Accept": "text/html"}
HTMX = {"HX-Request": "true"}


def _route(app: App, view) -> None:
    app.add_url_rule("/try", view=view, endpoint="try")


def _both(app: App):
    client = app.test_client()
    return client.get("/try", headers=PAGE), client.get("/try", headers=HTMX)


def _slow_statement(dialect: str) -> str:
    return {
        "postgresql": "SELECT pg_sleep(3)",
        "mysql": "SELECT SLEEP(3)",
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT count(*) FROM n",
    }[dialect]


def test_a_statement_timeout_is_a_504_that_says_how_to_narrow_the_query(database_url, caplog):
    app = make_app(database_url, DATABASE_TIMEOUT=1)
    dialect = get_database(app).engine.dialect.name

    def slow(request):
        if dialect == "sqlite":  # SQLite has no statement timeout: a progress handler stops it
            dbapi_connection = request.db.connection().connection.dbapi_connection
            dbapi_connection.set_progress_handler(lambda: 1, 100_000)
        request.db.execute(sa.text(_slow_statement(dialect)))
        return "unreachable"

    _route(app, slow)
    page, htmx = _both(app)
    assert page.status_code == 504 and "text/html" in page.content_type
    text = page.get_data(as_text=True)
    assert "took longer than 1 s" in text and "add a filter" in text
    assert htmx.status_code == 504 and "took longer" in htmx.json["detail"]
    assert app.test_client().get("/notes").status_code == 200  # the connection still works


def test_an_unpopulated_materialized_view_is_a_409_saying_so(postgres_url):
    app = make_app(postgres_url)
    with get_database(app).engine.begin() as connection:
        connection.exec_driver_sql("CREATE MATERIALIZED VIEW later AS SELECT 1 AS n WITH NO DATA")
    _route(app, lambda request: str(request.db.execute(sa.text("SELECT * FROM later")).all()))
    page, htmx = _both(app)
    assert page.status_code == 409
    assert "materialized view &#34;later&#34; has not been populated" in page.get_data(as_text=True)
    assert htmx.status_code == 409 and "REFRESH MATERIALIZED VIEW" in htmx.json["detail"]


def test_a_write_to_a_read_only_database_is_a_409_saying_so(database_url):
    app = make_app(database_url)
    dialect = get_database(app).engine.dialect.name
    if dialect == "sqlite":
        url = sa.make_url(database_url)
        app = make_app(f"sqlite:///file:{url.database}?mode=ro&uri=true")

    def write(request):
        if dialect == "postgresql":
            request.db.execute(sa.text("SET TRANSACTION READ ONLY"))
        elif dialect == "mysql":
            request.db.execute(sa.text("SET SESSION TRANSACTION READ ONLY"))
        request.db.execute(sa.text("INSERT INTO notes (text) VALUES ('x')"))
        return "unreachable"

    _route(app, write)
    page, htmx = _both(app)
    assert page.status_code == 409, page.get_data(as_text=True)
    words = {"sqlite": "readonly database", "postgresql": "read-only transaction"}
    expected = words.get(dialect, "READ ONLY transaction")
    assert expected in page.get_data(as_text=True)
    assert htmx.status_code == 409 and expected in htmx.json["detail"]


def test_a_locked_sqlite_database_is_a_503_and_logged_with_its_code(tmp_path, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'locked.sqlite'}", DATABASE_TIMEOUT=0.2)
    _route(app, lambda request: str(request.db.execute(sa.text("DELETE FROM notes")).rowcount))
    holder = sa.create_engine(f"sqlite:///{tmp_path / 'locked.sqlite'}")
    with holder.connect() as connection, caplog.at_level(logging.WARNING, "dashkit.db"):
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
        page, htmx = _both(app)
        connection.rollback()
    holder.dispose()
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert htmx.status_code == 503 and htmx.json["status"] == 503
    assert "[SQLITE 5]" in caplog.text and "database is locked" in caplog.text


def test_a_wrong_statement_is_a_500_logged_with_the_driver_code(database_url, caplog):
    app = make_app(database_url)
    _route(app, lambda request: str(request.db.execute(sa.text("SELECT nope FROM notes")).all()))
    with caplog.at_level(logging.ERROR, "dashkit.db"):
        page, htmx = _both(app)
    assert page.status_code == 500 and htmx.status_code == 500
    code = {"sqlite": "SQLITE 1", "postgresql": "42703", "mysql": "1054"}
    assert f"[{code[get_database(app).engine.dialect.name]}]" in caplog.text


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("57P01", DatabaseErrorKind.UNREACHABLE),
        ("53300", DatabaseErrorKind.UNREACHABLE),
        ("08006", DatabaseErrorKind.UNREACHABLE),
        ("57014", DatabaseErrorKind.TIMEOUT),
        ("55000", DatabaseErrorKind.UNUSABLE),
        ("25006", DatabaseErrorKind.UNUSABLE),
        ("42P01", DatabaseErrorKind.OTHER),
    ],
)
def test_postgresql_errors_are_classified_by_sqlstate(sqlstate, kind):
    class DriverError(Exception):
        pass

    original = DriverError("message")
    original.sqlstate = sqlstate
    assert classify(sa.exc.OperationalError("SELECT 1", {}, original)) is kind


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (2003, DatabaseErrorKind.UNREACHABLE),
        (2013, DatabaseErrorKind.UNREACHABLE),
        (1040, DatabaseErrorKind.UNREACHABLE),
        (1969, DatabaseErrorKind.TIMEOUT),
        (3024, DatabaseErrorKind.TIMEOUT),
        (1290, DatabaseErrorKind.UNUSABLE),
        (1792, DatabaseErrorKind.UNUSABLE),
        (1146, DatabaseErrorKind.OTHER),
    ],
)
def test_mysql_errors_are_classified_by_number(number, kind):
    import pymysql

    original = pymysql.err.OperationalError(number, "message")
    assert classify(sa.exc.OperationalError("SELECT 1", {}, original)) is kind


@pytest.mark.timeout(120)
def test_mariadb_out_of_reach_is_a_503_then_recovers(mariadb_url, caplog):
    url = sa.make_url(mariadb_url)
    proxy = CuttableProxy((url.host, url.port or 3306))
    app = make_app(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(False), DATABASE_TIMEOUT=2
    )
    client = app.test_client()
    assert client.post("/notes", data={"text": "before"}).status_code == 200
    proxy.cut()
    with caplog.at_level(logging.WARNING, "dashkit.db"):
        page = client.get("/notes", headers=PAGE)
        htmx = client.get("/notes", headers=HTMX)
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert htmx.status_code == 503 and htmx.json["status"] == 503
    assert "database unavailable [20" in caplog.text  # a client error number: 2003, 2013
    proxy.restore()
    assert client.get("/notes").json == {"texts": ["before"]}
    proxy.cut()


def test_the_served_admin_explains_a_view_emptied_after_startup(
    postgres_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "home"))
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (id integer PRIMARY KEY)")
        connection.exec_driver_sql("CREATE MATERIALIZED VIEW m AS SELECT id FROM t")
    served = build_app(ServeOptions(postgres_url))
    client = signed_in(served)
    assert client.get("/admin/m/").status_code == 200
    with engine.begin() as connection:
        connection.exec_driver_sql("REFRESH MATERIALIZED VIEW m WITH NO DATA")
    engine.dispose()
    page = client.get("/admin/m/", headers=PAGE)
    assert page.status_code == 409
    assert "has not been populated" in page.get_data(as_text=True)
    htmx = client.get("/admin/m/?sort=-id", headers=HTMX)
    assert htmx.status_code == 409 and "REFRESH MATERIALIZED VIEW" in htmx.json["detail"]


def test_the_served_admin_says_a_slow_list_took_too_long(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DASHKIT_DATABASE_TIMEOUT", "1")
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (id integer PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        connection.exec_driver_sql("CREATE VIEW slow AS SELECT id, pg_sleep(2)::text AS nap FROM t")
    engine.dispose()
    served = build_app(ServeOptions(postgres_url))
    client = signed_in(served)
    page = client.get("/admin/slow/", headers=PAGE)
    assert page.status_code == 504
    assert "took longer than 1 s" in page.get_data(as_text=True)
    htmx = client.get("/admin/slow/?q=1", headers=HTMX)
    assert htmx.status_code == 504 and "Narrow it down" in htmx.json["detail"]
