"""Pooled connections are pinged before use only after idling or after a database error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

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
