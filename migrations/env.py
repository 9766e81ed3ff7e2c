"""Alembic environment: dashkit decides the database, models and lock (see dashkit.migrations)."""

from dashkit.migrations import run_env

run_env()
