"""Every served app of these tests keeps its state and caches under a DASHKIT_HOME of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def dashkit_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "home"))
