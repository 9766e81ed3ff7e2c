"""Pooled connections are pinged before use only after idling, after a database error, or
when the server has ended them."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from test_db import make_app

from dashkit.db import make_engine
from dashkit.db.liveness import ping_stale_connections

BACKEND_PID = sa.text("SELECT pg_backend_pid()")


def counted_pings(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(1)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def terminate(url: str, pid: int) -> None:
    killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_a_connection_in_steady_use_is_not_pinged(tmp_path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    pings = counted_pings(engine, monkeypatch)
    for _ in range(5):
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    assert pings == []
    engine.dispose()


def test_a_database_error_makes_the_next_checkout_ping(tmp_path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'errors.sqlite'}")
    pings = counted_pings(engine, monkeypatch)
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    with engine.connect() as connection, pytest.raises(sa.exc.OperationalError):
        connection.execute(sa.text("SELECT * FROM no_such_table"))
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    assert pings == [1]  # once after the error, then trusted again
    engine.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    ping_stale_connections(engine, idle_before_ping=0)
    with engine.connect() as connection:
        first_pid = connection.execute(BACKEND_PID).scalar()
    terminate(postgres_url, first_pid)
    with engine.connect() as connection:
        assert connection.execute(BACKEND_PID).scalar() != first_pid
    engine.dispose()


def test_after_an_error_a_dead_pooled_connection_is_replaced(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url, pool_size=2)
    ping_stale_connections(engine)
    first = engine.connect()
    second = engine.connect()
    first_pid = first.execute(BACKEND_PID).scalar()
    first.close()
    terminate(postgres_url, first_pid)
    with pytest.raises(sa.exc.ProgrammingError):
        second.execute(sa.text("SELECT * FROM no_such_table"))
    second.close()
    for _ in range(2):  # whichever pooled connection comes first, the dead one never answers
        with engine.connect() as connection:
            assert connection.execute(BACKEND_PID).scalar() != first_pid
    engine.dispose()


def _kill_and_wait(url: str, backend: int) -> None:
    """End `backend` from another connection, and wait until the server has let it go."""
    killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    postgres = killer.dialect.name == "postgresql"
    with killer.connect() as connection:
        if postgres:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            alive = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        else:
            connection.exec_driver_sql(f"KILL {int(backend)}")
            alive = sa.text("SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = :pid")
        for _ in range(100):
            if connection.execute(alive, {"pid": backend}).scalar() == 0:
                break
            time.sleep(0.02)
    killer.dispose()


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_the_request_after_its_idle_connection_was_killed_succeeds(server, request) -> None:
    url = request.getfixturevalue("postgres_url" if server == "postgresql" else "mariadb_url")
    app = make_app(url)
    backend_query = (
        "SELECT pg_backend_pid()" if server == "postgresql" else "SELECT CONNECTION_ID()"
    )

    @app.route("/backend")
    def backend(request):
        return {"backend": request.db.execute(sa.text(backend_query)).scalar()}

    client = app.test_client()
    first = client.get("/backend").json["backend"]
    _kill_and_wait(url, first)  # well within the idle time after which pings are made anyway
    response = client.get("/backend", headers={"HX-Request": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["backend"] != first
    assert client.get("/notes").status_code == 200
