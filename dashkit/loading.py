"""Find the application named on the command line: `module:factory()`, `module:app`, `module`."""

from __future__ import annotations

import ast
import importlib
import os
import sys
from types import ModuleType
from typing import Any

from dashkit.app import App
from dashkit.errors import AppLoadError

DEFAULT_NAMES = ("create_app", "app")


def load_app(spec: str) -> App:
    """Import and build the app `spec` names; the current folder is importable."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module_name, _, attribute = spec.partition(":")
    module = _import(module_name)
    if not attribute:
        return _default_app(module, module_name)
    return _evaluate(module, attribute, spec)


def _import(module_name: str) -> ModuleType:
    if not module_name.strip():
        raise AppLoadError("no module named: expected module:factory() or module:app")
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name + ".").startswith(error.name + "."):
            raise AppLoadError(
                f"cannot import {module_name!r}: no such module (from {os.getcwd()})"
            ) from None
        raise


def _default_app(module: ModuleType, module_name: str) -> App:
    for name in DEFAULT_NAMES:
        if hasattr(module, name):
            return _evaluate(module, f"{name}()" if name == "create_app" else name, module_name)
    raise AppLoadError(
        f"module {module_name!r} has neither create_app() nor app; name one: {module_name}:NAME"
    )


def _evaluate(module: ModuleType, attribute: str, spec: str) -> App:
    try:
        expression = ast.parse(attribute.strip(), mode="eval").body
    except SyntaxError:
        raise AppLoadError(f"{spec!r}: expected module:name or module:factory(args)") from None
    if isinstance(expression, ast.Name):
        target, call = expression.id, None
    elif isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name):
        target, call = expression.func.id, expression
    else:
        raise AppLoadError(f"{spec!r}: expected module:name or module:factory(args)")
    try:
        value: Any = getattr(module, target)
    except AttributeError:
        raise AppLoadError(f"{spec!r}: module {module.__name__!r} has no {target!r}") from None
    if call is not None:
        try:
            args = [ast.literal_eval(argument) for argument in call.args]
            kwargs = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
        except ValueError:
            raise AppLoadError(f"{spec!r}: factory arguments must be Python literals") from None
        value = value(*args, **kwargs)
    if not isinstance(value, App):
        raise AppLoadError(f"{spec!r} gave {type(value).__name__}, not a dashkit App")
    return value
