"""Forms of the agenda: the public search (GET), a person's registration, a member's event, the
cancellation and the Région's moderation."""

from datetime import UTC, datetime

from django import forms
from django.utils import timezone

from spro.core.forms import SproForm, SproModelForm
from spro.events import rules
from spro.events.models import PARIS, Audience, Event, Registration
from spro.events.search import DEFAULT_RADIUS_KM
from spro.territories.lookup import find_commune

RADII_KM = (5, 10, 20, 30, 50, 100)
MAX_CAPACITY = 100_000


def _choices(empty_label, choices):
    return [("", empty_label), *choices]


def _unknown(what):
    return {"invalid_choice": f"{what} n'existe pas : choisissez dans la liste."}


class SearchForm(SproForm):
    """The filters of /agenda/ (names are a contract: see spro.events.search)."""

    commune = forms.CharField(label="Commune ou code postal", required=False, max_length=100)
    rayon = forms.TypedChoiceField(
        label="Distance maximale",
        required=False,
        coerce=int,
        choices=[(r, f"{r} km") for r in RADII_KM],
        error_messages=_unknown("Cette distance"),
    )
    type = forms.ChoiceField(
        label="Type d'événement",
        required=False,
        choices=_choices("Tous les types", list(rules.KINDS.items())),
        error_messages=_unknown("Ce type d'événement"),
    )
    public = forms.ChoiceField(
        label="Public",
        required=False,
        choices=_choices("Tous les publics", list(rules.PUBLICS.items())),
        error_messages=_unknown("Ce public"),
    )
    besoin = forms.ChoiceField(
        label="Thème",
        required=False,
        choices=_choices("Tous les thèmes", list(rules.THEMES.items())),
        error_messages=_unknown("Ce thème"),
    )
    domaine = forms.CharField(
        label="Domaine de métiers (code ROME)",
        help_text="Une lettre de A à N, ou une lettre et deux chiffres, par exemple D11",
        required=False,
        max_length=3,
    )
    du = forms.DateField(
        label="À partir du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide : écrivez JJ/MM/AAAA."},
    )
    au = forms.DateField(
        label="Jusqu'au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide : écrivez JJ/MM/AAAA."},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("rayon"):
            data = data.copy()
            data["rayon"] = str(DEFAULT_RADIUS_KM)  # the list shows the radius the search uses
        super().__init__(data, *args, **kwargs)

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return None
        commune = find_commune(text)
        if commune is None:
            raise forms.ValidationError("Commune inconnue : saisissez un nom ou un code postal.")
        return commune

    def clean_domaine(self):
        code = self.cleaned_data["domaine"].strip().upper()
        if code and not rules.ROME_DOMAIN.fullmatch(code):
            raise forms.ValidationError(
                "Code ROME invalide : une lettre de A à N, ou une lettre et deux chiffres."
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin doit venir après la date de début.")
        return data

    def search_params(self) -> dict:
        """The parameters of spro.events.search (strings, as in a URL)."""
        data = self.cleaned_data
        params = {
            "commune": data["commune"].code if data.get("commune") else "",
            "rayon": str(data["rayon"]) if data.get("rayon") and data.get("commune") else "",
            "type": data.get("type") or "",
            "public": data.get("public") or "",
            "besoin": data.get("besoin") or "",
            "domaine": data.get("domaine") or "",
            "du": data["du"].isoformat() if data.get("du") else "",
            "au": data["au"].isoformat() if data.get("au") else "",
        }
        return {key: value for key, value in params.items() if value}


class RegistrationForm(SproForm):
    name = forms.CharField(
        label="Votre nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Votre courriel",
        max_length=254,
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label="J'accepte que l'organisateur reçoive mon nom et mon courriel pour cet événement.",
        error_messages={
            "required": "Pour vous inscrire, acceptez que l'organisateur reçoive votre nom et votre courriel."
        },
    )


def _split_codes(text: str) -> list[str]:
    return [code for code in (part.strip().upper() for part in text.replace(";", ",").split(",")) if code]


DATETIME_WIDGET = {"type": "datetime-local"}


def _exists_in_paris(naive: datetime) -> bool:
    """False for a wall-clock time skipped by the spring change (a round trip through UTC moves it)."""
    return naive.replace(tzinfo=PARIS).astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == naive


class ParisDateTimeField(forms.DateTimeField):
    """A date and time read and shown in Europe/Paris, whatever the server's TIME_ZONE (the agenda says
    "heure de Paris"). On the days of the changes, a time that does not exist (spring, 02:00–02:59) or
    that exists twice (autumn, 02:00–02:59) is refused with a French message rather than guessed."""

    def to_python(self, value):
        with timezone.override(PARIS):
            try:
                return super().to_python(value)
            except forms.ValidationError as error:
                if getattr(error, "code", None) != "ambiguous_timezone":
                    raise
                naive = error.params["datetime"]
        if not _exists_in_paris(naive):
            raise forms.ValidationError(
                "Cette heure n'existe pas à Paris ce jour-là (changement d'heure : on passe de 2 h à 3 h) : "
                "choisissez une autre heure.",
                code="nonexistent_time",
            )
        raise forms.ValidationError(
            "Cette heure existe deux fois à Paris ce jour-là (changement d'heure : on revient de 3 h "
            "à 2 h) : choisissez une heure avant 2 h ou à partir de 3 h.",
            code="ambiguous_time",
        )

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, PARIS)
        return value


