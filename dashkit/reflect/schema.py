"""Read a live database's tables and views into SQLAlchemy metadata, filtered and cacheable."""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import pickle
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from dashkit.db.errors import driver_message
from dashkit.private_files import private_umask
from dashkit.reflect.types import refine_reflected_type, refine_sqlite_type

logger = logging.getLogger("dashkit.reflect")

# dashkit's own state tables and Alembic's version table are bookkeeping, never served as data.
_HIDDEN_PREFIXES = ("dashkit_",)
_HIDDEN_NAMES = ("alembic_version",)
# Bumped whenever ReflectedSchema changes shape, so older cached copies are not unpickled.
_CACHE_FORMAT = 2

# Cheap catalog queries whose result changes whenever anything the admin depends on does;
# their hash keys the metadata cache. Each reads only the schemas being served.
_CATALOG_QUERIES = {
    "sqlite": ["SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"],
    "postgresql": [
        """SELECT n.nspname, c.relname, c.relkind, a.attnum, a.attname,
                  format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated,
                  pg_get_expr(d.adbin, d.adrelid)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
           WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname IN :schemas
           ORDER BY 1, 2, 4""",
        """SELECT n.nspname, conrelid::regclass::text, conname, pg_get_constraintdef(c.oid)
           FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE conrelid <> 0 AND n.nspname IN :schemas ORDER BY 1, 2, 3""",
        """SELECT t.typname, e.enumsortorder, e.enumlabel FROM pg_enum e
           JOIN pg_type t ON t.oid = e.enumtypid ORDER BY 1, 2""",
    ],
    "mysql": [
        """SELECT TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE,
                  IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_KEY
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN :schemas ORDER BY 1, 2, 3""",
        """SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION, COLUMN_NAME,
                  REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
           FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN :schemas ORDER BY 1, 2, 3, 4""",
        """SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES
           WHERE TABLE_SCHEMA IN :schemas ORDER BY 1, 2""",
    ],
}


@dataclass(frozen=True)
class Selection:
    """Which tables to serve: schemas to read, and case-insensitive name globs."""

    schemas: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants(self, name: str, schema: str | None) -> bool:
        """True when the table `name` in `schema` passes the include/exclude globs."""
        if name.lower().startswith(_HIDDEN_PREFIXES) or name.lower() in _HIDDEN_NAMES:
            return False
        names = [name.lower()] + ([f"{schema}.{name}".lower()] if schema else [])

        def matches(patterns: Sequence[str]) -> bool:
            return any(fnmatch.fnmatchcase(n, p.lower()) for p in patterns for n in names)

        if self.include and not matches(self.include):
            return False
        return not matches(self.exclude)


@dataclass(frozen=True)
class SkippedTable:
    """A table or view that cannot be served, and the reason (often the database's own words)."""

    key: str
    is_view: bool
    reason: str

    @property
    def summary(self) -> str:
        """One line for a terminal: `full_names (view): no such function: CONCAT`."""
        return f"{self.key}{' (view)' if self.is_view else ''}: {self.reason}"


@dataclass
class ReflectedSchema:
    """The metadata of a database plus which of its tables are served and which are views.

    `unreadable` lists the selected tables and views whose definition the database could
    not describe (a view calling a function it lacks, or reading a dropped table).
    """

    metadata: sa.MetaData
    dialect_name: str
    selected: list[str] = field(default_factory=list)
    views: set[str] = field(default_factory=set)
    unreadable: list[SkippedTable] = field(default_factory=list)

    @property
    def dialect(self) -> sa.Dialect:
        """A dialect object of the reflected database, for rendering its types."""
        return sa.URL.create(self.dialect_name).get_dialect()()

    @property
    def tables(self) -> list[sa.Table]:
        """The served tables and views, in a stable order (schema, then name)."""
        return [self.metadata.tables[key] for key in self.selected]


def reflect_schema(
    engine: sa.Engine, selection: Selection | None = None, cache_dir: Path | None = None
) -> ReflectedSchema:
    """Reflect every selected table and view; reuse a cached copy if the schema is unchanged."""
    selection = selection or Selection()
    with engine.connect() as connection:
        cache_file = None
        if cache_dir is not None:
            digest = schema_fingerprint(connection, selection)
            cache_file = Path(cache_dir) / f"reflect-{digest}.pickle"
            if cache_file.exists():
                try:
                    return pickle.loads(cache_file.read_bytes())
                except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
                    logger.warning("ignoring unreadable reflection cache %s: %s", cache_file, error)
        reflected = _reflect(connection, selection)
    if cache_file is not None:
        with private_umask():  # a schema is no one else's business: 0700 folder, 0600 file
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            partial = cache_file.with_suffix(".tmp")
            partial.write_bytes(pickle.dumps(reflected, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cache_file)
    return reflected


def schema_fingerprint(connection: sa.Connection, selection: Selection) -> str:
    """A hash of the catalog: equal fingerprints mean reflection would give the same result."""
    dialect = connection.dialect
    queries = _CATALOG_QUERIES.get(dialect.name)
    if queries is None:
        raise ValueError(
            f"no schema fingerprint for the {dialect.name} dialect; reflect without a cache"
        )
    schemas = list(selection.schemas) or [sa.inspect(connection).default_schema_name]
    digest = hashlib.sha256()
    identity = (dialect.name, dialect.server_version_info, selection, sa.__version__)
    digest.update(repr((_CACHE_FORMAT, *identity)).encode())
    for query in queries:
        statement = sa.text(query)
        if ":schemas" in query:
            statement = statement.bindparams(sa.bindparam("schemas", value=schemas, expanding=True))
        for row in connection.execute(statement):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:32]


