"""Fixtures of the admin tests (the list tests' own: `list_engine`, `list_session`, `admin_app`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from list_app import admin_app
from list_models import list_engine, list_session
from sqlalchemy.orm import Session
from write_models import database

__all__ = ["admin_app", "engine", "list_engine", "list_session", "session"]


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """The write-test models' tables and the state tables, on each dialect in turn."""
    with database(database_url) as engine:
        yield engine


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
