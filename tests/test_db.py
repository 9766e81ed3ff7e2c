"""dashkit.db: URLs, engines, per-request sessions and transactions, the database being down."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from dashkit import App, ConfigError
from dashkit.auth import create_user, init_auth, login_required
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import (
    DatabaseUnavailable,
    get_database,
    init_db,
    make_engine,
    mask_url,
    normalise_url,
    read_rows,
    reading_connection,
)
from dashkit.migrations import upgrade_state


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(100))


def make_app(url: str, **config) -> App:
    app = App("tests", {"SECRET_KEY": "test-secret", **config})
    database = init_db(app, url, metadata=Base.metadata)
    Base.metadata.create_all(database.engine)

    @app.route("/notes", methods=["POST"])
    def add_note(request):
        request.db.add(Note(text=request.form["text"]))
        request.db.flush()
        if request.form.get("then") == "raise":
            raise RuntimeError("the view failed after writing")
        if request.form.get("then") == "400":
            return "rejected", 400
        return {"ok": True}

    @app.route("/notes")
    def list_notes(request):
        return {"texts": request.db.scalars(sa.select(Note.text).order_by(Note.id)).all()}

    return app


def note_texts(app: App) -> list[str]:
    with app.db_session() as session:
        return session.scalars(sa.select(Note.text).order_by(Note.id)).all()


# -- URLs and engines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/shop", "postgresql+psycopg://u:p@db/shop"),
        ("postgresql://u@db/shop", "postgresql+psycopg://u@db/shop"),
        ("postgresql+psycopg://u@db/shop", "postgresql+psycopg://u@db/shop"),
        ("mysql://root@db/shop", "mysql+pymysql://root@db/shop"),
        ("mariadb://root@db/shop", "mysql+pymysql://root@db/shop"),
        ("sqlite:///shop.sqlite", "sqlite:///shop.sqlite"),
    ],
)
def test_normalise_url_picks_the_driver(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_a_bare_path_is_a_sqlite_file(tmp_path) -> None:
    url = normalise_url(str(tmp_path / "shop.sqlite"))
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path / "shop.sqlite")


def test_mask_url_hides_the_password() -> None:
    masked = mask_url("postgresql://alice:s3cret@db.example/shop")
    assert "s3cret" not in masked
    assert masked == "postgresql://alice:***@db.example/shop"


def test_a_missing_driver_names_the_extra_to_install(monkeypatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pymysql" else real_find_spec(name, *a),
    )
    with pytest.raises(ConfigError, match=r"'mysql' extra \(pip install '\.\[mysql\]'") as raised:
        make_engine("mysql://root:hunter2@db/shop")
    assert "hunter2" not in str(raised.value)


def test_sqlite_files_get_foreign_keys_and_wal(tmp_path) -> None:
    engine = make_engine(tmp_path / "fk.sqlite")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_an_existing_sqlite_file_keeps_its_journal_mode(chinook_path) -> None:
    header_before = chinook_path.read_bytes()[:100]
    engine = make_engine(chinook_path)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        connection.exec_driver_sql("SELECT count(*) FROM Track").scalar()
    engine.dispose()
    assert chinook_path.read_bytes()[:100] == header_before


def test_startup_fails_clearly_when_the_database_is_down() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = App("tests", {"SECRET_KEY": "x", "DATABASE_TIMEOUT": 2})
    with pytest.raises(DatabaseUnavailable) as raised:
        init_db(app, f"postgresql://alice:s3cret@127.0.0.1:{port}/shop")
    message = str(raised.value)
    assert f"postgresql+psycopg://alice:***@127.0.0.1:{port}/shop" in message
    assert "s3cret" not in message


def test_init_db_needs_a_url() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        init_db(App("tests", {"SECRET_KEY": "x"}))


# -- per-request sessions -----------------------------------------------------------------------


def test_a_normal_response_commits(database_url: str) -> None:
    app = make_app(database_url)
    response = app.test_client().post("/notes", data={"text": "kept"})
    assert response.status_code == 200
    assert note_texts(app) == ["kept"]


def test_a_view_that_raises_after_writing_leaves_no_row(database_url: str) -> None:
    app = make_app(database_url)
    response = app.test_client().post("/notes", data={"text": "lost", "then": "raise"})
    assert response.status_code == 500
    assert note_texts(app) == []


def test_an_error_response_rolls_back(database_url: str) -> None:
    app = make_app(database_url)
    response = app.test_client().post("/notes", data={"text": "lost", "then": "400"})
    assert response.status_code == 400
    assert note_texts(app) == []


def test_read_rows_runs_in_the_requests_transaction(database_url: str) -> None:
    app = make_app(database_url)
    seen = {}

    @app.route("/flushed", methods=["POST"])
    def flushed(request):
        request.db.add(Note(text="not committed yet"))
        request.db.flush()
        seen["rows"] = read_rows(request.db, sa.select(Note.text, Note.id)).all()
        return "rejected", 400

    app.test_client().post("/flushed")
    assert [tuple(row) for row in seen["rows"]] == [("not committed yet", 1)]
    assert note_texts(app) == []


def test_a_write_in_plain_sql_is_committed(database_url: str) -> None:
    app = make_app(database_url)

    @app.route("/raw", methods=["POST"])
    def raw(request):  # no ORM object: only the connection knows a row was written
        request.db.execute(sa.text("INSERT INTO notes (text) VALUES ('written in SQL')"))
        return "ok"

    assert app.test_client().post("/raw").status_code == 200
    assert note_texts(app) == ["written in SQL"]


def test_a_request_that_only_read_sqlite_skips_the_commit(tmp_path, monkeypatch) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'notes.sqlite'}")
    client = app.test_client()
    commits = []
    commit = Session.commit
    monkeypatch.setattr(Session, "commit", lambda session: commits.append(1) or commit(session))
    assert client.get("/notes").json == {"texts": []}
    assert commits == []
    client.post("/notes", data={"text": "kept"})
    assert len(commits) == 1 and note_texts(app) == ["kept"]


def test_a_session_with_commit_listeners_is_always_committed(tmp_path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'notes.sqlite'}")
    seen = []
    listener = lambda session: seen.append(session)
    sa.event.listen(Session, "before_commit", listener)
    try:
        assert app.test_client().get("/notes").status_code == 200
    finally:
        sa.event.remove(Session, "before_commit", listener)
    assert len(seen) == 1


def test_reading_connection_reads_in_the_requests_session_once_open(database_url: str) -> None:
    app = make_app(database_url)
    seen = {}

    @app.route("/reads", methods=["POST"])
    def reads(request):
        with reading_connection(request) as connection:
            seen["before"] = connection.execute(sa.select(Note.text)).all()
        seen["opened"] = "db" in request.__dict__
        request.db.add(Note(text="not committed yet"))
        request.db.flush()
        with reading_connection(request) as connection:
            seen["after"] = connection.execute(sa.select(Note.text)).scalars().all()
        return "rejected", 400

    app.test_client().post("/reads")
    assert seen == {"before": [], "opened": False, "after": ["not committed yet"]}
    assert note_texts(app) == []


def test_state_db_is_the_data_session_when_the_urls_match(tmp_path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'one.sqlite'}")
    seen = {}

    @app.route("/sessions")
    def sessions(request):
        seen["same"] = request.state_db is request.db
        return "ok"

    app.test_client().get("/sessions")
    assert seen["same"] is True


def test_state_db_is_its_own_session_for_another_url(tmp_path) -> None:
    app = App("tests", {"SECRET_KEY": "x", "STATE_URL": f"sqlite:///{tmp_path / 'state.sqlite'}"})
    init_db(app, f"sqlite:///{tmp_path / 'data.sqlite'}")
    seen = {}

    @app.route("/sessions")
    def sessions(request):
        seen["urls"] = (str(request.db.get_bind().url), str(request.state_db.get_bind().url))
        return "ok"

    app.test_client().get("/sessions")
    assert seen["urls"][0].endswith("data.sqlite")
    assert seen["urls"][1].endswith("state.sqlite")


def test_concurrent_requests_never_share_a_session(database_url: str) -> None:
    app = make_app(database_url)
    both_inside = threading.Barrier(2, timeout=20)
    seen: dict[str, tuple[int, list[str]]] = {}

    @app.route("/concurrent/<role>", methods=["POST"])
    def concurrent(request, role):
        if role == "writer":
            request.db.add(Note(text="uncommitted"))
            request.db.flush()
        both_inside.wait()  # the writer's transaction is open while the reader looks
        seen[role] = (id(request.db), request.db.scalars(sa.select(Note.text)).all())
        both_inside.wait()
        return "ok"

    threads = [
        threading.Thread(target=lambda r=role: app.test_client().post(f"/concurrent/{r}"))
        for role in ("writer", "reader")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen["writer"][0] != seen["reader"][0]
    assert seen["writer"][1] == ["uncommitted"]
    assert seen["reader"][1] == []
    assert note_texts(app) == ["uncommitted"]


def test_db_session_commits_or_rolls_back(tmp_path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'script.sqlite'}")
    with app.db_session() as session:
        session.add(Note(text="from a script"))
    with pytest.raises(RuntimeError), app.db_session() as session:
        session.add(Note(text="never"))
        raise RuntimeError("abandon")
    assert note_texts(app) == ["from a script"]
    assert get_database(app).metadata is Base.metadata


# -- the database going away --------------------------------------------------------------------


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a database server until cut, like a network failure.

    `cut()` drops every connection and refuses new ones; `cut(silent=True)` accepts new
    connections but never answers them, like a server that hangs; `restore()` forwards again
    on the same port.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.silent = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.restore()

    def restore(self) -> None:
        self.silent = False
        if self._listener is None:
            self._listener = socket.create_server(("127.0.0.1", self.port))
            threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self, *, silent: bool = False) -> None:
        self.silent = silent
        if not silent and self._listener is not None:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it
            self._listener.close()
            self._listener = None
        with self._lock:
            for connection in self._sockets:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed by cut()
            with self._lock:
                self._sockets.append(client)
            if self.silent:
                continue
            server = socket.create_connection(self.upstream, timeout=5)
            server.settimeout(None)
            with self._lock:
                self._sockets.append(server)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied_postgres(postgres_url: str) -> Iterator[tuple[str, CuttableProxy]]:
    url = sa.make_url(postgres_url)
    proxy = CuttableProxy((url.host, url.port or 5432))
    yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    proxy.cut()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("silent", [False, True], ids=["refused", "hanging"])
def test_database_outage_gives_503_then_recovers(proxied_postgres, silent: bool) -> None:
    url, proxy = proxied_postgres
    app = make_app(url, DATABASE_TIMEOUT=2)
    client = app.test_client()
    assert client.post("/notes", data={"text": "before"}).status_code == 200

    proxy.cut(silent=silent)
    page = client.get("/notes", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "text/html" in page.content_type and "database" in page.get_data(as_text=True)
    assert page.headers["Retry-After"]
    api = client.get("/notes", headers={"Accept": "application/json"})
    assert api.status_code == 503 and api.json["status"] == 503
    htmx = client.get("/notes", headers={"HX-Request": "true"})
    assert htmx.status_code == 503 and htmx.json["error"] == "Service Unavailable"
    assert client.post("/notes", data={"text": "during"}).status_code == 503

    proxy.restore()
    assert client.post("/notes", data={"text": "after"}).status_code == 200
    assert client.get("/notes").json == {"texts": ["before", "after"]}


@pytest.mark.timeout(120)
def test_an_outage_with_signed_in_users_gives_503_and_keeps_them_signed_in(
    proxied_postgres,
) -> None:
    url, proxy = proxied_postgres
    upgrade_state(url)
    app = make_app(url, DATABASE_TIMEOUT=2, PASSWORD_SCRYPT_N=2**10)
    init_auth(app)
    app.add_url_rule("/private", view=login_required(lambda request: "private page"))
    with app.state_session() as session:
        create_user(session, "ada", "ada's long secret", ["admin"], hasher=PasswordHasher(n=2**10))
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', login_page).group(1)
    form = {"username": "ada", "password": "ada's long secret", "csrf_token": token}
    assert client.post("/login", data=form).status_code == 303
    assert client.get("/private").get_data(as_text=True) == "private page"

    proxy.cut()  # loading the session is the first thing to fail
    assert client.get("/private").status_code == 503
    assert client.get("/private", headers={"HX-Request": "true"}).json["status"] == 503

    proxy.restore()
    assert client.get("/private").get_data(as_text=True) == "private page"


def test_other_database_errors_stay_500(tmp_path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'errors.sqlite'}")

    @app.route("/duplicate", methods=["POST"])
    def duplicate(request):
        request.db.add_all([Note(id=1, text="a"), Note(id=1, text="b")])
        request.db.flush()
        return "unreachable"

    response = app.test_client().post("/duplicate")
    assert response.status_code == 500
    assert note_texts(app) == []


@pytest.mark.parametrize(
    "statement", ["SELECT missing_column FROM notes", "SELECT * FROM missing_table"]
)
def test_a_wrong_statement_is_a_500_not_an_outage(database_url: str, statement: str) -> None:
    app = make_app(database_url)

    @app.route("/wrong")
    def wrong(request):
        request.db.execute(sa.text(statement))
        return "unreachable"

    response = app.test_client().get("/wrong", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert app.test_client().get("/notes").status_code == 200


# -- pre-forking servers ------------------------------------------------------------------------

PRELOADED_APP = """
import os
from pathlib import Path

