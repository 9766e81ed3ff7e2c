"""dashkit/loading.py: finding the app a command line names."""

from __future__ import annotations

import pytest

from dashkit import App
from dashkit.errors import AppLoadError
from dashkit.loading import load_app

FACTORY_AND_APP = """
from dashkit import App

def create_app(config=None, name="factory"):
    app = App(__name__, {"SECRET_KEY": "s", **(config or {})})
    app.extensions["name"] = name
    return app

app = create_app(name="module-level")
not_an_app = 42
"""


def test_factory_call(app_module):
    module = app_module(FACTORY_AND_APP)
    app = load_app(f"{module}:create_app()")
    assert isinstance(app, App)
    assert app.extensions["name"] == "factory"


def test_factory_call_with_literal_arguments(app_module):
    module = app_module(FACTORY_AND_APP)
    app = load_app(f"{module}:create_app({{'PAGE_SIZE': 5}}, name='custom')")
    assert app.extensions["name"] == "custom"
    assert app.config["PAGE_SIZE"] == 5


def test_app_variable(app_module):
    module = app_module(FACTORY_AND_APP)
    assert load_app(f"{module}:app").extensions["name"] == "module-level"


def test_bare_module_prefers_create_app(app_module):
    module = app_module(FACTORY_AND_APP)
    assert load_app(module).extensions["name"] == "factory"


def test_bare_module_falls_back_to_app(app_module):
    module = app_module("from dashkit import App\napp = App(__name__, {'SECRET_KEY': 's'})\n")
    assert isinstance(load_app(module), App)


def test_module_inside_a_package(app_module):
    module = app_module(FACTORY_AND_APP, name="shop.web")
    assert load_app(f"{module}:create_app()").import_name == "shop.web"


def test_bare_module_without_app_or_factory(app_module):
    module = app_module("x = 1\n")
    with pytest.raises(
        AppLoadError, match=f"module '{module}' has neither create_app\\(\\) nor app"
    ):
        load_app(module)


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("missing", "has no 'missing'"),
        ("missing()", "has no 'missing'"),
        ("not_an_app", "gave int, not a dashkit App"),
        ("create_app(os.environ)", "factory arguments must be Python literals"),
        ("create_app(", "expected module:name or module:factory"),
        ("app.config", "expected module:name or module:factory"),
        ("create_app()()", "expected module:name or module:factory"),
    ],
)
def test_bad_attribute(app_module, attribute, message):
    module = app_module(FACTORY_AND_APP)
    with pytest.raises(AppLoadError, match=message) as raised:
        load_app(f"{module}:{attribute}")
    assert module in str(raised.value)


@pytest.mark.parametrize(
    "spec", ["no_such_module_here:app", "no_such_module_here", "json.no_such_sub:app"]
)
def test_missing_module(app_module, spec):
    with pytest.raises(AppLoadError, match="no such module"):
        load_app(spec)


@pytest.mark.parametrize("spec", [":app", "", "  "])
def test_missing_module_name(spec):
    with pytest.raises(AppLoadError, match="no module named"):
        load_app(spec)


def test_missing_dependency_of_the_app_is_not_disguised(app_module):
    module = app_module("import dependency_that_is_not_installed\n")
    with pytest.raises(ModuleNotFoundError, match="dependency_that_is_not_installed"):
        load_app(f"{module}:app")


def test_missing_dependency_whose_name_prefixes_the_module_is_not_disguised(app_module):
    module = app_module("import shop_lib\n", name="shop_library")
    with pytest.raises(ModuleNotFoundError, match="shop_lib"):
        load_app(f"{module}:app")


def test_errors_inside_the_factory_propagate(app_module):
    module = app_module("def create_app():\n    raise RuntimeError('factory bug')\n")
    with pytest.raises(RuntimeError, match="factory bug"):
        load_app(f"{module}:create_app()")
