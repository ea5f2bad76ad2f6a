"""Forms of the professional space: structure, site (lieu d'accueil), service. Messages in French."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from opening_hours import OpeningHours

from spro.core.forms import SproForm, SproModelForm
from spro.directory.codes import Accessibility, AccessMode, Need, Public, ReceptionMode, SiteKind
from spro.directory.hours import describe_hours, opening_state
from spro.directory.models import Membership, Network, Service, Site, Structure
from spro.directory.validators import (
    HOURS_HELP,
    normalize_phone,
    normalize_siret,
    validate_phone,
    validate_postal_code,
)
from spro.territories.lookup import normalize, search_communes
from spro.territories.models import Departement, Region
from spro.www.structures.hours import Week, compose, editor_for, parse, same_hours

POSTAL_FEEDBACK = "communes-code-postal"
HOURS_FEEDBACK = "apercu-horaires"
EDITOR_SENT = "horaires-editeur"  # the hidden field the editor posts: its fields are then read


def https_urls(db_field, **kwargs):
    """Web addresses typed without a scheme are read as https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


def checkboxes(choices, label, required=False, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def parse_opening_hours(value: str) -> OpeningHours:
    """The parsed expression, or a French ValidationError explaining the format."""
    try:
        return OpeningHours(value, country="FR")
    except Exception as exc:  # the parser raises its own SyntaxError subclasses
        raise ValidationError(
            "Ces horaires ne sont pas au format attendu. " + HOURS_HELP, code="opening_hours"
        ) from exc


def hours_preview(value: str, now=None) -> dict:
    """What the preview fragment shows: the hours in words and the state at `now`, or the error."""
    value = " ".join((value or "").split())
    if not value:
        return {"empty": True}
    try:
        parse_opening_hours(value)
    except ValidationError as error:
        return {"error": error.messages[0]}
    return {"text": describe_hours(value), "status": opening_state(value, now).text}


class StructureForm(SproModelForm):
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, sans espace ou avec espaces."
    )

    class Meta:
        model = Structure
        formfield_callback = https_urls
        fields = [
            "name",
            "siret",
            "network",
            "membership_kind",
            "parent",
            "website",
            "description",
            "is_active",
        ]
        labels = {"name": "Nom de la structure"}
        help_texts = {
            "website": "Adresse complète, par exemple https://www.exemple.fr",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.filter(is_active=True) | Network.objects.filter(
            pk=self.instance.network_id or 0
        )
        parents = Structure.objects.filter(is_active=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = "Pour une antenne : la structure dont elle dépend."
        # The kind of membership is a Région decision (labelling); others see it read-only.
        if not (user and user.is_region_admin):
            del self.fields["membership_kind"]
            del self.fields["is_active"]
        else:
            self.fields[
                "is_active"
            ].help_text = (
                "Une structure inactive et ses lieux n'apparaissent plus dans l'annuaire ni dans les exports."
            )
            self.fields["membership_kind"].required = False
            self.fields["membership_kind"].help_text = "Laissez vide pour reprendre celui du réseau."

    def clean_siret(self):
        # Checked by the model (spro.directory.validators.validate_siret) once normalised.
        return normalize_siret(self.cleaned_data.get("siret", ""))

    def save(self, commit=True):
        structure = super().save(commit=False)
        if not structure.membership_kind:
            structure.membership_kind = structure.network.membership_kind
        return structure


class OpeningHoursMixin:
    """The opening hours of a site form: the French editor beside the expert OpenStreetMap text, and the
    preview of what will be stored (reception sites and remote entries alike)."""

    def setup_hours(self):
        hours = self.fields["opening_hours"]
        hours.label = "Horaires au format OpenStreetMap"
        hours.template_name = "structures/_opening_hours_field.html"
        hours.widget.attrs.update(
            {
                "hx-get": reverse("structures:hours_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#{HOURS_FEEDBACK}",
                "aria-describedby": HOURS_FEEDBACK,
            }
        )
        # The French editor stands beside the expert field; it is only read when the page sent it.
        self.stored_hours = " ".join((self.instance.opening_hours or "").split())
        editor_data = self.data if self.is_bound and EDITOR_SENT in self.data else None
        self.hours_editor, self.hours_expert_only = editor_for(self.stored_hours, editor_data)

    def check_hours_editor(self):
        if self.hours_editor.is_bound and not self.hours_editor.is_valid():
            self.add_error(
                None, "Les horaires d'ouverture contiennent des erreurs : corrigez les champs signalés."
            )

    @property
    def hours_preview(self) -> dict:
        """The preview beside the hours: what will be stored (the editor's string once composed)."""
        typed = self["opening_hours"].value() or ""
        value = getattr(self, "cleaned_data", {}).get("opening_hours", typed)
        preview = hours_preview(value)
        if value and value != " ".join(typed.split()):
            preview["composed"] = value
        return preview

    def clean_opening_hours(self):
        """The editor's string when the editor was changed, else the expert text (normalised; the model
        checks it with spro.directory.validators.validate_opening_hours)."""
        expert = " ".join(self.cleaned_data.get("opening_hours", "").split())
        editor = self.hours_editor
        if not editor.is_bound or not editor.is_valid():
            return expert  # the editor's errors are reported by clean()
        editor_changed = editor.week != (parse(self.stored_hours) or Week())
        expert_changed = expert != self.stored_hours
        if not editor_changed or (expert_changed and editor.week.is_empty):
            return expert
        if not expert_changed or same_hours(expert, editor.week):
            return compose(editor.week)
        raise ValidationError(
            "Les horaires de l'éditeur et ceux de la saisie experte diffèrent : gardez une seule des "
            "deux saisies (videz l'éditeur, ou remettez la saisie experte comme elle était).",
            code="hours_conflict",
        )


class SiteForm(OpeningHoursMixin, SproModelForm):
    commune_name = forms.CharField(
        label="Commune",
        max_length=150,
        required=False,
        help_text="Facultatif si le code postal ne correspond qu'à une commune.",
    )
    reception_modes = checkboxes(ReceptionMode.choices, "Modes d'accueil")
    accessibility = checkboxes(Accessibility.choices, "Accessibilité")
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        min_value=-90,
        max_value=90,
        help_text="Facultatif : sans coordonnées, le lieu est placé au centre de la commune.",
    )
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)

    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "address",
            "address_complement",
            "postal_code",
            "commune_name",
            "latitude",
            "longitude",
            "phone",
            "email",
            "opening_hours",
            "reception_modes",
            "accessibility",
            "description",
        ]
        help_texts = {"opening_hours": HOURS_HELP, "email": "Par exemple accueil@structure.fr"}
        error_messages = {
            "email": {"invalid": "Saisissez une adresse électronique valide, comme nom@exemple.fr."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Remote entries (no address) are made by the Région's team for now, not in this form.
        self.fields["kind"].choices = [c for c in SiteKind.choices if c[0] != SiteKind.A_DISTANCE]
        self.fields["address"].required = self.fields["postal_code"].required = True
        if self.instance.pk and self.instance.commune_id:
            self.fields["commune_name"].initial = self.instance.commune.name
        self.fields["postal_code"].template_name = "structures/_postal_code_field.html"
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("structures:postal_code_communes"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{POSTAL_FEEDBACK}",
                "aria-describedby": POSTAL_FEEDBACK,
                "inputmode": "numeric",
            }
        )
        self.fields["commune_name"].widget.attrs["list"] = "communes-proposees"
        self.setup_hours()

    @property
    def postal_code_typed(self) -> str:
        return (self["postal_code"].value() or "").strip().replace(" ", "")

    @property
    def postal_communes(self) -> list:
        """The communes of the postal code shown, listed beside the field."""
        code = self.postal_code_typed
        if len(code) != 5 or not code.isdigit():
            return []
        return [c for c in search_communes(code, limit=60) if code in c.postal_code_list]

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip().replace(" ", "")
        validate_postal_code(value)  # before looking the commune up in clean()
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        validate_phone(value)
        return normalize_phone(value)

    def clean(self):
        data = super().clean()
        self.check_hours_editor()
        postal_code = data.get("postal_code")
        if postal_code:
            data["commune"] = self._resolve_commune(postal_code, data.get("commune_name", ""))
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error(
                "longitude" if lon is None else "latitude", "Indiquez la latitude et la longitude."
            )
        return data

    def _resolve_commune(self, postal_code, name):
        communes = [c for c in search_communes(postal_code, limit=60) if postal_code in c.postal_code_list]
        if not communes:
            self.add_error("postal_code", f"Aucune commune n'a le code postal {postal_code}.")
            return None
        wanted = normalize(name)
        if wanted:
            matching = [c for c in communes if c.search_name == wanted] or [
                c for c in communes if c.search_name.startswith(wanted)
            ]
            if len(matching) == 1 or (matching and matching[0].search_name == wanted):
                return matching[0]
            self.add_error(
                "commune_name",
                f"« {name} » ne correspond à aucune commune du code postal {postal_code}. "
                f"Communes possibles : {', '.join(c.name for c in communes[:10])}.",
            )
            return None
        if len(communes) > 1:
            self.add_error(
                "commune_name",
                f"Le code postal {postal_code} couvre plusieurs communes : précisez laquelle "
                f"({', '.join(c.name for c in communes[:10])}).",
            )
            return None
        return communes[0]

    def save(self, commit=True):
        site = super().save(commit=False)
        commune = self.cleaned_data["commune"]
        commune_changed = site.commune_id != commune.code
        site.commune = commune
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        typed = lat is not None and ("latitude" in self.changed_data or "longitude" in self.changed_data)
        if typed or (lat is not None and not commune_changed):
            site.latitude, site.longitude = lat, lon
        else:
            # No point given, or the commune moved while the old point stayed: the commune's point.
            site.latitude, site.longitude = commune.latitude, commune.longitude
        return site


REMOTE_MODES = [c for c in ReceptionMode.choices if c[0] in ("telephone", "visio", "courriel")]
WHOLE_REGION = "region"
SOME_DEPARTEMENTS = "departements"


class RemoteSiteForm(OpeningHoursMixin, SproModelForm):
    """A remote-only entry (a phone line, a chat, a website): no address, the territory it serves."""

    served_region = forms.ChoiceField(
        label="Territoire desservi",
        widget=forms.RadioSelect,
        help_text="Le service répond aux personnes de ce territoire ; il est proposé « à distance », "
        "jamais avec une distance.",
    )
    served_departements = checkboxes([], "Départements desservis")
    reception_modes = checkboxes(REMOTE_MODES, "Modes d'accueil à distance")
    accessibility = checkboxes(
        [c for c in Accessibility.choices if c[0] in ("langue-des-signes", "facile-a-lire")], "Accessibilité"
    )

    class Meta:
        model = Site
        formfield_callback = https_urls
        fields = [
            "name",
            "website",
            "phone",
            "email",
            "served_region",
            "served_departements",
            "opening_hours",
            "reception_modes",
            "accessibility",
            "description",
        ]
        labels = {"name": "Nom du service à distance", "website": "Site internet ou lien du service"}
        help_texts = {
            "name": "Par exemple : Numéro vert de l'orientation, tchat des conseillers.",
            "website": "Adresse complète, par exemple https://www.exemple.fr/contact",
            "phone": "Un téléphone, un site internet ou un courriel au moins.",
            "email": "Par exemple contact@structure.fr",
            "opening_hours": HOURS_HELP,
        }
        error_messages = {
            "email": {"invalid": "Saisissez une adresse électronique valide, comme nom@exemple.fr."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The Région the entry serves (an entry made here: the Région running spro).
        self.region_code = self.instance.served_region or settings.SPRO_REGION
        region = Region.objects.filter(code=self.region_code).first()
        region_name = region.name if region else self.region_code
        self.fields["served_region"].choices = [
            (WHOLE_REGION, f"Toute la région {region_name}"),
            (SOME_DEPARTEMENTS, "Seulement les départements cochés ci-dessous"),
        ]
        # The Région's départements, and those the entry already serves (kept, never dropped silently).
        current = list(self.instance.served_departements or [])
        departements = Departement.objects.filter(
            models.Q(region_id=self.region_code) | models.Q(code__in=current)
        ).order_by("code")
        field = self.fields["served_departements"]
        field.choices = [(d.code, f"{d.name} ({d.code})") for d in departements]
        field.help_text = "À cocher quand le service ne couvre pas toute la région."
        if not self.is_bound:
            self.initial["served_region"] = (
                SOME_DEPARTEMENTS if current and not self.instance.served_region else WHOLE_REGION
            )
        self.fields["name"].label = "Nom du service à distance"
        self.setup_hours()

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        validate_phone(value)
        return normalize_phone(value)

    def clean_served_region(self):
        # The choice says which of the two model fields holds the territory.
        return self.region_code if self.cleaned_data["served_region"] == WHOLE_REGION else ""

    def clean(self):
        data = super().clean()
        self.check_hours_editor()
        if data.get("served_region"):
            data["served_departements"] = []
        elif "served_region" in data and not data.get("served_departements"):
            self.add_error("served_departements", "Cochez au moins un département desservi.")
        return data


class ServiceForm(SproModelForm):
    needs = checkboxes(Need.choices, "Besoins auxquels le service répond", required=True)
    publics = checkboxes(Public.choices, "Publics")
    access_modes = checkboxes(AccessMode.choices, "Modalités d'accès")

    class Meta:
        model = Service
        formfield_callback = https_urls
        fields = ["name", "description", "needs", "publics", "is_free", "access_modes", "appointment_url"]
        labels = {"is_free": "Service gratuit"}
        help_texts = {"appointment_url": "Adresse complète, par exemple https://rdv.exemple.fr"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Its other rules ("tous publics" alone…) are the model's: spro.directory.validators.
        self.fields["needs"].error_messages["required"] = "Cochez au moins un besoin."


class MemberForm(SproForm):
    email = forms.EmailField(
        label="Adresse électronique de la personne",
        help_text="Elle reçoit une invitation et rejoint la structure en l'acceptant.",
        max_length=254,
        error_messages={"invalid": "Saisissez une adresse électronique valide, comme nom@exemple.fr."},
    )
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices, initial=Membership.Role.ADVISER)
