"""What every form of the project shares: bounded, readable text.

Django's CharField already refuses NUL characters (a French message), but a field without
`max_length` (a password, a ModelForm's TextField) accepts 100 kB or more, and keeps it. The mixin
gives every text field a limit (`FREE_TEXT_MAX_LENGTH` unless the field has its own) and refuses lone
surrogates with the same French words as the API. Put it first among a form's bases.

Every form of the project derives from `SproForm` or `SproModelForm`: the mixin plus one accessible
rendering (templates in spro/core/templates/spro/forms/): an error summary that lists each error as a
link to its field, `aria-invalid` and `aria-describedby` on each invalid input, hints tied to inputs,
required fields marked in words.
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


# Accessible rendering (DSFR and RGAA 11.10/11.11): one pattern for every form of the project.
MULTIPLE_INPUTS = ("radioselect", "checkboxselectmultiple")


class SproBoundField(forms.BoundField):
    """A field rendered with the DSFR markup, its hint and its error tied to the input."""

    def value(self):
        # A refused NUL byte is not drawn back into the page (the message says what was wrong).
        value = super().value()
        return value.replace("\x00", "") if isinstance(value, str) else value

    @property
    def template_name(self) -> str:
        # A field may draw itself (the site form's hours editor and postal-code feedback).
        return self.field.template_name or "spro/forms/field.html"

    @property
    def kind(self) -> str:
        if self.widget_type in MULTIPLE_INPUTS:
            return "radios" if self.widget_type == "radioselect" else "checkboxes"
        if self.widget_type == "checkbox":
            return "checkbox"
        if self.widget_type in ("select", "selectmultiple", "nullbooleanselect"):
            return "select"
        return "input"

    @property
    def anchor_id(self) -> str:
        """The id a link of the error summary targets: the input itself, or the group's first one."""
        if self.name in self.form.anchors:
            return self.form.anchors[self.name]
        if self.kind in ("radios", "checkboxes"):
            return f"{self.auto_id}_0"
        return self.auto_id

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-erreur"

    @property
    def invalid(self) -> bool:
        # Reading `errors` of an unbound form is cheap and empty; a bound one was validated anyway.
        return bool(self.form.is_bound and self.errors)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        # Descriptions the form gives (a live preview…) come first, then the error; the hint is in the label.
        described = (attrs.get("aria-describedby") or widget.attrs.get("aria-describedby") or "").split()
        attrs = super().build_widget_attrs(attrs, widget)
        css = {"input": "fr-input", "select": "fr-select"}.get(self.kind)
        if css and not self.is_hidden:
            classes = f"{widget.attrs.get('class', '')} {attrs.get('class', '')}".split()
            attrs["class"] = " ".join(dict.fromkeys([*classes, css]))
        if self.form.is_bound and self.form.errors and widget.attrs.get("autofocus"):
            # After a submission, focus belongs to the error summary, not to the first field.
            attrs["autofocus"] = False
        attrs.pop("aria-invalid", None)
        if self.invalid:
            attrs["aria-invalid"] = "true"
            described.append(self.error_id)
            if css and not self.is_hidden:
                attrs["class"] += f" {css}--error"
        attrs.pop("aria-describedby", None)
        if described:
            attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return attrs


class RememberedSelect(forms.Select):
    """A select drawn once per set of options, attributes and selected value, then served from memory.

    Django draws a select option by option through its widget templates: on the /annuaire/ page, six
    such lists were a quarter of the page's time (cProfile of bench.search). The HTML is the widget's
    own, first drawing kept; the options are part of the key, so a list read from the database (the
    networks) is drawn anew as soon as it changes."""

    REMEMBERED = 512

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._drawn: dict = {}  # shared by the copies each form makes of its fields (shallow copies)

    def render(self, name, value, attrs=None, renderer=None):
        try:
            choices = tuple((str(code), str(label)) for code, label in self.choices)
            key = (
                name,
                "" if value is None else str(value),
                tuple(sorted({**self.attrs, **(attrs or {})}.items())),
                choices,
                type(renderer),
            )
            hash(key)
        except (TypeError, ValueError):  # grouped options or unusual attributes: drawn each time
            return super().render(name, value, attrs, renderer)
        if key[1] and key[1] not in {code for code, _label in choices}:
            return super().render(name, value, attrs, renderer)  # a value typed by hand is not kept
        html = self._drawn.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._drawn) >= self.REMEMBERED:
                self._drawn.clear()
            self._drawn[key] = html
        return html


class SproFormMixin(BoundedTextMixin):
    """Bounded text, the DSFR look and the error pattern: summary first, each error linked to its field."""

    template_name = "spro/forms/form.html"
    bound_field_class = SproBoundField
    # Required fields are marked in words, "(obligatoire)", beside their label.
    required_mark = " (obligatoire)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ids of inputs a template draws itself (a field's own id otherwise), for the summary's links.
        self.anchors: dict[str, str] = {}

    @property
    def error_count(self) -> int:
        if not self.is_bound:
            return 0
        return sum(len(errors) for errors in self.errors.values())

    def summary_items(self) -> list[dict]:
        """What the error summary lists: non-field errors first, then each field's, in page order."""
        items = [{"message": message} for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                if field.is_hidden:
                    items.append({"message": message})
                else:
                    items.append({"message": message, "label": field.label, "href": f"#{field.anchor_id}"})
        return items


class SproForm(SproFormMixin, forms.Form):
    pass


class SproModelForm(SproFormMixin, forms.ModelForm):
    pass


def form_errors_in(context) -> int:
    """How many errors the forms of a template context hold (for the page title).

    The test is on the value's own type, not `isinstance`: that would evaluate the context's lazy values,
    among them the CSRF token, which sets a cookie on every page (no page could then be cached) and the
    user, which reads the session."""
    count = 0
    seen = set()
    for value in context.flatten().values():
        if issubclass(type(value), forms.BaseForm) and id(value) not in seen and value.is_bound:
            seen.add(id(value))
            count += sum(len(errors) for errors in value.errors.values())
    return count
