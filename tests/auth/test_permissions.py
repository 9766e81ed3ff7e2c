import pytest

from dashkit.auth.permissions import (
    BUILTIN_ROLES,
    MANAGE_USERS,
    RoleCatalog,
    grants,
    pattern_matches,
)
from dashkit.errors import ConfigError


@pytest.mark.parametrize(
    ("pattern", "permission", "expected"),
    [
        ("*", "order.delete", True),
        ("*.view", "order.view", True),
        ("*.view", "order.change", False),
        ("order.*", "order.refund", True),
        ("order.*", "customer.view", False),
        ("order.refund", "order.refund", True),
        ("order.refund", "order.refunds", False),
        ("order.view", "orders.view", False),
        ("public.order.view", "public.order.view", True),
        ("*.view", "public.order.view", True),
        ("order", "order.view", False),
        ("*.view", "view", False),
    ],
)
def test_pattern_matching(pattern, permission, expected):
    assert pattern_matches(pattern, permission) is expected


def test_builtin_roles():
    assert grants(BUILTIN_ROLES["admin"], "order.delete")
    assert grants(BUILTIN_ROLES["admin"], MANAGE_USERS)
    editor = BUILTIN_ROLES["editor"]
    assert grants(editor, "order.change") and grants(editor, "order.export")
    assert not grants(editor, "order.delete") and not grants(editor, MANAGE_USERS)
    viewer = BUILTIN_ROLES["viewer"]
    assert grants(viewer, "order.view") and not grants(viewer, "order.add")


def test_configured_roles_cannot_shadow_builtins_or_be_strings():
    with pytest.raises(ConfigError, match="built-in"):
        RoleCatalog({"admin": ["*.view"]})
    with pytest.raises(ConfigError, match="list of permission patterns"):
        RoleCatalog({"refunder": "order.refund"})


def test_roles_from_environment_json():
    from dashkit.config import build_config

    catalog = RoleCatalog.from_config(
        build_config({}, {"DASHKIT_ROLES": '{"refunder": ["order.refund"]}'})
    )
    assert catalog.configured == {"refunder": ("order.refund",)}
    with pytest.raises(ConfigError, match="ROLES must be JSON"):
        RoleCatalog.from_config(build_config({}, {"DASHKIT_ROLES": "refunder=order.refund"}))
