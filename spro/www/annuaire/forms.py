"""The /annuaire/ search form (GET): where, how far, and optional filters."""

from django import forms
from django.conf import settings

from spro.core.forms import RememberedSelect, SproForm
from spro.core.pagecache import remembered
from spro.directory.codes import Need, Public, ReceptionMode
from spro.directory.models import Network
from spro.directory.search import MAX_RADIUS_KM
from spro.labels.models import LabelPolicy
from spro.territories.lookup import find_commune

RADII_KM = (5, 10, 20, 30, 50, 100)
DEFAULT_RADIUS_KM = 20
# Query parameters a person can drop from an empty result, with the label of the filter.
FILTERS = {
    "besoin": "Besoin",
    "public": "Public",
    "reseau": "Réseau",
    "mode": "Mode d'accueil",
    "statut_spro": "Statut SPRO",
    "volet": "Volet du label",
    "q": "Texte",
}
# The SPRO statuses a person filters on, as the directory names them.
SPRO_STATUS_CHOICES = [
    ("labellise", "Labellisé SPRO"),
    ("membre-de-droit", "Membre de droit du SPRO"),
    ("reconnu", "Reconnu par la Région"),
    ("partenaire-local", "Partenaire local"),
]


def _choices(empty_label, choices):
    return [("", empty_label), *choices]


def _active_networks() -> tuple[tuple[str, str], ...]:
    return tuple(Network.objects.filter(is_active=True).order_by("label").values_list("code", "label"))


def _volets() -> tuple[tuple[str, str], ...]:
    return tuple(LabelPolicy.objects.volets(settings.SPRO_REGION).items())


class SearchForm(SproForm):
    commune = forms.CharField(label="Commune ou code postal", required=False, max_length=100)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    rayon = forms.IntegerField(
        label="Distance maximale",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "invalid": "La distance doit être un nombre de kilomètres.",
            "min_value": "La distance doit être d'au moins 1 km.",
            "max_value": f"La distance ne peut pas dépasser {MAX_RADIUS_KM} km.",
        },
    )
    besoin = forms.ChoiceField(
        widget=RememberedSelect,
        label="Votre besoin",
        required=False,
        choices=_choices("Tous les besoins", Need.choices),
        error_messages={"invalid_choice": "Ce besoin n'existe pas : choisissez-en un dans la liste."},
    )
    public = forms.ChoiceField(
        widget=RememberedSelect,
        label="Vous êtes",
        required=False,
        choices=_choices("Tous les publics", [c for c in Public.choices if c[0] != Public.TOUS]),
        error_messages={"invalid_choice": "Ce public n'existe pas : choisissez-en un dans la liste."},
    )
    reseau = forms.ChoiceField(
        widget=RememberedSelect,
        label="Réseau",
        required=False,
        error_messages={"invalid_choice": "Ce réseau n'existe pas : choisissez-en un dans la liste."},
    )
    mode = forms.ChoiceField(
        widget=RememberedSelect,
        label="Mode d'accueil",
        required=False,
        choices=_choices("Tous les modes d'accueil", ReceptionMode.choices),
        error_messages={"invalid_choice": "Ce mode d'accueil n'existe pas : choisissez-en un dans la liste."},
    )
    statut_spro = forms.ChoiceField(
        widget=RememberedSelect,
        label="Statut SPRO",
        required=False,
        choices=_choices("Tous les statuts", SPRO_STATUS_CHOICES),
        error_messages={"invalid_choice": "Ce statut n'existe pas : choisissez-en un dans la liste."},
    )
    volet = forms.ChoiceField(
        widget=RememberedSelect,
        label="Volet du label",
        required=False,
        error_messages={"invalid_choice": "Ce volet n'existe pas : choisissez-en un dans la liste."},
    )
    ouvert = forms.BooleanField(label="Ouvert maintenant", required=False)
    q = forms.CharField(label="Mots-clés", required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        networks = remembered("annuaire:networks", _active_networks)
        self.fields["reseau"].choices = _choices("Tous les réseaux", networks)
        # The search template draws these inputs itself, with short ids (the summary links to them).
        self.anchors.update({"commune": "commune", "rayon": "rayon", "q": "q", "ouvert": "ouvert"})
        volets = remembered(f"labels:volets:{settings.SPRO_REGION}", _volets)
        self.fields["volet"].choices = _choices("Tous les volets", volets)

    def clean_page(self):
        return self.cleaned_data.get("page") or 1

    def clean_rayon(self):
        return self.cleaned_data.get("rayon") or DEFAULT_RADIUS_KM

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            data["lat"] = data["lon"] = None
        return data

    @property
    def has_position(self) -> bool:
        return self.cleaned_data.get("lat") is not None and self.cleaned_data.get("lon") is not None

    def found_commune(self):
        """The commune typed (INSEE code, label "Toulouse (31)", postal code or name), or None."""
        return find_commune(self.cleaned_data.get("commune") or "")

    def label_of(self, name: str) -> str:
        value = self.cleaned_data.get(name)
        if name == "q":
            return f"« {value} »"
        return dict(self.fields[name].choices).get(value, value)