SESSIONS_HINT = "Pour un événement qui se répète, publiez chaque séance comme un événement à part."


class EventForm(SproModelForm):
    """A member's event. Times are read in Europe/Paris (the project's time zone); the place is one of
    the structure's sites, or an address and a commune, or an online link."""

    start = ParisDateTimeField(
        label="Début",
        help_text=f"Date et heure, heure de Paris. {SESSIONS_HINT}",
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Date et heure invalides : écrivez JJ/MM/AAAA HH:MM."},
    )
    end = ParisDateTimeField(
        label="Fin",
        help_text="Date et heure, heure de Paris",
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Date et heure invalides : écrivez JJ/MM/AAAA HH:MM."},
    )
    commune = forms.CharField(
        label="Commune",
        help_text="Si l'événement n'a pas lieu dans un de vos lieux : nom ou code postal",
        required=False,
        max_length=100,
    )
    publics = forms.MultipleChoiceField(
        label="Publics",
        required=False,
        choices=list(rules.PUBLICS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        required=False,
        choices=list(rules.THEMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    rome_domains = forms.CharField(
        label="Domaines de métiers (codes ROME)",
        help_text="Séparés par des virgules, par exemple : D11, A",
        required=False,
        max_length=200,
    )
    accessibility = forms.MultipleChoiceField(
        label="Accessibilité",
        required=False,
        choices=list(rules.ACCESSIBILITY.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    online_url = forms.URLField(
        label="Lien de l'événement en ligne",
        help_text="Pour un événement en ligne",
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    registration_url = forms.URLField(
        label="Lien d'inscription", required=False, max_length=200, assume_scheme="https"
    )
    capacity = forms.IntegerField(
        label="Nombre de places",
        help_text="Pour une inscription sur le site du SPRO",
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "start",
            "end",
            "site",
            "address",
            "commune",
            "online_url",
            "audience",
            "publics",
            "themes",
            "rome_domains",
            "accessibility",
            "partners",
            "registration",
            "registration_url",
            "capacity",
        ]
        widgets = {
            "registration": forms.RadioSelect,
            "audience": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.fields["site"].queryset = structure.sites.filter(is_active=True).order_by("name")
        self.fields["site"].empty_label = "Aucun de nos lieux"
        self.fields["site"].label = "Un de vos lieux d'accueil"
        self.fields["registration"].choices = Registration.choices
        self.fields["audience"].choices = Audience.choices
        if self.instance.pk and not self.is_bound:
            self.initial["rome_domains"] = ", ".join(self.instance.rome_domains)
            self.initial["commune"] = self.instance.commune_id or ""

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return None
        commune = find_commune(text)
        if commune is None:
            raise forms.ValidationError("Commune inconnue : saisissez un nom ou un code postal.")
        return commune

    def clean_rome_domains(self):
        codes = _split_codes(self.cleaned_data["rome_domains"])
        rules.validate_rome_domains(codes)
        return codes


class CancelForm(SproForm):
    confirm = forms.BooleanField(
        label="Je confirme l'annulation de cet événement",
        error_messages={"required": "Cochez la case pour confirmer l'annulation."},
    )
    reason = forms.CharField(
        label="Motif de l'annulation",
        help_text="Affiché sur la page de l'événement",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(SproForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("valider", "Publier l'événement"), ("refuser", "Refuser l'événement")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de publier ou de refuser l'événement."},
    )
    reason = forms.CharField(
        label="Motif", help_text="Transmis à l'organisateur", required=False, max_length=500
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuser" and not data.get("reason"):
            self.add_error("reason", "Indiquez le motif du refus.")
        return data


class FeedTokenForm(SproForm):
    """The buttons of the subscription link (no field is shown: each button sends its action)."""

    action = forms.ChoiceField(choices=[("creer", "Créer un nouveau lien"), ("revoquer", "Révoquer le lien")])
