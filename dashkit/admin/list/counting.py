"""Row totals that never hold up a page: a bounded count under a time budget, else an estimate.

`COUNT(*)` over a large table reads the whole table. The list counts at most `limit + 1`
rows, under a statement timeout where the dialect has one; beyond either, an unfiltered
list shows the database's own estimate of the table size and a filtered one "more than".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

logger = logging.getLogger("dashkit.admin")


@dataclass(frozen=True)
class Total:
    """How many rows a list has, and how sure that number is."""

    value: int | None
    kind: str
    """exact, estimate (≈), at_least (more than) or unknown."""

    def describe(self) -> str:
        if self.value is None:
            return "unknown"
        figure = f"{self.value:,}"
        return {"estimate": f"≈ {figure}", "at_least": f"more than {figure}"}.get(self.kind, figure)


def bounded_total(
    session: Session,
    statement: sa.Select[Any],
    table: sa.Table,
    *,
    limit: int,
    timeout_ms: int,
    unfiltered: bool,
) -> Total:
    """Count the rows of `statement` up to `limit`, within `timeout_ms` where supported."""
    ones = statement.with_only_columns(sa.literal_column("1"), maintain_column_froms=True)
    ones = ones.order_by(None).limit(limit + 1)
    counting = sa.select(sa.func.count()).select_from(ones.subquery())
    try:
        counted = _count_within(session, counting, timeout_ms)
    except sa.exc.DBAPIError as error:
        logger.info("count of %s gave up within %d ms: %s", table.name, timeout_ms, error.orig)
        counted = None
    if counted is not None and counted <= limit:
        return Total(counted, "exact")
    estimate = table_estimate(session, table) if unfiltered else None
    if counted is None:
        return Total(None, "unknown") if estimate is None else Total(estimate, "estimate")
    if estimate is not None and estimate > limit:
        return Total(estimate, "estimate")
    return Total(limit, "at_least")


def _count_within(session: Session, counting: sa.Select[Any], timeout_ms: int) -> int:
    dialect = session.get_bind().dialect
    with session.begin_nested():
        if dialect.name == "postgresql":
            session.execute(sa.text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
            counted = session.scalar(counting)
            session.execute(sa.text("SET LOCAL statement_timeout TO DEFAULT"))
            return int(counted or 0)
        if dialect.name in ("mysql", "mariadb") and getattr(dialect, "is_mariadb", False):
            compiled = counting.compile(dialect=dialect)
            sql = f"SET STATEMENT max_statement_time={timeout_ms / 1000:.3f} FOR {compiled.string}"
            result = session.connection().exec_driver_sql(sql, compiled.params)
            return int(result.scalar() or 0)
        if dialect.name == "mysql":
            hinted = counting.prefix_with(f"/*+ MAX_EXECUTION_TIME({int(timeout_ms)}) */")
            return int(session.scalar(hinted) or 0)
        return int(session.scalar(counting) or 0)


def table_estimate(session: Session, table: sa.Table) -> int | None:
    """The database's own idea of a table's row count (statistics, no scan), if it has one."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        query = sa.text(
            "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = :table AND n.nspname = coalesce(:schema, current_schema())"
        )
    elif dialect in ("mysql", "mariadb"):
        query = sa.text(
            "SELECT table_rows FROM information_schema.tables "
            "WHERE table_name = :table AND table_schema = coalesce(:schema, database())"
        )
    else:
        return None
    value = session.scalar(query, {"table": table.name, "schema": table.schema})
    if value is None or value < 0:
        return None
    return int(value)
