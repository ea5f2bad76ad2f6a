"""Back-office forms of the Région (networks). Structures reuse the professional forms."""

from data_inclusion.schema.v1 import ReseauPorteur
from django import forms

from spro.core.forms import SproModelForm
from spro.directory.codes import Need, Public
from spro.directory.models import Network
from spro.www.structures.forms import checkboxes


class NetworkForm(SproModelForm):
    publics = checkboxes(Public.choices, "Publics servis")
    needs = checkboxes(Need.choices, "Besoins couverts")
    data_inclusion_typology = forms.ChoiceField(
        label="Réseau porteur data·inclusion",
        required=False,
        choices=[("", "Aucun équivalent (le code spro est exporté)")]
        + sorted(((r.value, r.label) for r in ReseauPorteur), key=lambda c: c[1].lower()),
        help_text="Utilisé pour l'échange des données avec data·inclusion.",
    )

    class Meta:
        model = Network
        fields = [
            "code",
            "label",
            "short_label",
            "description",
            "publics",
            "needs",
            "membership_kind",
            "data_inclusion_typology",
            "is_active",
        ]
        help_texts = {
            "code": "Identifiant stable en minuscules sans accents, par exemple mission-locale. "
            "Il ne peut plus être modifié ensuite.",
            "is_active": "Un réseau inactif n'est plus proposé pour les nouvelles structures.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is referenced by rules and exports: it never changes once created.
            del self.fields["code"]
