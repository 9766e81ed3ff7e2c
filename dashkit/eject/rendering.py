"""Python source for reflected types and defaults, spelled the way Alembic spells them.

Models and the baseline revision render through the same Alembic renderer, so a column
type reads identically in both and `dashkit db check` compares like with like.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import render
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext


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
                "render_item": None,
            },
        )
        self._context.imports = set()

    @property
    def imports(self) -> list[str]:
        """`from sqlalchemy.dialects import postgresql` and the like, sorted."""
        return sorted(self._context.imports)

    def type(self, type_: sa.types.TypeEngine) -> str:
        if isinstance(type_, sa.types.NullType):
            return "sa.types.NullType()"  # Alembic spells it sa.NullType(), which does not exist
        if type(type_).__module__.startswith("dashkit."):
            # reflection's own refinements (e.g. SetText) are written as the type they refine
            type_ = type_.adapt(type(type_).__mro__[1])
        return render._repr_type(type_, self._context)

    def server_default(self, default: sa.schema.FetchedValue) -> str | None:
        return render._render_server_default(default, self._context)
