"""README.md's Quickstart, run as written: its module and shell lines, then its page."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _quickstart() -> tuple[str, list[str]]:
    """The Python block and the shell lines of the Quickstart section."""
    section = README.read_text().split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    python = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    shell = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert python and shell, "the Quickstart lost its python or sh block"
    return python.group(1), shell.group(1).strip().splitlines()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.timeout(60)
def test_the_quickstart_serves_its_page(tmp_path: Path) -> None:
    module, lines = _quickstart()
    *setup, serve = lines
    assert serve == "dashkit run 'myapp:create_app()' --port 8000", serve
    (tmp_path / "myapp.py").write_text(module)
    port = _free_port()
    script = "\n".join([*setup, "exec " + serve.replace("--port 8000", f"--port {port}")])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DASHKIT_")}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    server = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    page = ""
    try:
        for _ in range(100):  # up to ~20 s for the server to start
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello/world", timeout=2) as r:
                    page = r.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "<h1>Hello world</h1>" in page, output
