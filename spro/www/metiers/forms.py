from django import forms

from spro.core.forms import SproForm
from spro.routing.codes import BESOINS, STATUTS
from spro.territories.lookup import find_commune

SKIP = ("", "Je préfère ne pas répondre")
# What a person may want to do about a métier; the other needs of the aiguillage concern no métier.
PROJECT_NEEDS = [
    "decouvrir-metiers",
    "apprentissage",
    "trouver-formation",
    "reconversion",
    "vae",
    "trouver-emploi",
    "creer-entreprise",
]


class SearchForm(SproForm):
    q = forms.CharField(
        label="Quel métier vous intéresse ?",
        required=False,
        max_length=100,
        help_text="Un nom de métier, même approximatif. Par exemple : boulanger, infirmière, soudeur",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class ProjectForm(SproForm):
    """ "Who to ask near home for this project": nothing is stored, the answer is shown at once."""

    besoin = forms.ChoiceField(
        label="Que voulez-vous faire pour ce métier ?",
        required=False,
        choices=[("", "Je ne sais pas encore"), *((code, BESOINS[code]) for code in PROJECT_NEEDS)],
    )
    statut = forms.ChoiceField(
        label="Quelle est votre situation aujourd'hui ?", required=False, choices=[SKIP, *STATUTS.items()]
    )
    age = forms.IntegerField(
        label="Quel âge avez-vous ?",
        required=False,
        min_value=10,
        max_value=120,
        help_text="En années, par exemple 17",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Indiquez votre âge en chiffres, par exemple 17.",
            "min_value": "Indiquez un âge d'au moins 10 ans.",
            "max_value": "Indiquez un âge de 120 ans au plus.",
        },
    )
    commune = forms.CharField(label="Votre commune ou votre code postal", required=False, max_length=100)

    def clean_commune(self):
        text = self.cleaned_data.get("commune", "").strip()
        self._commune = find_commune(text) if text else None
        if text and self._commune is None:
            raise forms.ValidationError(
                f"Nous ne trouvons pas la commune « {text[:60]} ». Vérifiez l'orthographe ou saisissez un "
                "code postal à cinq chiffres."
            )
        return text

    def found_commune(self):
        return getattr(self, "_commune", None)

    def situation(self, metier: str) -> dict:
        data = self.cleaned_data if self.is_bound else {}
        situation = {"metier": metier}
        for key in ("besoin", "statut", "age"):
            if data.get(key) not in (None, ""):
                situation[key] = data[key]
        commune = self.found_commune()
        if commune is not None:
            situation["commune"] = commune.code
        return situation
