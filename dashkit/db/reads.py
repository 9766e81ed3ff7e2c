"""Read-only Core statements run on a session's connection, without the ORM's per-statement work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


def read_rows(
    session: Session, statement: sa.Executable, parameters: Mapping[str, Any] | None = None
) -> sa.CursorResult[Any]:
    """Run a statement that selects columns (not ORM entities) in `session`'s transaction.

    `Session.execute` prepares every statement for the ORM (entity loading, autoflush,
    events), which costs more than the query itself on a fast database. For a statement
    of plain columns none of that is needed: this runs it on the session's connection and
    returns Core rows. Pending ORM changes are not flushed first, so use it for reads that
    do not depend on the request's own unflushed writes.
    """
    return session.connection().execute(statement, parameters)
