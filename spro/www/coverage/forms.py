from django import forms

from spro.activity import coverage
from spro.core.forms import SproForm
from spro.directory.models import Network


class CoverageFilterForm(SproForm):
    """The scope (a network, or any SPRO member) and the distance of the coverage page (GET)."""

    reseau = forms.ChoiceField(label="Réseau", required=False)
    echelon = forms.ChoiceField(
        label="Territoires du tableau",
        required=False,
        choices=[
            ("departement", "Départements"),
            ("epci", "EPCI"),
            ("zone-emploi", "Zones d'emploi"),
            ("bassin-vie", "Bassins de vie"),
            ("commune", "Communes"),
        ],
    )
    distance = forms.CharField(
        label="Distance maximale à un lieu d'accueil (km)",
        required=False,
        max_length=20,
        help_text=f"Par défaut {coverage.DEFAULT_DISTANCE_KM:g} km, au plus {coverage.MAX_DISTANCE_KM:g} km. "
        "Par exemple : 15 ou 12,5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = {n.code: n for n in Network.objects.filter(is_active=True).order_by("label")}
        self.fields["reseau"].choices = [
            (coverage.ANY_MEMBER, "Tout membre du SPRO"),
            *((code, network.label) for code, network in self.networks.items()),
        ]

    def clean_distance(self):
        try:
            return coverage.parse_distance(self.cleaned_data["distance"])
        except coverage.DistanceError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_echelon(self):
        return self.cleaned_data["echelon"] or "departement"

    def clean_reseau(self):
        code = self.cleaned_data["reseau"]
        return self.networks.get(code) if code else None