def _reflect(connection: sa.Connection, selection: Selection) -> ReflectedSchema:
    metadata = sa.MetaData()
    event.listen(metadata, "column_reflect", _refine_type)
    try:
        return _reflect_schemas(connection, metadata, selection)
    finally:
        event.remove(metadata, "column_reflect", _refine_type)


def _reflect_schemas(
    connection: sa.Connection, metadata: sa.MetaData, selection: Selection
) -> ReflectedSchema:
    inspector = sa.inspect(connection)
    reflected = ReflectedSchema(metadata, connection.dialect.name)
    for schema in _schemas(inspector, selection):
        view_names = set(inspector.get_view_names(schema=schema))
        if connection.dialect.name == "postgresql":
            view_names |= set(inspector.get_materialized_view_names(schema=schema))
        wanted = [
            name
            for name in sorted({*inspector.get_table_names(schema=schema), *view_names})
            if selection.wants(name, schema)
        ]
        _reflect_all_at_once(connection, metadata, schema, wanted)
        for name in wanted:
            if _key(name, schema) not in metadata.tables:
                reason = _reflect_one(connection, metadata, schema, name)
                if reason is not None:
                    key = _key(name, schema)
                    reflected.unreadable.append(SkippedTable(key, name in view_names, reason))
        keys = sorted(
            table.key
            for table in metadata.tables.values()
            if table.schema == schema and selection.wants(table.name, schema)
        )
        reflected.selected.extend(key for key in keys if key not in reflected.selected)
        reflected.views |= {key for key in keys if metadata.tables[key].name in view_names}
    return reflected


def _reflect_all_at_once(
    connection: sa.Connection, metadata: sa.MetaData, schema: str | None, names: list[str]
) -> None:
    """Reflect `names` in the dialect's bulk queries; on an error, leave them to `_reflect_one`.

    One broken view fails the whole bulk read on SQLite, and is skipped with a warning
    on MySQL; either way the tables still missing afterwards are read one by one.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipping table", sa.exc.SAWarning)
            metadata.reflect(bind=connection, schema=schema, views=True, only=names)
    except (sa.exc.DBAPIError, sa.exc.NoSuchTableError, sa.exc.UnreflectableTableError):
        connection.rollback()


def _reflect_one(
    connection: sa.Connection, metadata: sa.MetaData, schema: str | None, name: str
) -> str | None:
    """Reflect one table or view into `metadata`; None, or why the database could not."""
    try:
        sa.Table(name, metadata, schema=schema, autoload_with=connection)
    except sa.exc.DBAPIError as error:
        connection.rollback()
        return driver_message(error)
    except sa.exc.UnreflectableTableError as error:
        connection.rollback()
        cause = error.__cause__
        return driver_message(cause) if isinstance(cause, sa.exc.DBAPIError) else str(error)
    except sa.exc.NoSuchTableError as error:
        connection.rollback()
        if str(error) == name:
            return "the database no longer lists it"
        return f"it refers to {error}, which does not exist"
    return None


def _key(name: str, schema: str | None) -> str:
    return f"{schema}.{name}" if schema else name


def _schemas(inspector: sa.Inspector, selection: Selection) -> list[str | None]:
    """The schemas to read; the default schema is None so cross-schema keys stay consistent."""
    if not selection.schemas:
        return [None]
    default = inspector.default_schema_name
    return [None if name == default else name for name in dict.fromkeys(selection.schemas)]


def _refine_type(inspector: sa.Inspector, table: sa.Table, column_info: dict) -> None:
    type_ = refine_reflected_type(column_info["type"])
    if inspector.dialect.name == "sqlite":
        type_ = refine_sqlite_type(
            type_, lambda: _sqlite_declared_type(inspector, table, column_info)
        )
    column_info["type"] = type_


def _sqlite_declared_type(inspector: sa.Inspector, table: sa.Table, column_info: dict) -> str:
    """The type name a SQLite column was declared with (read once per table)."""
    cache_key = ("dashkit_declared_types", table.schema, table.name)
    declared = inspector.info_cache.get(cache_key)
    if declared is None:
        quote = inspector.dialect.identifier_preparer.quote_identifier
        prefix = f"{quote(table.schema)}." if table.schema else ""
        rows = inspector.bind.exec_driver_sql(f"PRAGMA {prefix}table_xinfo({quote(table.name)})")
        declared = inspector.info_cache[cache_key] = {row[1]: row[2] for row in rows}
    return declared.get(column_info["name"], "")
