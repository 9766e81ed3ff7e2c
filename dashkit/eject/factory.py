"""Write the app factory of an ejected app: init_db, init_auth, an Admin with every model."""

from __future__ import annotations

from dashkit.eject.models import ModelSource
from dashkit.reflect.admin_options import AdminOptions


def render_factory(
    package: str, sources: dict[str, ModelSource], options: dict[str, AdminOptions], origin: str
) -> str:
    """The source of app.py for the models in `sources`, with the same slugs serve uses."""
    admin_classes: list[str] = []
    registrations: list[str] = []
    for key, source in sources.items():
        option = options[key]
        if option.differs_from_defaults(source.table.table.name):
            name = f"{source.class_name}Admin"
            body = [f"    slug = {option.slug!r}", f"    category = {option.category!r}"]
            if option.read_only:
                body += [
                    "    read_only = True",
                    f"    read_only_reason = {option.read_only_reason!r}",
                ]
            if option.labels is not None:
                body += [
                    f"    label = {option.labels[0]!r}",
                    f"    label_plural = {option.labels[1]!r}",
                ]
            if option.list_display is not None:
                listed = tuple(source.attributes[name] for name in option.list_display)
                body.append(f"    list_display = {listed!r}")
            admin_classes.append("\n".join([f"class {name}(ModelAdmin):", *body]))
            registrations.append(f"    admin.register(models.{source.class_name}, {name})")
        else:
            registrations.append(f"    admin.register(models.{source.class_name})")
    classes = "\n\n\n".join(admin_classes)
    return _TEMPLATE.format(
        origin=origin,
        package=package,
        admin_classes=f"\n\n{classes}\n" if classes else "",
        admin_import="Admin, ModelAdmin" if classes else "Admin",
        registrations="\n".join(registrations),
    )


_TEMPLATE = '''"""The admin of {origin}, written by `dashkit eject`; grow it into your own app.

Configuration comes from the environment: DASHKIT_DATABASE_URL (the database),
DASHKIT_STATE_URL (dashkit's own tables; default: the same database) and
DASHKIT_SECRET_KEY.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashkit import App
from dashkit.admin import {admin_import}
from dashkit.auth import init_auth
from dashkit.db import init_db

from {package} import models
{admin_classes}

def create_app(config: Mapping[str, Any] | None = None) -> App:
    """The app: the database, sign-in, and an admin screen per table and view."""
    app = App(__name__, config)
    init_db(app, metadata=models.Base.metadata)
    init_auth(app)
    admin = Admin(app, title="{package}")
{registrations}
    return app
'''
