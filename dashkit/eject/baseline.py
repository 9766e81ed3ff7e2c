"""The Alembic baseline revision of an ejected app: the live schema, created only where missing.

Upgrading the database the app was ejected from creates nothing and records the
baseline; upgrading an empty database creates every table. Downgrading refuses: the
tables existed before dashkit and dropping them is a decision for a person.
"""

from __future__ import annotations

import textwrap

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops

from dashkit.eject.rendering import SourceRenderer

BASELINE_REVISION = "baseline"


def render_baseline(tables: list[sa.Table], dialect: sa.Dialect, origin: str) -> str:
    """The source of the baseline revision for `tables` (views excluded by the caller)."""
    renderer = SourceRenderer(dialect)
    blocks = []
    for table in sa.sql.util.sort_tables(tables):
        operations = [ops.CreateTableOp.from_table(table)]
        operations += [
            ops.CreateIndexOp.from_index(index)
            for index in sorted(table.indexes, key=lambda i: str(i.name))
            if all(isinstance(expression, sa.Column) for expression in index.expressions)
        ]
        body = render_python_code(
            ops.UpgradeOps(operations),
            migration_context=renderer.migration_context,
            render_item=renderer.render_item,
        )
        body = "\n".join(line for line in body.splitlines() if not line.strip().startswith("#"))
        condition = f"if _missing({table.name!r}, {table.schema!r}):"
        blocks.append(
            f"    {condition}\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)
        )
    imports = _dialect_imports(tables, dialect)
    return _TEMPLATE.format(
        origin=origin,
        revision=BASELINE_REVISION,
        imports="\n".join(imports),
        upgrade="\n".join(blocks) or "    pass",
    )


def _dialect_imports(tables: list[sa.Table], dialect: sa.Dialect) -> list[str]:
    """Imports the rendered types need (render_python_code does not report its own)."""
    renderer = SourceRenderer(dialect)
    for table in tables:
        for column in table.columns:
            renderer.type(column.type)
    return renderer.imports


_TEMPLATE = '''"""Baseline: the schema of {origin} when `dashkit eject` read it.

Revision ID: {revision}
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
{imports}

revision = "{revision}"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str, schema: str | None) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name, schema=schema)


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
    raise RuntimeError(
        "the baseline describes tables that existed before dashkit; "
        "drop them by hand if that is really what you want"
    )
'''
