"""Form fields per column type: which widget to draw and how to coerce what is posted."""

from dashkit.admin.forms.fields import (
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
from dashkit.admin.forms.form import FormResult, coerce_form
from dashkit.admin.forms.introspect import fields_for, scalar_field
from dashkit.admin.forms.relations import SELECT_LIMIT, ForeignKeyField, ManyToManyField

__all__ = [
    "SELECT_LIMIT",
    "UNSET",
    "BinaryField",
    "BooleanField",
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
    "TextField",
    "TimeField",
    "UuidField",
    "coerce_form",
    "fields_for",
    "scalar_field",
]
