"""The one form rendering of the project (spro.core.forms, templates spro/forms/): DSFR and RGAA 11.10/11.11.

After a submission in error: a summary counts the errors and links each one to its field; every invalid
input has aria-invalid="true" and its message in aria-describedby; the page title starts with
"Erreur : N erreur(s)". Required fields are marked in words, and after an error no field is autofocused.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template

from spro.accounts.forms import LoginForm, ProfileForm
from spro.core.forms import SproForm, SproFormMixin
from spro.www.aiguillage.forms import ContactForm

CHOICES = [("oral", "À l'oral"), ("ecrit", "Par écrit")]


class ExampleForm(SproForm):
    name = forms.CharField(label="Nom", max_length=50)
    email = forms.EmailField(label="Courriel", required=False, help_text="Par exemple : nom@exemple.fr")
    kind = forms.ChoiceField(label="Consentement", choices=CHOICES, widget=forms.RadioSelect)
    agree = forms.BooleanField(label="J'accepte")
    topic = forms.ChoiceField(label="Sujet", choices=[("", "Choisir"), ("a", "A")])
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("token") == "refuse":
            raise forms.ValidationError("Ce formulaire a expiré.")
        return data


class Elements(HTMLParser):
    """Every start tag, as (tag, attributes), in document order."""

    def __init__(self, html):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def by_id(self) -> dict:
        return {a["id"]: (t, a) for t, a in self.tags if a.get("id")}

    def controls(self) -> list[dict]:
        return [a for t, a in self.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]


def render(form) -> str:
    return html.unescape(str(form))


def test_an_unbound_form_has_no_summary_and_no_invalid_field():
    html = render(ExampleForm())
    assert "Le formulaire contient" not in html
    assert "aria-invalid" not in html
    assert ExampleForm().error_count == 0


def test_required_fields_are_marked_in_words_and_optional_ones_are_not():
    html = render(ExampleForm())
    assert "Nom (obligatoire)" in html
    assert "Courriel (obligatoire)" not in html
    assert 'aria-hidden="true">*' not in html


def test_the_summary_counts_the_errors_and_links_each_one_to_its_field():
    form = ExampleForm(data={"email": "pas-une-adresse", "token": "refuse"})
    html = render(form)
    # name, email, kind, agree, topic: one error each; the form-level one is counted too.
    assert form.error_count == 6
    assert "Le formulaire contient 6 erreurs" in html
    elements = Elements(html)
    ids = elements.by_id()
    links = [a["href"] for t, a in elements.tags if t == "a"]
    assert links == ["#id_name", "#id_email", "#id_kind_0", "#id_agree", "#id_topic"]
    for href in links:
        tag, attrs = ids[href[1:]]
        assert tag in ("input", "select", "textarea"), href
    assert "Ce formulaire a expiré." in html
    summary = [a for t, a in elements.tags if "data-spro-error-summary" in a]
    assert len(summary) == 1 and summary[0]["tabindex"] == "-1"


def test_every_invalid_input_is_marked_and_described_by_its_message():
    form = ExampleForm(data={"email": "pas-une-adresse"})
    elements = Elements(render(form))
    ids = elements.by_id()
    for control in elements.controls():
        assert control.get("aria-invalid") == "true", control
        message_id = control["aria-describedby"].split()[-1]
        tag, attrs = ids[message_id]
        assert message_id == f"id_{control['name']}-erreur"
    html = render(form)
    assert re.search(r'<p class="fr-error-text" id="id_email-erreur">Saisissez une adresse [^<]+</p>', html)


def test_a_valid_field_of_a_form_in_error_is_not_marked():
    form = ExampleForm(data={"name": "Camille", "kind": "oral", "agree": "on", "topic": "a", "email": "x"})
    elements = Elements(render(form))
    marked = [c["name"] for c in elements.controls() if c.get("aria-invalid")]
    assert marked == ["email"]
    assert form.error_count == 1
    assert "Le formulaire contient 1 erreur<" in render(form)


def test_a_description_the_form_gives_an_input_is_kept_beside_the_error():
    class WithPreview(SproForm):
        hours = forms.CharField(
            label="Horaires", widget=forms.TextInput(attrs={"aria-describedby": "apercu"})
        )

    control = Elements(render(WithPreview(data={}))).controls()[0]
    assert control["aria-describedby"].split() == ["apercu", "id_hours-erreur"]


def test_after_an_error_no_field_takes_the_focus_from_the_summary():
    assert "autofocus" in render(LoginForm())
    assert "autofocus" not in render(LoginForm(data={"username": "", "password": ""}))


def test_the_page_title_starts_with_the_number_of_errors():
    template = Template("{% load spro_forms %}<title>{% form_error_title %}Connexion</title>")
    assert template.render(Context({"form": ExampleForm()})) == "<title>Connexion</title>"
    one = ExampleForm(data={"name": "C", "kind": "oral", "agree": "on", "topic": "a", "email": "x"})
    assert template.render(Context({"form": one})) == "<title>Erreur : 1 erreur – Connexion</title>"
    many = ExampleForm(data={})
    assert template.render(Context({"form": many})).startswith("<title>Erreur : 4 erreurs – ")


def test_the_contact_form_marks_both_ways_of_being_reached_and_says_the_rule_beforehand():
    before = render(ContactForm())
    assert "au moins l'un des deux" in before
    form = ContactForm(data={"name": "Camille", "phone": "", "email": "", "consent": "on"})
    controls = {c["name"]: c for c in Elements(render(form)).controls()}
    assert controls["phone"]["aria-invalid"] == "true"
    assert controls["email"]["aria-invalid"] == "true"
    assert form.error_count == 2


def test_my_account_names_autocomplete():
    controls = {c["name"]: c for c in Elements(render(ProfileForm())).controls()}
    assert controls["first_name"]["autocomplete"] == "given-name"
    assert controls["last_name"]["autocomplete"] == "family-name"


def test_every_form_of_the_project_uses_the_shared_rendering():
    import importlib

    modules = [
        "spro.accounts.forms",
        "spro.www.aiguillage.forms",
        "spro.www.annuaire.forms",
        "spro.www.orientations.forms",
        "spro.www.region.forms",
        "spro.www.structures.forms",
    ]
    found = []
    for name in modules:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
                assert issubclass(value, SproFormMixin), value
    assert len(found) >= 15


@pytest.mark.django_db
def test_a_model_form_renders_the_same_way():
    from spro.www.structures.forms import ServiceForm

    form = ServiceForm(data={})
    html = render(form)
    assert "Le formulaire contient" in html
    assert 'href="#id_needs_0"' in html


class HiddenChoiceForm(SproForm):
    name = forms.CharField(label="Nom", max_length=50)
    session = forms.IntegerField(widget=forms.HiddenInput)


def test_an_invalid_hidden_field_is_rendered_and_its_error_listed_in_the_summary():
    form = HiddenChoiceForm(data={"name": "Ada", "session": "pas un nombre"})
    assert not form.is_valid()
    page = str(form)
    hidden = re.search(r'<input type="hidden" name="session"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in hidden and "fr-input" not in hidden
    assert "Saisissez un nombre entier." in page
