"""Moving what the state database keys by table slug (role grants, saved views, row
history) from the numbered slugs of earlier versions to the stable ones, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.reflect.naming import numbered_url_slugs, url_slugs
from dashkit.state import AuditEvent, Role, SavedView, Setting

STABLE_SLUGS_SETTING = "stable_slugs"


def upgrade_stored_slugs(engine: sa.Engine, table_keys: Sequence[str]) -> dict[str, str]:
    """Rename the slugs stored before slugs were stable, the first time a state database
    serves with stable ones; returns the renames (old → new), empty on later starts.

    The numbered slugs are worked out from the tables served now, which are the tables
    they were given for unless some were added or dropped in between.
    """
    with Session(engine) as session, session.begin():
        if session.get(Setting, STABLE_SLUGS_SETTING) is not None:
            return {}
        stable = url_slugs(table_keys)
        numbered = numbered_url_slugs(table_keys)
        renames = {numbered[key]: stable[key] for key in table_keys if numbered[key] != stable[key]}
        if renames:
            rename_stored_slugs(session, renames)
        session.add(Setting(key=STABLE_SLUGS_SETTING, value="1"))
    return renames


def rename_stored_slugs(session: Session, renames: Mapping[str, str]) -> None:
    """Apply `renames` (old slug → new) all at once, so one table's new slug may be
    another's old one."""
    for role in session.scalars(sa.select(Role)):
        patterns = [_renamed_pattern(pattern, renames) for pattern in role.permissions]
        if patterns != role.permissions:
            role.permissions = patterns
    for model in (SavedView, AuditEvent):
        session.execute(
            sa.update(model)
            .where(model.model.in_(renames))
            .values(model=sa.case(renames, value=model.model))
        )


def _renamed_pattern(pattern: str, renames: Mapping[str, str]) -> str:
    resource, dot, verb = pattern.rpartition(".")
    return f"{renames[resource]}{dot}{verb}" if resource in renames else pattern
