"""dashkit.db: URLs, engines, per-request sessions and their transactions, the database being down."""

from __future__ import annotations

import importlib.util
import json
import socket
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashkit import App, ConfigError
from dashkit.db import DatabaseUnavailable, get_database, init_db, make_engine, mask_url, normalise_url


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
        importlib.util, "find_spec", lambda name, *a: None if name == "pymysql" else real_find_spec(name, *a)
    )
    with pytest.raises(ConfigError, match=r"pip install 'dashkit\[mysql\]'") as raised:
        make_engine("mysql://root:hunter2@db/shop")
    assert "hunter2" not in str(raised.value)


def test_sqlite_files_get_foreign_keys_and_wal(tmp_path) -> None:
    engine = make_engine(str(tmp_path / "fk.sqlite"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


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
