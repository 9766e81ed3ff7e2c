"""Write declarative SQLAlchemy models for a reflected schema, as Python source."""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from dashkit.eject.rendering import SourceRenderer
from dashkit.reflect import ReflectedDatabase, ReflectedTable, RelationshipPlan
from dashkit.reflect.naming import python_identifier, unique_name
from dashkit.reflect.relationships import plan_relationships

# Names declarative classes reserve for themselves.
_RESERVED_ATTRIBUTES = {"metadata", "registry", "type_annotation_map"}
_ANNOTATIONS = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    bytes: "bytes",
    decimal.Decimal: "decimal.Decimal",
    datetime.date: "datetime.date",
    datetime.datetime: "datetime.datetime",
    datetime.time: "datetime.time",
    datetime.timedelta: "datetime.timedelta",
    uuid.UUID: "uuid.UUID",
}


@dataclass
class ModelSource:
    """The class name and attribute names chosen for one table."""

    table: ReflectedTable
    class_name: str
    attributes: dict[str, str] = field(default_factory=dict)  # column name → attribute name


def model_sources(database: ReflectedDatabase) -> dict[str, ModelSource]:
    """Class and attribute names per table key, valid Python and free of collisions."""
    sources = {}
    for table in database.tables:
        taken = set(_RESERVED_ATTRIBUTES)
        attributes = {
            column.name: unique_name([python_identifier(column.name)], taken)
            for column in table.table.columns
        }
        sources[table.table.key] = ModelSource(table, table.model.__name__, attributes)
    return sources


def render_models(database: ReflectedDatabase, sources: dict[str, ModelSource], origin: str) -> str:
    """The source of models.py: a `Base` for tables, a `ViewBase` for views, one class each."""
    renderer = SourceRenderer(database.schema.dialect)
    tables = [t.table for t in database.tables if not t.is_view]
    plans = plan_relationships(tables)
    opposite = _opposite_names(plans)
    blocks = []
    for reflected in database.tables:
        source = sources[reflected.table.key]
        if reflected.is_view or not reflected.table.primary_key.columns:
            blocks.append(_table_style_class(source, renderer))
        else:
            relationship_lines = [
                _relationship_line(plan, sources, opposite)
                for plan in plans.get(reflected.table.key, [])
            ]
            blocks.append(_declarative_class(source, renderer, relationship_lines))
    header = [
        f'"""Models of {origin}, written by `dashkit eject`; edit them freely."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import decimal",
        "import uuid",
        "from typing import Any",
        "",
        "import sqlalchemy as sa",
        *renderer.imports,
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship",
        "",
        "",
        "class Base(DeclarativeBase):",
        '    """The tables; `dashkit db` migrates `Base.metadata`."""',
        "",
        "",
        "class ViewBase(DeclarativeBase):",
        '    """Database views: mapped for reading, never created or migrated."""',
    ]
    return "\n".join(header + [line for block in blocks for line in ["", "", *block]]) + "\n"


def _declarative_class(
    source: ModelSource, renderer: SourceRenderer, relationships: list[str]
) -> list[str]:
    table = source.table.table
    lines = [f"class {source.class_name}(Base):", f"    __tablename__ = {table.name!r}"]
    table_args = _table_arguments(table)
    if table.schema:
        table_args.append(f"{{'schema': {table.schema!r}}}")
    if table_args:
        lines.append(f"    __table_args__ = ({', '.join(table_args)},)")
    lines.append("")
    for column in table.columns:
        lines.append(
            f"    {source.attributes[column.name]}: Mapped[{_annotation(column)}] = "
            f"mapped_column({', '.join(_column_arguments(column, source, renderer, with_name=False))})"
        )
    if relationships:
        lines.append("")
        lines.extend(relationships)
    return lines


def _table_style_class(source: ModelSource, renderer: SourceRenderer) -> list[str]:
    """Views and tables without a primary key: a Table plus the columns that identify a row."""
    reflected = source.table
    table = reflected.table
    base = "ViewBase" if reflected.is_view else "Base"
    arguments = [repr(table.name), f"{base}.metadata"]
    arguments += [
        f"sa.Column({', '.join(_column_arguments(c, source, renderer, with_name=True))})"
        for c in table.columns
    ]
    arguments += _table_arguments(table)
    if table.schema:
        arguments.append(f"schema={table.schema!r}")
    identity = ", ".join(f"__table__.c[{column.name!r}]" for column in reflected.identity)
    lines = [f"class {source.class_name}({base}):"]
    reason = reflected.read_only_reason or ""
    lines.append(f"    {(reason[:1].upper() + reason[1:] + '.')!r}")
    lines.append("    __table__ = sa.Table(")
    lines += [f"        {argument}," for argument in arguments]
    lines.append("    )")
    lines.append(f'    __mapper_args__ = {{"primary_key": [{identity}]}}')
    renamed = [
        (source.attributes[c.name], c.name)
        for c in table.columns
        if source.attributes[c.name] != c.name
    ]
    if renamed:
        lines.append("")
        lines += [f"    {attribute} = __table__.c[{name!r}]" for attribute, name in renamed]
    return lines


