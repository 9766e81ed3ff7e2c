"""Plan a relationship in both directions for every foreign key between served tables."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dashkit.reflect.naming import python_identifier, strip_key_suffix, unique_name


@dataclass(frozen=True)
class RelationshipPlan:
    """One side of a foreign key: `many_to_one` on the referring table, or its reverse."""

    name: str
    table: sa.Table
    target: sa.Table
    constraint: sa.ForeignKeyConstraint
    many_to_one: bool

    def join_pairs(self) -> list[tuple[sa.Column, sa.Column]]:
        """(referring column, referred column) pairs of the foreign key."""
        return [(element.parent, element.column) for element in self.constraint.elements]


def plan_relationships(tables: list[sa.Table]) -> dict[str, list[RelationshipPlan]]:
    """Relationship plans per table key; names never collide with columns or each other."""
    served = {table.key for table in tables}
    taken = {table.key: _column_names(table) for table in tables}
    plans: dict[str, list[RelationshipPlan]] = {table.key: [] for table in tables}
    for table in tables:
        constraints = sorted(table.foreign_key_constraints, key=_constraint_sort_key)
        for constraint in constraints:
            target = constraint.referred_table
            if target.key not in served:
                continue
            local = [column.name for column in constraint.columns]
            forward = unique_name(_forward_candidates(local, target), taken[table.key])
            plans[table.key].append(RelationshipPlan(forward, table, target, constraint, True))
            siblings = [c for c in constraints if c.referred_table is target]
            reverse_base = python_identifier(table.name) + "_set"
            reverse_candidates = [reverse_base] if len(siblings) == 1 else []
            reverse_candidates.append(f"{reverse_base}_by_{python_identifier('_'.join(local))}")
            reverse = unique_name(reverse_candidates, taken[target.key])
            plans[target.key].append(RelationshipPlan(reverse, target, table, constraint, False))
    return plans


def _column_names(table: sa.Table) -> set[str]:
    return {column.name for column in table.columns} | {
        python_identifier(column.name) for column in table.columns
    }


def _forward_candidates(local: list[str], target: sa.Table) -> list[str]:
    candidates = []
    if len(local) == 1 and strip_key_suffix(local[0]) != local[0]:
        candidates.append(python_identifier(strip_key_suffix(local[0])))
    candidates.append(python_identifier(target.name))
    candidates.append(python_identifier(f"{'_'.join(local)}_{target.name}"))
    return candidates


def _constraint_sort_key(constraint: sa.ForeignKeyConstraint) -> tuple[str, ...]:
    return (constraint.referred_table.key, *(column.name for column in constraint.columns))