import sqlalchemy as sa

from dashkit import App
from dashkit.db import init_db


def create_app():
    app = App(__name__, {"SECRET_KEY": "test"})
    init_db(app)
    with app.db_session() as session:  # work in the master leaves a pooled connection behind
        master_backend = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    Path("master_backend").write_text(str(master_backend))

    @app.route("/who")
    def who(request):
        query = sa.text("SELECT pg_backend_pid() FROM pg_sleep(0.05)")
        backend = request.db.execute(query).scalar()
        return {"worker": os.getpid(), "backend": backend}

    return app
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_gunicorn_preload_workers_never_share_a_connection(postgres_url: str, tmp_path) -> None:
    (tmp_path / "preloaded.py").write_text(PRELOADED_APP)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "preloaded:create_app()",
        ],
        cwd=tmp_path,
        env={**os.environ, "DASHKIT_DATABASE_URL": postgres_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/who"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(
                pool.map(lambda _: json.load(urllib.request.urlopen(url, timeout=10)), range(48))
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    workers_of_backend: dict[int, set[int]] = {}
    for answer in answers:
        workers_of_backend.setdefault(answer["backend"], set()).add(answer["worker"])
    assert len({answer["worker"] for answer in answers}) > 1
    assert all(len(workers) == 1 for workers in workers_of_backend.values()), workers_of_backend
    assert int((tmp_path / "master_backend").read_text()) not in workers_of_backend


def test_a_sqlite_savepoint_released_first_in_a_transaction_commits_nothing(tmp_path):
    """pysqlite opens no transaction before a SAVEPOINT, which would then commit when
    released: a save would outlive its request's rollback."""
    engine = make_engine(f"sqlite:///{tmp_path / 'saves.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    with Session(engine) as session:
        with session.begin_nested():
            session.execute(sa.text("INSERT INTO notes VALUES (1)"))
        session.rollback()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 0
    engine.dispose()