def _column_arguments(
    column: sa.Column, source: ModelSource, renderer: SourceRenderer, *, with_name: bool
) -> list[str]:
    arguments = []
    if with_name or source.attributes[column.name] != column.name:
        arguments.append(repr(column.name))
    arguments.append(renderer.type(column.type))
    if len(column.foreign_keys) == 1 and _single_column_foreign_key(column):
        arguments.append(_foreign_key(next(iter(column.foreign_keys))))
    if column.primary_key:
        arguments.append("primary_key=True")
        if column.table.autoincrement_column is not column and _is_integer(column):
            arguments.append("autoincrement=False")
    if with_name or (column.primary_key and column.nullable) or _annotation(column) == "Any":
        # Said explicitly where the annotation cannot say it; SQLite also reports a
        # primary key declared without NOT NULL as nullable, and so it stays.
        arguments.append(f"nullable={bool(column.nullable)}")
    if column.server_default is not None:
        rendered = renderer.server_default(column.server_default)
        if rendered is not None:
            arguments.append(f"server_default={rendered}")
    if column.comment:
        arguments.append(f"comment={column.comment!r}")
    return arguments


def _is_integer(column: sa.Column) -> bool:
    return isinstance(column.type, sa.Integer)


def _single_column_foreign_key(column: sa.Column) -> bool:
    constraint = next(iter(column.foreign_keys)).constraint
    return constraint is not None and len(constraint.elements) == 1


def _foreign_key(key: sa.ForeignKey) -> str:
    arguments = [repr(key.target_fullname)]
    for option in ("name", "ondelete", "onupdate"):
        value = getattr(key.constraint, option, None) if option == "name" else getattr(key, option)
        if value:
            arguments.append(f"{option}={str(value)!r}")
    return f"sa.ForeignKey({', '.join(arguments)})"


def _table_arguments(table: sa.Table) -> list[str]:
    """Composite foreign keys, unique constraints and indexes (single foreign keys sit on columns)."""
    arguments = []
    for constraint in sorted(
        table.foreign_key_constraints, key=lambda c: [col.name for col in c.columns]
    ):
        if len(constraint.elements) == 1:
            continue
        local = [element.parent.name for element in constraint.elements]
        remote = [element.target_fullname for element in constraint.elements]
        options = "".join(
            f", {option}={getattr(constraint, option)!r}"
            for option in ("name", "ondelete", "onupdate")
            if getattr(constraint, option)
        )
        arguments.append(f"sa.ForeignKeyConstraint({local!r}, {remote!r}{options})")
    for unique in sorted(
        (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)),
        key=lambda c: [col.name for col in c.columns],
    ):
        name = f", name={unique.name!r}" if unique.name else ""
        arguments.append(
            f"sa.UniqueConstraint({', '.join(repr(c.name) for c in unique.columns)}{name})"
        )
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        if not all(isinstance(expression, sa.Column) for expression in index.expressions):
            continue  # an expression index: Alembic cannot compare it either
        unique = ", unique=True" if index.unique else ""
        columns = ", ".join(repr(column.name) for column in index.columns)
        arguments.append(f"sa.Index({index.name!r}, {columns}{unique})")
    return arguments


def _annotation(column: sa.Column) -> str:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = None
    name = _ANNOTATIONS.get(python_type, "Any")
    if name != "Any" and column.nullable and not column.primary_key:
        name = f"{name} | None"
    return name


def _opposite_names(plans: dict[str, list[RelationshipPlan]]) -> dict[tuple[int, bool], str]:
    """Relationship name per (foreign key constraint, direction), to pair back_populates."""
    return {
        (id(plan.constraint), plan.many_to_one): plan.name
        for group in plans.values()
        for plan in group
    }


def _relationship_line(
    plan: RelationshipPlan, sources: dict[str, ModelSource], opposite: dict[tuple[int, bool], str]
) -> str:
    referring = sources[plan.constraint.table.key]
    referred = sources[plan.constraint.referred_table.key]
    target = sources[plan.target.key].class_name
    foreign = ", ".join(
        f"{referring.class_name}.{referring.attributes[column.name]}"
        for column, _ in plan.join_pairs()
    )
    arguments = [
        repr(target),
        f'foreign_keys="[{foreign}]"',
        f"back_populates={opposite[(id(plan.constraint), not plan.many_to_one)]!r}",
    ]
    if plan.table is plan.target and plan.many_to_one:
        remote = ", ".join(
            f"{referred.class_name}.{referred.attributes[column.name]}"
            for _, column in plan.join_pairs()
        )
        arguments.append(f'remote_side="[{remote}]"')
    if not plan.many_to_one:
        arguments.append('passive_deletes="all"')  # let the database's foreign keys decide
    annotation = f'"{target} | None"' if plan.many_to_one else f'list["{target}"]'
    return f"    {plan.name}: Mapped[{annotation}] = relationship({', '.join(arguments)})"
