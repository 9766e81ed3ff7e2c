"""Form fields per column type: which widget to draw and how to coerce what is posted."""

from dashkit.admin.edit.forms.binding import BoundField, bind_fields
from dashkit.admin.edit.forms.choices import Targets, row_label, search_targets
from dashkit.admin.edit.forms.fields import (
    UNSET,
    BinaryField,
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FieldError,
    FloatField,
    IntegerField,
    JsonField,
    StringField,
    TextField,
    TimeField,
    UuidField,
)
from dashkit.admin.edit.forms.form import FormResult, coerce_form
from dashkit.admin.edit.forms.introspect import fields_for, scalar_field
from dashkit.admin.edit.forms.relations import SELECT_LIMIT, ForeignKeyField, ManyToManyField

__all__ = [
    "SELECT_LIMIT",
    "UNSET",
    "BinaryField",
    "BooleanField",
    "BoundField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "Field",
    "FieldError",
    "FloatField",
    "ForeignKeyField",
    "FormResult",
    "IntegerField",
    "JsonField",
    "ManyToManyField",
    "StringField",
    "Targets",
    "TextField",
    "TimeField",
    "UuidField",
    "bind_fields",
    "coerce_form",
    "fields_for",
    "row_label",
    "scalar_field",
    "search_targets",
]
