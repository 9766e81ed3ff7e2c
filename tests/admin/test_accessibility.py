"""axe-core (vendored from the npm registry, tests/vendor/) finds no WCAG 2.2 A or AA
violation on the admin's main screens, in light and dark mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from list_app import PASSWORD, make_admin_app
from list_models import seeded_engine

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.10.2.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENS = {
    "index": "/admin/",
    "list": "/admin/list_orders/",
    "search": "/admin/list_customers/?q=smith",
    "detail": "/admin/list_orders/3/",
    "edit": "/admin/list_orders/3/edit",
    "new": "/admin/list_customers/new",
}


@pytest.fixture
def base_url(tmp_path: Path, live_server) -> str:
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    seeded_engine(url).dispose()
    return live_server(make_admin_app(url)).url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_main_screens_have_no_wcag_violations(browser, base_url, scheme):
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # to add axe inline
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    found = {}
    for name, path in SCREENS.items():
        page.goto(base_url + path)
        page.add_script_tag(path=str(AXE))
        passes, violations = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
                .then(result => [result.passes.length,
                    result.violations.map(v => [v.id, v.nodes.map(n => n.target.join(" "))])])""",
            WCAG_22_AA,
        )
        assert passes > 10, f"axe checked next to nothing on {name}"
        if violations:
            found[name] = violations
    context.close()
    assert found == {}
