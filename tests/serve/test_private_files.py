"""dashkit/private_files.py: what dashkit serve creates is readable by its owner alone."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from dashkit.serve import ServeOptions, build_app
from dashkit.serve.home import sqlite_file


@pytest.fixture(autouse=True)
def usual_umask():
    """Most systems create files readable by everyone (umask 022)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "dot-dashkit"))
    return tmp_path / "dot-dashkit"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_caches_and_their_folders_are_private(chinook_path, home):
    served = build_app(ServeOptions(str(chinook_path)))
    assert os.umask(0o022) == 0o022  # put back as it was
    state = sqlite_file(served.state_url)
    folders = [home, home / "state", home / "cache"]
    assert {path: _mode(path) for path in folders} == {path: 0o700 for path in folders}
    files = [state, *(home / "cache").iterdir()]
    assert len(files) == 2 and {path: _mode(path) for path in files} == {
        path: 0o600 for path in files
    }
    with contextlib.closing(sqlite3.connect(state)) as later:  # a worker, long after start-up
        later.execute("UPDATE dashkit_settings SET value = value")
        later.commit()
        companions = [state.with_name(state.name + suffix) for suffix in ("-wal", "-shm")]
        assert {path: _mode(path) for path in companions} == {path: 0o600 for path in companions}


def test_a_state_database_given_by_url_is_created_private(chinook_path, tmp_path, home):
    state = tmp_path / "elsewhere" / "state.sqlite"
    state.parent.mkdir()
    build_app(ServeOptions(str(chinook_path), state_url=f"sqlite:///{state}"))
    assert _mode(state) == 0o600


def test_serve_warns_about_a_state_file_others_can_read(chinook_path, tmp_path, home):
    state = tmp_path / "state.sqlite"
    build_app(ServeOptions(str(chinook_path), state_url=f"sqlite:///{state}"))
    assert build_app(ServeOptions(str(chinook_path), state_url=f"sqlite:///{state}")).warnings == ()
    state.chmod(0o644)
    served = build_app(ServeOptions(str(chinook_path), state_url=f"sqlite:///{state}"))
    (warning,) = served.warnings
    assert f"{state} can be read by other users of this machine" in warning
    assert f"chmod 600 '{state}'" in warning
