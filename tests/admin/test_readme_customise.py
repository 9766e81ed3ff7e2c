"""The README's "Customise the admin" examples, run as written: a row template and a
widget overridden for one model, a column of one's own and a formatter."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from list_app import FAST_N, PASSWORD, signed_in
from list_models import Customer, Order, seeded_engine

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state

README = Path(__file__).resolve().parents[2] / "README.md"


def customise_section() -> str:
    text = README.read_text()
    return text[text.index("### Customise the admin") :].split("\n## ", 1)[0]


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", customise_section(), flags=re.S)


def readme_app(tmp_path: Path) -> App:
    row, widget = code_blocks("jinja")[:2]
    folder = tmp_path / "templates" / "admin" / "list_orders"
    (folder / "_list").mkdir(parents=True)
    (folder / "_widgets").mkdir()
    (folder / "_list" / "row.html").write_text(row.replace("status", "reference"))
    (folder / "_widgets" / "textarea.html").write_text(widget)
    namespace = {"ModelAdmin": ModelAdmin, "date": date}
    exec(code_blocks("python")[-1], namespace)

    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    seeded_engine(url).dispose()
    upgrade_state(url)
    app = App("tests", {"SECRET_KEY": "s", "PASSWORD_SCRYPT_N": FAST_N}, template_folder=str(tmp_path / "templates"))
    init_db(app, url)
    init_auth(app)
    admin = Admin(app)
    admin.register(Customer)
    admin.register(Order, namespace["OrderAdmin"])
    with app.state_session() as session:
        create_user(session, "ada", PASSWORD, ["admin"], hasher=PasswordHasher(n=FAST_N))
    return app


def test_the_readmes_row_column_and_formatter_draw_one_models_list(tmp_path):
    client = signed_in(readme_app(tmp_path))
    orders = client.get("/admin/list_orders/?sort=id").text
    assert '<span class="badge badge-R-01-1">R-01-1</span>' in orders
    assert ">Age<" in orders and re.search(r"<td>\d+ days</td>", orders)
    assert "<td class=\"number\">€ 37.25</td>" in orders
    customers = client.get("/admin/list_customers/").text
    assert "badge" not in customers


def test_the_readmes_widget_draws_one_models_long_text(tmp_path):
    client = signed_in(readme_app(tmp_path))
    form = client.get("/admin/list_orders/3/edit").text
    assert re.search(r'<textarea id="field-note" name="note" rows="16"[^>]*>note 3</textarea>', form)
