"""Authentication and authorisation: sessions, users, roles, permissions, CSRF, headers.

`init_auth(app)` (after `init_db(app)`) wires it all in; views then use
`request.user`, `request.session`, `has_permission`, `require_permission` and the
`login_required` / `permission_required` decorators.
"""

from dashkit.auth.access import (
    has_permission,
    login_required,
    permission_required,
    require_login,
    require_permission,
)
from dashkit.auth.api_tokens import create_api_token
from dashkit.auth.extension import Auth, get_auth
from dashkit.auth.install import init_auth
from dashkit.auth.messages import flash
from dashkit.auth.passwords import PasswordHasher
from dashkit.auth.permissions import BUILTIN_ROLES, MANAGE_USERS, VERBS
from dashkit.auth.users import (
    UserError,
    any_users,
    authenticate,
    create_user,
    find_user,
    set_active,
    set_password,
    set_roles,
)

__all__ = [
    "BUILTIN_ROLES",
    "MANAGE_USERS",
    "VERBS",
    "Auth",
    "PasswordHasher",
    "UserError",
    "any_users",
    "authenticate",
    "create_api_token",
    "create_user",
    "find_user",
    "flash",
    "get_auth",
    "has_permission",
    "init_auth",
    "login_required",
    "permission_required",
    "require_login",
    "require_permission",
    "set_active",
    "set_password",
    "set_roles",
]
