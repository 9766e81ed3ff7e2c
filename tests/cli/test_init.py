"""`dashkit init NAME`: the scaffolded project runs, migrates and passes its own test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dashkit.cli import main


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DASHKIT_")
    }
    return subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=180, check=False
    )


def dashkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-c", "from dashkit.cli import main; main()", *args, cwd=cwd)


def test_the_new_project_passes_its_own_test(tmp_path: Path) -> None:
    created = dashkit("init", "demo_app", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "demo_app"
    assert (project / "demo_app" / "migrations" / "env.py").is_file()
    assert "created" in created.stdout and "python -m pytest" in created.stdout

    tested = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "1 passed" in tested.stdout


def test_the_new_project_migrates_and_its_migrations_match_its_models(tmp_path: Path) -> None:
    assert dashkit("init", "shop", cwd=tmp_path).returncode == 0
    project = tmp_path / "shop"
    upgraded = dashkit("db", "upgrade", "--app", "shop:create_app()", cwd=project)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (project / "shop.sqlite").is_file()
    checked = dashkit("db", "check", "--app", "shop:create_app()", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    (project / "shop" / "models.py").write_text(
        (project / "shop" / "models.py").read_text()
        + "\n\nclass Tag(Base):\n    __tablename__ = 'tags'\n\n"
        + "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    written = dashkit(
        "db",
        "revision",
        "--autogenerate",
        "-m",
        "add tags",
        "--app",
        "shop:create_app()",
        cwd=project,
    )
    assert written.returncode == 0, written.stderr
    assert (
        "create_table('tags'"
        in next((project / "shop" / "migrations" / "versions").glob("*add_tags.py")).read_text()
    )


def test_init_refuses_a_name_that_is_not_a_package(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", "Demo-App", "--directory", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot be a Python package name" in result.output
    assert not (tmp_path / "Demo-App").exists()


def test_init_never_writes_into_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", "taken", "--directory", str(tmp_path)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert sorted(path.name for path in (tmp_path / "taken").iterdir()) == ["keep.txt"]
