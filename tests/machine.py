"""What the test machine provides: the team's sample databases, and how a missing piece is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNDER_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI: a missing service must not pass silently there."""
    if UNDER_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def find_shared_data() -> Path:
    """DASHKIT_SHARED_DATA, else shared/data beside the checkout, else /work/shared/data."""
    candidates = [
        os.environ.get("DASHKIT_SHARED_DATA"),
        ROOT.parent / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "chinook.sqlite").is_file():
            return Path(candidate)
    return ROOT.parent / "shared" / "data"


SHARED_DATA = find_shared_data()
