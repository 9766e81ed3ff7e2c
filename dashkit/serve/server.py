"""Run a served app: Werkzeug's threaded server, or N gunicorn workers."""

from __future__ import annotations

import gc
import importlib.util
from typing import Any

from werkzeug.serving import run_simple

from dashkit.app import App
from dashkit.db import get_database
from dashkit.errors import ConfigError


def run_server(app: App, host: str, port: int, workers: int | None) -> None:
    """Serve until interrupted; with `workers`, through gunicorn's pre-forking server."""
    get_database(app).dispose()  # children must not share the parent's connections
    # The reflected models live as long as the process: out of the collector's sight, the
    # first requests do not pay a full collection of them, and forked workers share their
    # memory pages instead of copying each one the collector touches.
    gc.freeze()
    if workers is None:
        run_simple(host, port, app, threaded=True)
        return
    if importlib.util.find_spec("gunicorn") is None:
        raise ConfigError(
            "--workers runs gunicorn, which is not installed: install dashkit's 'server' extra "
            "(pip install '.[server]' in dashkit's folder)"
        )
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _gunicorn_application(app, {"bind": bind, "workers": workers, "accesslog": "-"}).run()


def _gunicorn_application(app: App, settings: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class ServedApplication(BaseApplication):
        """The already-built app, forked into each worker (reflection ran once, here)."""

        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> App:
            return app

    return ServedApplication()
