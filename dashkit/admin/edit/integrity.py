"""Turn a database's IntegrityError into messages on the fields (or the form) that caused it.

Each supported driver reports a violation differently: psycopg gives a SQLSTATE and the
constraint's name, PyMySQL an error number and a sentence, SQLite a sentence naming
`table.column`. `explain_integrity_error` reads all three and names the fields by the
mapped attribute keys, so the form can show the message next to the right input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

from dashkit.admin.errors import WriteRefused

MISSING_REFERENCE = "No such row to refer to; choose an existing one."

UNIQUE, FOREIGN_KEY, REFERENCED, NOT_NULL, CHECK = (
    "unique",
    "foreign_key",
    "referenced",
    "not_null",
    "check",
)
OUT_OF_RANGE = "out_of_range"
"""A value the column cannot hold (too long, too large); drivers call it a DataError."""


@dataclass
class Violation:
    """What the driver said, reduced to a kind and the columns or constraint involved."""

    kind: str
    columns: list[str] = field(default_factory=list)
    constraint: str | None = None
    other_table: str | None = None


class IntegrityRefusal(WriteRefused):
    """The database refused a write; messages per field and for the whole form."""

    def __init__(self, field_errors: Mapping[str, str], form_errors: list[str]):
        super().__init__(field_errors)
        self.form_errors = list(form_errors)


def classify(error: sa.exc.DBAPIError) -> Violation | None:
    """Read the driver's error into a `Violation`, or None when it is not recognised."""
    original = error.orig
    args = getattr(original, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return _classify_mysql(args[0], str(args[1]))
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate and hasattr(original, "diag"):
        return _classify_postgresql(original, sqlstate)
    return _classify_sqlite(str(original))


def _classify_postgresql(original: Any, sqlstate: str) -> Violation | None:
    diag = original.diag
    detail = diag.message_detail or ""
    constraint = diag.constraint_name
    keys = re.match(r"Key \((.+?)\)=", detail)
    columns = [name.strip().strip('"') for name in keys.group(1).split(",")] if keys else []
    if sqlstate == "23505":
        return Violation(UNIQUE, columns, constraint)
    if sqlstate == "23503":
        referenced = re.search(r'referenced from table "([^"]+)"', detail)
        if referenced:
            return Violation(REFERENCED, [], constraint, referenced.group(1))
        return Violation(FOREIGN_KEY, columns, constraint)
    if sqlstate == "23502":
        return Violation(NOT_NULL, [diag.column_name] if diag.column_name else [], constraint)
    if sqlstate == "23514":
        return Violation(CHECK, [], constraint)
    if sqlstate in ("22001", "22003"):  # string too long, number out of range
        return Violation(OUT_OF_RANGE, [diag.column_name] if diag.column_name else [])
    return None


def _classify_mysql(code: int, message: str) -> Violation | None:
    if code == 1062:
        key = re.search(r"for key '(?:[^'.]*\.)?([^']+)'", message)
        return Violation(UNIQUE, [], key.group(1) if key else None)
    if code in (1451, 1452):
        constraint = re.search(r"CONSTRAINT `([^`]+)`", message)
        name = constraint.group(1) if constraint else None
        if code == 1451:
            table = re.search(r"fails \(`[^`]+`\.`([^`]+)`", message)
            return Violation(REFERENCED, [], name, table.group(1) if table else None)
        columns = re.search(r"FOREIGN KEY \(([^)]+)\)", message)
        names = [c.strip(" `") for c in columns.group(1).split(",")] if columns else []
        return Violation(FOREIGN_KEY, names, name)
    if code in (1048, 1364):
        column = re.search(r"(?:Column|Field) '([^']+)'", message)
        return Violation(NOT_NULL, [column.group(1)] if column else [])
    if code in (3819, 4025):
        constraint = re.search(r"(?:CONSTRAINT `|constraint ')([^`']+)", message)
        return Violation(CHECK, [], constraint.group(1) if constraint else None)
    if code in (1264, 1406):  # out of range, data too long
        column = re.search(r"for column '(?:[^']*\.)?([^'.]+)'", message)
        return Violation(OUT_OF_RANGE, [column.group(1)] if column else [])
    return None


def _classify_sqlite(message: str) -> Violation | None:
    kind_by_prefix = {
        "UNIQUE constraint failed: ": UNIQUE,
        "NOT NULL constraint failed: ": NOT_NULL,
        "CHECK constraint failed: ": CHECK,
    }
    for prefix, kind in kind_by_prefix.items():
        if message.startswith(prefix):
            rest = message[len(prefix) :]
            if kind == CHECK:
                return Violation(CHECK, [], rest.strip())
            return Violation(kind, [part.strip().rpartition(".")[2] for part in rest.split(",")])
    if message.startswith("FOREIGN KEY constraint failed"):
        return Violation(FOREIGN_KEY)
    return None


def constraint_columns(table: sa.Table, name: str) -> list[str]:
    """Column names of the constraint or unique index called `name` on `table`."""
    if name == "PRIMARY":
        return [column.name for column in table.primary_key]
    name = name.rpartition(".")[2]  # MariaDB spells a column's own check `table.column`
    for constraint in [*table.constraints, *_check_constraints(table)]:
        if constraint.name is not None and str(constraint.name) == name:
            if isinstance(constraint, sa.CheckConstraint):
                return _columns_in_expression(table, str(constraint.sqltext))
            return [column.name for column in constraint.columns]
    for index in table.indexes:
        if index.name is not None and str(index.name) == name:
            return [column.name for column in index.columns]
    if name in table.columns:  # MariaDB names a column's own check after the column
        return [name]
    generated = re.fullmatch(rf"{re.escape(table.name)}_(.+)_check", name)  # PostgreSQL's default
    if generated and generated.group(1) in table.columns:
        return [generated.group(1)]
    return _columns_in_expression(table, name)


def _check_constraints(table: sa.Table) -> list[sa.CheckConstraint]:
    """Table-level checks and those declared on a column (kept on the column)."""
    owners = [table.constraints, *(column.constraints for column in table.columns)]
    return [c for owner in owners for c in owner if isinstance(c, sa.CheckConstraint)]


def _columns_in_expression(table: sa.Table, text: str) -> list[str]:
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    return [column.name for column in table.columns if column.name in words]


def check_rule(table: sa.Table, name: str | None, columns: list[str]) -> str | None:
    """The SQL text of the check constraint that failed, to tell the user which rule it is:
    found by name, else the one unnamed check on exactly these columns."""
    checks = _check_constraints(table)
    for constraint in checks:
        if name is not None and str(constraint.name) == name:
            return str(constraint.sqltext)
    unnamed = [
        str(c.sqltext)
        for c in checks
        if c.name is None and columns and _columns_in_expression(table, str(c.sqltext)) == columns
    ]
    if len(unnamed) == 1:
        return unnamed[0]
    return name


def explain_integrity_error(
    error: sa.exc.DBAPIError,
    mapper: Mapper[Any],
    *,
    labels: Mapping[str, str] | None = None,
    deleting: bool = False,
) -> IntegrityRefusal:
    """Messages for the fields (attribute keys) and the form; unknown errors go to the form.

    `deleting` says the failed statement was a DELETE, for drivers (SQLite) whose
    foreign-key message does not tell a missing parent from a remaining child.
    """
    table = mapper.local_table
    assert isinstance(table, sa.Table)
    labels = labels or {}
    violation = classify(error)
    if violation is None:
        return IntegrityRefusal({}, ["The database refused this change (an integrity rule)."])
    if deleting and violation.kind == FOREIGN_KEY:
        violation = Violation(REFERENCED, [], violation.constraint)
    columns = violation.columns
    if not columns and violation.constraint and violation.kind != REFERENCED:
        columns = constraint_columns(table, violation.constraint)
    keys = [_attribute_key(mapper, name) for name in columns if name in table.columns]

    def label(key: str) -> str:
        return labels.get(key, key.replace("_", " "))

    if violation.kind == UNIQUE:
        if len(keys) == 1:
            return IntegrityRefusal({keys[0]: "Another row already has this value."}, [])
        together = ", ".join(label(key) for key in keys) or "these values"
        message = f"Another row already has the same {together}."
        return IntegrityRefusal({key: "Not unique in combination." for key in keys}, [message])
    if violation.kind == FOREIGN_KEY:
        if keys:
            return IntegrityRefusal({key: MISSING_REFERENCE for key in keys}, [])
        return IntegrityRefusal({}, ["A referenced row does not exist."])
    if violation.kind == REFERENCED:
        where = f" in {violation.other_table}" if violation.other_table else ""
        return IntegrityRefusal(
            {}, [f"Other rows{where} still refer to this one; change or delete them first."]
        )
    if violation.kind == NOT_NULL:
        if keys:
            return IntegrityRefusal({key: "This field is required." for key in keys}, [])
        return IntegrityRefusal({}, ["A required value is missing."])
    if violation.kind == OUT_OF_RANGE:
        message = "Too long or too large for this column."
        if keys:
            return IntegrityRefusal({key: message for key in keys}, [])
        return IntegrityRefusal({}, ["A value is too long or too large for its column."])
    rule = check_rule(table, violation.constraint, columns)
    message = f"Must satisfy the rule: {rule}." if rule else "Breaks a rule of the table."
    if len(keys) == 1:
        return IntegrityRefusal({keys[0]: message}, [])
    return IntegrityRefusal({}, [message])


def _attribute_key(mapper: Mapper[Any], column_name: str) -> str:
    column = mapper.local_table.columns[column_name]
    try:
        return mapper.get_property_by_column(column).key
    except sa.orm.exc.UnmappedColumnError:
        return column_name


def missing_references(
    session: sa.orm.Session, mapper: Mapper[Any], values: Mapping[str, Any]
) -> list[str]:
    """Attribute keys among `values` whose foreign key points at no row.

    SQLite reports a foreign-key failure without naming the column; this finds it.
    """
    table = mapper.local_table
    missing: list[str] = []
    for constraint in table.foreign_key_constraints:
        if len(constraint.elements) != 1:
            continue
        element = constraint.elements[0]
        key = _attribute_key(mapper, element.parent.name)
        if values.get(key) is None:
            continue
        target = element.column
        found = session.execute(
            sa.select(sa.literal(1)).select_from(target.table).where(target == values[key]).limit(1)
        ).first()
        if found is None:
            missing.append(key)
    return missing
