"""dashkit/templating.py: one environment per app, lookup order, blocks, template globals."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound
from markupsafe import Markup

from dashkit import App, Blueprint, Request, render


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


@pytest.fixture
def app(templates: Path) -> App:
    return App("tests", {"SECRET_KEY": "s", "GREETING": "hi"}, template_folder=str(templates))


def test_each_app_has_its_own_environment(app: App):
    other = App("tests", {"SECRET_KEY": "s"})
    assert app.templates.environment is not other.templates.environment
    app.templates.environment.globals["only_here"] = 1
    assert "only_here" not in other.templates.environment.globals


def test_autoescape_in_html_templates(app: App, client, templates: Path):
    write(templates, "page.html", "<p>{{ text }}</p>{{ trusted|safe }}")
    app.add_url_rule(
        "/",
        "index",
        lambda request: render(
            request, "page.html", text="<script>alert(1)</script>", trusted="<b>ok</b>"
        ),
    )
    body = client.get("/").text
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><b>ok</b>" == body


def test_render_sets_status_and_full_page_extends_the_base(app: App, client, templates: Path):
    write(
        templates,
        "page.html",
        '{% extends "dashkit/base.html" %}{% block content %}<h1>{{ heading }}</h1>{% endblock %}',
    )
    app.add_url_rule(
        "/", "index", lambda request: render(request, "page.html", status=201, heading="Orders")
    )
    response = client.get("/")
    assert response.status_code == 201
    assert "<h1>Orders</h1>" in response.text
    assert response.text.startswith("<!doctype html>")
    assert "Vary" not in response.headers


def test_render_block_gives_just_the_fragment(app: App, client, templates: Path):
    write(
        templates,
        "list.html",
        '{% extends "dashkit/base.html" %}{% block content %}<table><tbody id="rows">'
        "{% block rows %}{% for row in rows %}<tr><td>{{ row }}</td></tr>{% endfor %}{% endblock %}"
        "</tbody></table>{% endblock %}",
    )

    @app.route("/list")
    def listing(request: Request):
        return render(
            request, "list.html", block="rows" if request.is_htmx else None, rows=["a", "<b>"]
        )

    fragment = client.get("/list", headers={"HX-Request": "true"})
    assert fragment.text == "<tr><td>a</td></tr><tr><td>&lt;b&gt;</td></tr>"
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get("/list")
    assert "<tr><td>a</td></tr>" in full.text and "<!doctype html>" in full.text


def test_render_unknown_block_names_template_and_block(app: App, templates: Path):
    write(templates, "list.html", "{% block rows %}{% endblock %}")
    app.propagate_exceptions = True
    app.add_url_rule("/", "index", lambda request: render(request, "list.html", block="colums"))
    with pytest.raises(KeyError, match="template 'list.html' has no block 'colums'"):
        app.test_client().get("/")


def test_unknown_template_raises(app: App):
    app.propagate_exceptions = True
    app.add_url_rule("/", "index", lambda request: render(request, "nope.html"))
    with pytest.raises(TemplateNotFound):
        app.test_client().get("/")


def test_template_globals(app: App, client, templates: Path):
    write(
        templates,
        "globals.html",
        "{{ request.path }}|{{ url_for('item', number=3, _anchor='x') }}|"
        "{{ url_for('item', number=3, _external=True) }}|{{ config.GREETING }}|"
        "{{ static('dashkit/css/dashkit.css') }}",
    )
    app.add_url_rule(
        "/item/<int:number>", "item", lambda request, number: render(request, "globals.html")
    )
    path, relative, external, greeting, css = client.get("/item/1").text.split("|")
    assert path == "/item/1"
    assert relative == "/item/3#x"
    assert external == "http://localhost/item/3"
    assert greeting == "hi"
    assert re.fullmatch(r"/static/dashkit/css/dashkit\.[0-9a-f]{12}\.css", css)
    assert client.get(css).status_code == 200


def test_the_static_filter_names_the_same_url_as_the_global_under_a_mount_point(
    app: App, client, templates: Path
):
    write(
        templates,
        "f.html",
        "{{ static('dashkit/js/dashkit.js') }}|{{ 'dashkit/js/dashkit.js' | static }}",
    )
    app.add_url_rule("/", "index", lambda request: render(request, "f.html"))
    from_global, from_filter = client.get("/").text.split("|")
    assert from_filter == from_global
    assert re.fullmatch(r"/static/dashkit/js/dashkit\.[0-9a-f]{12}\.js", from_filter)
    mounted = client.get("/", base_url="http://localhost/tools").text.split("|")
    assert mounted == [f"/tools{from_global}"] * 2, "both under the app's mount point"


def test_static_of_a_missing_file_explains_the_prefixes(app: App, templates: Path):
    write(templates, "bad.html", "{{ static('css/nope.css') }}")
    app.propagate_exceptions = True
    app.add_url_rule("/", "index", lambda request: render(request, "bad.html"))
    with pytest.raises(FileNotFoundError, match="dashkit's own files start with 'dashkit/'"):
        app.test_client().get("/")


def test_context_processors_add_variables_and_the_view_wins(app: App, client, templates: Path):
    write(templates, "ctx.html", "{{ user }} {{ theme }}")
    app.templates.context_processors.append(lambda request: {"user": "ada", "theme": "dark"})
    app.add_url_rule("/", "index", lambda request: render(request, "ctx.html", theme="light"))
    assert client.get("/").text == "ada light"


def test_environment_globals_reach_pages_and_blocks_and_the_view_wins(
    app: App, client, templates: Path
):
    write(
        templates,
        "g.html",
        "{{ site }} {{ theme }}{% block part %}[{{ site }} {{ theme }}]{% endblock %}",
    )
    app.templates.environment.globals.update(site="shop", theme="dark")
    app.add_url_rule(
        "/",
        "index",
        lambda request: render(request, "g.html", block=request.args.get("block"), theme="light"),
    )
    assert client.get("/").text == "shop light[shop light]"
    app.templates.environment.globals["site"] = "store"  # changed after the first render
    assert client.get("/?block=part").text == "[store light]"


def test_an_error_in_a_template_is_raised_with_the_template_in_its_traceback(
    app: App, templates: Path
):
    write(templates, "broken.html", "<p>fine</p>\n{{ 1 // zero }}")
    app.propagate_exceptions = True
    app.add_url_rule("/", "index", lambda request: render(request, "broken.html", zero=0))
    with pytest.raises(ZeroDivisionError) as raised:
        app.test_client().get("/")
    assert any(str(entry.path).endswith("broken.html") for entry in raised.traceback)


def test_app_overrides_a_builtin_template_by_name(app: App, client, templates: Path):
    write(templates, "dashkit/error.html", "custom {{ status }}: {{ error.name }}")
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.text == "custom 404: Not Found"


def test_builtin_error_template_without_override(client):
    response = client.get("/missing")
    assert "<h1>404 Not Found</h1>" in response.text
    assert '<link rel="stylesheet" href="/static/dashkit/css/dashkit.' in response.text


def test_lookup_order_app_then_blueprints_then_dashkit(
    app: App, client, templates: Path, tmp_path: Path
):
    first = tmp_path / "first"
    second = tmp_path / "second"
    for name in ("everywhere.html", "blueprints.html"):
        write(first, name, "first blueprint")
        write(second, name, "second blueprint")
    write(templates, "everywhere.html", "the app")
    write(second, "dashkit/error.html", "blueprint error page")
    write(second, "only_second.html", "second only")
    app.register_blueprint(Blueprint("one", __name__, template_folder=str(first)))
    app.register_blueprint(Blueprint("two", __name__, template_folder=str(second)))
    app.add_url_rule("/<name>", "show", lambda request, name: render(request, name))

    assert client.get("/everywhere.html").text == "the app"
    assert client.get("/blueprints.html").text == "first blueprint"
    assert client.get("/only_second.html").text == "second only"
    assert client.get("/nothing-here/").text == "blueprint error page"


def test_debug_app_picks_up_edited_templates(templates: Path):
    app = App("tests", {"DEBUG": True}, template_folder=str(templates))
    write(templates, "page.html", "first")
    app.add_url_rule("/", "index", lambda request: render(request, "page.html"))
    client = app.test_client()
    assert client.get("/").text == "first"
    write(templates, "page.html", "second version")
    later = (
        templates / "page.html"
    ).stat().st_mtime + 10  # coarse file clocks must not hide the edit
    os.utime(templates / "page.html", (later, later))
    assert client.get("/").text == "second version"


def test_production_app_does_not_check_templates_for_changes(app: App):
    assert app.templates.environment.auto_reload is False


def test_every_asset_the_base_layout_links_is_served(app, client):
    """A browser asks for /favicon.ico (a 404 in its console) unless the page names an icon."""

    @app.route("/page")
    def page(request):
        return render(request, "dashkit/base.html")

    html = client.get("/page").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any("favicon" in asset for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


class _Html:
    def __html__(self) -> str:
        return "<i>own</i>"


@pytest.mark.parametrize(
    "value", ["plain", "<b>&'\"", Markup("<em>safe</em>"), 42, 3.5, None, _Html(), "é ü 北京"]
)
def test_output_is_escaped_exactly_as_markupsafe_escapes_it(value):
    from markupsafe import escape

    from dashkit.templating import escape_output

    assert escape_output(value) == str(escape(value))


def test_templates_write_values_through_the_output_escape(app):
    from dashkit.templating import OutputEscapingCodeGenerator

    environment = app.templates.environment
    assert environment.code_generator_class is OutputEscapingCodeGenerator
    source = environment.compile(
        "{{ text }}{% autoescape false %}{{ text }}{% endautoescape %}", raw=True
    )
    assert "escape_output(" in source
    template = environment.from_string(
        "{{ text }}|{{ safe }}|{% autoescape false %}{{ text }}{% endautoescape %}|{{ text | e }}"
    )
    html = template.render(text="<b>", safe=Markup("<i>"))
    assert html == "&lt;b&gt;|<i>|<b>|&lt;b&gt;"
