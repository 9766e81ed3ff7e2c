"""Dispatch benchmark: dashkit against Flask and bare Werkzeug, in-process and under gunicorn.

Usage: .venv/bin/python bench/dispatch.py [--iterations N] [--repeats R] [--requests N] [--no-gunicorn]

In-process, each app's WSGI callable is called directly with a prepared environ, N
times; the best of R repeats counts (CPU time of this process, frameworks taking turns).
Under gunicorn (sync workers on 127.0.0.1), client processes send a fixed number of
requests over fresh connections; the best of R rounds counts. Every loop is bounded by
a count, and every wait by a timeout.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import apps
from serving import Page, call, call_repeatedly, seconds_per_request, served
from werkzeug.test import EnvironBuilder

FRAMEWORKS = {"dashkit": "dashkit_app", "flask": "flask_app", "werkzeug": "werkzeug_app"}
ROUTES = {"hello": "/", "template": apps.POST_PATH}

WsgiApp = Callable[..., Any]


def in_process_rates(path: str, iterations: int, repeats: int) -> dict[str, float]:
    """Requests per second of each framework, best of `repeats` runs of `iterations` calls.

    The frameworks take turns within each repeat, and the clock is this process's CPU
    time, so other load on the machine skews them alike and little.
    """
    environ = EnvironBuilder(path=path, headers={"Accept": "text/html"}).get_environ()
    best = dict.fromkeys(FRAMEWORKS, math.inf)
    for _ in range(repeats):
        for name, attribute in FRAMEWORKS.items():
            best[name] = min(best[name], cpu_seconds(getattr(apps, attribute), environ, iterations))
    return {name: iterations / seconds for name, seconds in best.items()}


def cpu_seconds(app: WsgiApp, environ: dict[str, Any], iterations: int) -> float:
    status, _ = call(app, environ)
    if not status.startswith("200"):
        raise SystemExit(f"{environ['PATH_INFO']} answered {status}, not 200")
    gc.collect()
    started = time.process_time()
    call_repeatedly(app, environ, iterations)
    return time.process_time() - started


def check_same_output(path: str) -> None:
    """All three apps must do the same work: identical bodies for each route."""
    environ = EnvironBuilder(path=path).get_environ()
    bodies = {name: call(getattr(apps, attr), environ)[1] for name, attr in FRAMEWORKS.items()}
    if len(set(bodies.values())) != 1:
        raise SystemExit(f"the apps answer {path} differently: {bodies}")


def gunicorn_rates(path: str, options: argparse.Namespace) -> dict[str, float]:
    """Requests per second of each framework through gunicorn, best of `options.repeats` rounds.

    The three servers run side by side and the frameworks take turns within each round.
    """
    frameworks = {name: getattr(apps, attribute) for name, attribute in FRAMEWORKS.items()}
    with served(frameworks, options.workers) as ports:
        pages = {name: Page(port, path) for name, port in ports.items()}
        seconds = seconds_per_request(pages, options.requests, options.repeats, options.clients)
    return {name: 1 / value for name, value in seconds.items()}


def print_table(title: str, rates: dict[str, dict[str, float]]) -> None:
    print(title)
    print(
        f"  {'route':<10}{'dashkit':>10}{'flask':>10}{'werkzeug':>10}{'dk/flask':>10}{'dk/wz':>8}"
    )
    for route, by_framework in rates.items():
        dashkit, flask, werkzeug = (by_framework[name] for name in FRAMEWORKS)
        print(
            f"  {route:<10}{dashkit:>10,.0f}{flask:>10,.0f}{werkzeug:>10,.0f}"
            f"{dashkit / flask:>9.2f}x{dashkit / werkzeug:>7.2f}x"
        )
    print("  (requests per second; higher is better)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20_000, help="calls per in-process run")
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each measure; the best counts"
    )
    parser.add_argument("--requests", type=int, default=3_000, help="requests per gunicorn run")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=2, help="client processes against gunicorn")
    parser.add_argument("--no-gunicorn", action="store_true", help="only the in-process figures")
    options = parser.parse_args()

    for path in ROUTES.values():
        check_same_output(path)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    rates = {
        route: in_process_rates(path, options.iterations, options.repeats)
        for route, path in ROUTES.items()
    }
    print_table(
        f"in-process WSGI call, best of {options.repeats} x {options.iterations:,} requests", rates
    )
    if options.no_gunicorn:
        return
    rates = {route: gunicorn_rates(path, options) for route, path in ROUTES.items()}
    print_table(
        f"gunicorn, {options.workers} sync worker(s), {options.clients} client processes, "
        f"best of {options.repeats} x {options.requests:,} requests over fresh connections",
        rates,
    )


if __name__ == "__main__":
    main()
