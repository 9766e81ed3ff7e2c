"""dashkit/cli/core.py: `dashkit --version`, `dashkit routes` and `dashkit run`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import dashkit
import dashkit.app
from dashkit.cli import main

SHOP = """
from dashkit import App

def create_app(config=None):
    app = App(__name__, {"SECRET_KEY": "s", **(config or {})})

    @app.route("/")
    def index(request):
        return "home"

    @app.route("/orders/<int:order_id>", methods=["GET", "POST"])
    def order(request, order_id):
        return str(order_id)

    return app

app = create_app()
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def served(monkeypatch) -> list[dict]:
    """What `dashkit run` hands to Werkzeug's run_simple (nothing is served)."""
    calls: list[dict] = []
    monkeypatch.setattr(
        dashkit.app,
        "run_simple",
        lambda host, port, application, **options: calls.append(
            {"host": host, "port": port, "app": application, **options}
        ),
    )
    return calls


def test_version(runner: CliRunner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"dashkit, version {dashkit.__version__}\n"


def test_routes_prints_a_table(runner: CliRunner, app_module):
    module = app_module(SHOP)
    result = runner.invoke(main, ["routes", f"{module}:create_app()"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["index", "GET", "/"]
    assert lines[3].split() == ["order", "GET,", "POST", "/orders/<int:order_id>"]
    assert lines[3].index("/orders") == lines[0].index("Rule")
    assert len(lines) == 4


def test_routes_of_a_module_level_app(runner: CliRunner, app_module):
    module = app_module(SHOP)
    result = runner.invoke(main, ["routes", f"{module}:app"])
    assert result.exit_code == 0
    assert "/orders/<int:order_id>" in result.output


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nowhere_module:create_app()", "cannot import 'nowhere_module': no such module"),
        ("{module}:make()", "has no 'make'"),
        ("{module}:create_app(open('x'))", "factory arguments must be Python literals"),
    ],
)
@pytest.mark.parametrize("command", ["routes", "run"])
def test_bad_app_is_a_clear_error_not_a_traceback(
    runner: CliRunner, app_module, served, command, spec, message
):
    module = app_module(SHOP)
    result = runner.invoke(main, [command, spec.format(module=module)])
    assert result.exit_code == 2
    assert "Error: " in result.output and message in result.output
    assert "Traceback" not in result.output
    assert served == []


def test_app_that_fails_its_configuration_is_a_clear_error(
    runner: CliRunner, app_module, monkeypatch
):
    monkeypatch.delenv("DASHKIT_SECRET_KEY", raising=False)
    module = app_module("from dashkit import App\n\ndef create_app():\n    return App(__name__)\n")
    result = runner.invoke(main, ["routes", f"{module}:create_app()"])
    assert result.exit_code == 1
    assert "Error: " in result.output and "SECRET_KEY is required" in result.output
    assert "Traceback" not in result.output


def test_run_passes_host_port_and_reload(runner: CliRunner, app_module, served):
    module = app_module(SHOP)
    result = runner.invoke(
        main, ["run", f"{module}:create_app()", "--host", "0.0.0.0", "--port", "9123", "--reload"]
    )
    assert result.exit_code == 0, result.output
    assert "serving" in result.output and "http://0.0.0.0:9123/" in result.output
    (call,) = served
    assert (call["host"], call["port"], call["use_reloader"], call["use_debugger"]) == (
        "0.0.0.0",
        9123,
        True,
        False,
    )
    assert call["app"].url_map is not None


def test_run_defaults_and_debug_on_loopback(runner: CliRunner, app_module, served):
    module = app_module(SHOP)
    assert runner.invoke(main, ["run", f"{module}:app"]).exit_code == 0
    assert runner.invoke(main, ["run", f"{module}:app", "--debug"]).exit_code == 0
    assert (
        runner.invoke(main, ["run", f"{module}:app", "--debug", "--host", "0.0.0.0"]).exit_code == 0
    )
    defaults, debugged, public = served
    assert (defaults["host"], defaults["port"], defaults["use_reloader"]) == (
        "127.0.0.1",
        8000,
        False,
    )
    assert defaults["use_debugger"] is False
    assert debugged["use_debugger"] is True
    assert public["use_debugger"] is False


def test_installed_command_reports_a_bad_app_without_a_traceback(tmp_path: Path):
    command = Path(sys.executable).with_name("dashkit")
    if not command.exists():
        pytest.skip(f"{command} is not installed in this environment")
    result = subprocess.run(
        [str(command), "routes", "nowhere_module:app"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Error: cannot import 'nowhere_module': no such module" in result.stderr
    assert "Traceback" not in result.stderr
