"""The questions of "Trouver mon interlocuteur" and the contact request, as Django forms."""

from django import forms

from spro.core.forms import RememberedSelect, SproForm
from spro.directory.validators import PHONE_MESSAGE, is_valid_phone, normalize_phone
from spro.metiers.search import find_occupation
from spro.routing.codes import BESOINS, SECTEURS, STATUTS
from spro.territories.lookup import find_commune

SKIP = ("", "Je préfère ne pas répondre")


class QuestionsForm(SproForm):
    """Every question may be skipped; nothing is stored, the answers travel in the URL only.

    The lists are `RememberedSelect`s: this page is drawn for every visitor (its CSRF token keeps it
    out of the page cache), and drawing its three lists option by option was 58% of it (cProfile)."""

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
    statut = forms.ChoiceField(
        widget=RememberedSelect,
        label="Quelle est votre situation aujourd'hui ?",
        required=False,
        choices=[SKIP, *STATUTS.items()],
    )
    besoin = forms.ChoiceField(
        widget=RememberedSelect,
        label="Que souhaitez-vous faire ?",
        required=False,
        choices=[SKIP, *BESOINS.items()],
    )
    secteur = forms.ChoiceField(
        widget=RememberedSelect,
        label="Votre projet concerne-t-il un secteur en particulier ?",
        required=False,
        choices=[("", "Pas de secteur en particulier"), *SECTEURS.items()],
        help_text="Par exemple si vous cherchez un apprentissage ou voulez créer une entreprise",
    )
    metier = forms.CharField(
        label="Ou un métier en particulier ?",
        required=False,
        max_length=100,
        help_text="Facultatif. Par exemple : boulanger, aide-soignante, mécanicien",
    )
    rqth = forms.BooleanField(
        label="J'ai une reconnaissance de la qualité de travailleur handicapé (RQTH)", required=False
    )
    cadre = forms.BooleanField(label="Je suis cadre", required=False)
    a_distance = forms.BooleanField(
        label="Je préfère être accompagné à distance (par téléphone ou sur internet)",
        required=False,
        help_text="Avec votre commune, nous vous indiquons aussi les services qui vous répondent à distance.",
    )
    commune = forms.CharField(
        label="Votre commune ou votre code postal",
        required=False,
        max_length=100,
        help_text="Pour vous indiquer les lieux les plus proches. Par exemple : Albi, 81000",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    def clean_metier(self):
        text = self.cleaned_data.get("metier", "").strip()
        self._occupation = find_occupation(text) if text else None
        if text and self._occupation is None:
            raise forms.ValidationError(
                f"Nous ne trouvons pas de métier « {text[:60]} ». "
                "Essayez un autre mot, ou laissez le champ vide."
            )
        return text

    def found_occupation(self):
        return getattr(self, "_occupation", None)

    def situation(self) -> dict:
        """The engine's situation: only the answered questions."""
        data = self.cleaned_data
        situation = {
            key: data[key]
            for key in ("age", "statut", "besoin", "secteur")
            if data.get(key) not in (None, "")
        }
        for key in ("rqth", "cadre", "a_distance"):
            if data.get(key):
                situation[key] = True
        commune = self.found_commune()
        if commune is not None:
            situation["commune"] = commune.code
        occupation = self.found_occupation()
        if occupation is not None:
            situation["metier"] = occupation.code
        return situation

    def found_commune(self):
        if not hasattr(self, "_commune"):
            self._commune = find_commune(self.cleaned_data.get("commune") or "")
        return self._commune


class ContactForm(SproForm):
    name = forms.CharField(
        label="Votre nom (ou prénom)",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label="Votre numéro de téléphone",
        required=False,
        max_length=20,
        help_text=(
            "Un numéro de téléphone ou une adresse électronique : au moins l'un des deux. "
            "Par exemple : 06 12 34 56 78"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        max_length=254,
        help_text="Si vous n'indiquez pas de numéro de téléphone. Par exemple : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    consent = forms.BooleanField(
        label="J'accepte que ce lieu me recontacte",
        required=True,
        error_messages={"required": "Cochez la case pour accepter que le lieu vous recontacte."},
    )

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(PHONE_MESSAGE)
        return normalize_phone(phone)

    def clean(self):
        data = super().clean()
        if (
            not data.get("phone")
            and not data.get("email")
            and not self.has_error("phone")
            and not self.has_error("email")
        ):
            # A rule on two fields: both are marked, each error linked from the summary.
            for name in ("phone", "email"):
                self.add_error(name, "Indiquez un numéro de téléphone ou une adresse électronique.")
        return data
