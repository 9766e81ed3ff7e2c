"""Python source for reflected types and defaults, spelled the way Alembic spells them.

Models and the baseline revision render through the same Alembic renderer, so a column
type reads identically in both and `dashkit db check` compares like with like.
"""

from __future__ import annotations

import copy

import sqlalchemy as sa
from alembic.autogenerate import render
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext
from sqlalchemy.dialects import postgresql

from dashkit.reflect.types import declared_type


class SourceRenderer:
    """Renders types and server defaults for one dialect, remembering the imports they need."""

    def __init__(self, dialect: sa.Dialect):
        self.migration_context = MigrationContext.configure(dialect=dialect)
        self._context = AutogenContext(
            self.migration_context,
            opts={
                "sqlalchemy_module_prefix": "sa.",
                "alembic_module_prefix": "op.",
                "user_module_prefix": None,
                "render_item": self.render_item,
            },
        )
        self._context.imports = set()

    @property
    def imports(self) -> list[str]:
        """`from sqlalchemy.dialects import postgresql` and the like, sorted."""
        return sorted(self._context.imports)

    def type(self, type_: sa.types.TypeEngine) -> str:
        return _render_declared(type_, self._context)

    @staticmethod
    def render_item(kind: str, item: object, context: AutogenContext) -> str | bool:
        """Alembic's render hook: reflection's refined types are written as declared."""
        if kind == "type" and isinstance(item, sa.types.TypeEngine):
            if _creatable(declared_type(item)) is not item:
                return _render_declared(item, context)
        return False

    def server_default(self, default: sa.schema.FetchedValue) -> str | None:
        return render._render_server_default(default, self._context)


def _render_declared(type_: sa.types.TypeEngine, context: AutogenContext) -> str:
    declared = _creatable(declared_type(type_))
    if isinstance(declared, sa.types.NullType):
        return "sa.types.NullType()"  # Alembic spells it sa.NullType(), which does not exist
    return render._repr_type(declared, context)


def _creatable(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """A reflected PostgreSQL domain says create_type=False; the ejected app may need to create it."""
    if isinstance(type_, postgresql.DOMAIN) and not type_.create_type:
        type_ = copy.copy(type_)
        type_.create_type = True
    return type_
