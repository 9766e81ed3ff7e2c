"""The demo database behind `dashkit demo`: a small, realistic shop built from a fixed seed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from dashkit.demo.data import SEED, shop_rows
from dashkit.demo.schema import SALES_VIEW, shop_metadata


def build_demo_database(path: Path, seed: int = SEED) -> Path:
    """Write the demo shop to the SQLite file `path` (replacing it) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{partial}")
    try:
        metadata = shop_metadata()
        with engine.begin() as connection:
            metadata.create_all(connection)
            connection.exec_driver_sql(SALES_VIEW)
            for table_name, rows in shop_rows(seed).items():
                connection.execute(metadata.tables[table_name].insert(), rows)
    finally:
        engine.dispose()
    partial.replace(path)
    return path


__all__ = ["SEED", "build_demo_database"]
