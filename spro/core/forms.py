"""What every form of the project shares: bounded, readable text.

Django's CharField already refuses NUL characters (a French message), but a field without
`max_length` (a password, a ModelForm's TextField) accepts 100 kB or more, and keeps it. The mixin
gives every text field a limit (`FREE_TEXT_MAX_LENGTH` unless the field has its own) and refuses lone
surrogates with the same French words as the API. Put it first among a form's bases.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from spro.core.text import FREE_TEXT_MAX_LENGTH, text_problem


def validate_readable_text(value) -> None:
    # NUL is CharField's own check (ProhibitNullCharactersValidator): one message per problem.
    problem = text_problem(value.replace("\x00", "")) if isinstance(value, str) else None
    if problem:
        raise ValidationError(f"{problem[0].upper()}{problem[1:]}.", code="unreadable_text")


def bound_text_fields(form: forms.BaseForm) -> None:
    """Limit and check every text field of `form` (its fields are copies: other forms are untouched)."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        if field.max_length is None:
            field.max_length = FREE_TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(FREE_TEXT_MAX_LENGTH))
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", str(FREE_TEXT_MAX_LENGTH))
        field.validators.append(validate_readable_text)


class BoundedTextMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_text_fields(self)
