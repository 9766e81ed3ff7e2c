"""Database URLs on the command line: passwords never printed, and kept out of `ps`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dashkit.cli import main
from dashkit.db import mask_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw1@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db?password=pw1", "postgresql://u@h/db?password=***"),
        ("mysql://u@h/db?PASSWD=pw1&charset=utf8mb4", "mysql://u@h/db?PASSWD=***&charset=utf8mb4"),
        ("postgresql://u@h/db?sslmode=require&sslpassword=pw1", None),
    ],
)
def test_every_password_of_a_url_is_masked(url, shown):
    masked = mask_url(url)
    assert "pw1" not in masked
    if shown:
        assert masked == shown


def test_inspect_masks_a_password_in_the_query_string(postgres_url):
    url = postgres_url + ("&" if "?" in postgres_url else "?") + "password=qs-secret-9"
    result = CliRunner().invoke(main, ["inspect", url])
    assert result.exit_code == 0, result.output
    assert "qs-secret-9" not in result.output + result.stderr
    assert "password=***" in result.output


def test_an_unreachable_database_error_hides_a_query_password():
    url = "postgresql://me@127.0.0.1:1/nowhere?password=qs-secret-9"
    result = CliRunner().invoke(main, ["inspect", url])
    assert result.exit_code == 1
    assert "qs-secret-9" not in result.output + result.stderr
    assert "password=***" in result.stderr


def test_a_password_on_the_command_line_draws_a_warning(chinook_path, postgres_url):
    quiet = CliRunner().invoke(main, ["inspect", str(chinook_path)])
    assert quiet.exit_code == 0 and "process list" not in quiet.stderr
    url = postgres_url.replace("postgres@", "postgres:argv-secret@")
    loud = CliRunner().invoke(main, ["inspect", url])
    assert loud.exit_code == 0 and "visible to other local users" in loud.stderr
    assert "argv-secret" not in loud.stderr + loud.output


@pytest.mark.parametrize("command", [["inspect"], ["eject", "--out", "ejected_pkg"]])
def test_the_url_may_come_from_the_environment(command, chinook_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DASHKIT_DATABASE_URL", str(chinook_path))
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output


def test_the_url_may_come_from_a_file(chinook_path, tmp_path):
    url_file = tmp_path / "database.url"
    url_file.write_text(f"# the shop's database\n\n{chinook_path}\n")
    result = CliRunner().invoke(main, ["inspect", "--url-file", str(url_file)])
    assert result.exit_code == 0, result.output
    assert "Invoice (table, class Invoice)" in result.output


def test_without_a_url_the_command_says_where_to_put_one(monkeypatch):
    monkeypatch.delenv("DASHKIT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["inspect"])
    assert result.exit_code == 2
    assert "give DATABASE_URL, --url-file PATH or set DASHKIT_DATABASE_URL" in result.output


def test_db_upgrade_takes_the_state_url_from_a_file(tmp_path):
    url_file = tmp_path / "state.url"
    url_file.write_text(f"sqlite:///{tmp_path / 'state.sqlite'}\n")
    result = CliRunner().invoke(main, ["db", "upgrade", "--url-file", str(url_file)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "state.sqlite").exists()
