"""Where the team's sample databases (../shared/data) are, from any clone of the repository."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
