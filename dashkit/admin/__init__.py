"""The admin: `Admin(app)`, `admin.register(Model, ModelAdmin)`, list/detail pages and actions."""

from dashkit.admin.access import get_admin
from dashkit.admin.actions import Action, ActionError, action
from dashkit.admin.errors import OptionError, WriteRefused
from dashkit.admin.keys import decode_pk, encode_pk
from dashkit.admin.options import ModelAdmin
from dashkit.admin.registry import Admin

__all__ = [
    "Action",
    "ActionError",
    "Admin",
    "ModelAdmin",
    "OptionError",
    "WriteRefused",
    "action",
    "decode_pk",
    "encode_pk",
    "get_admin",
]
