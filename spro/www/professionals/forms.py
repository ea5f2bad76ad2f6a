from django import forms
from django.conf import settings

from spro.core.forms import SproForm, SproModelForm
from spro.directory.codes import Need, Public
from spro.directory.models import Network, Site
from spro.network.codes import Language, ProfileField
from spro.network.models import CONSENT_TEXT, ProfessionalProfile, SproReferent
from spro.territories.models import Departement


def departement_choices():
    departements = Departement.objects.filter(region_id=settings.SPRO_REGION).order_by("code")
    return [(d.code, f"{d.code} — {d.name}") for d in departements]


class ProfileForm(SproModelForm):
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    shown = forms.MultipleChoiceField(
        label="Informations affichées aux autres professionnels",
        help_text="Votre nom et votre structure sont affichés dès que vous donnez votre accord ; "
        "rien d'autre sans que vous le cochiez ici.",
        choices=ProfileField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territories = forms.MultipleChoiceField(
        label="Territoires où vous intervenez", required=False, widget=forms.CheckboxSelectMultiple
    )
    needs = forms.MultipleChoiceField(
        label="Spécialités : besoins",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Spécialités : publics",
        choices=Public.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Langues parlées",
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = forms.ModelMultipleChoiceField(
        label="Vos lieux d'accueil",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProfessionalProfile
        fields = [
            "shown",
            "function",
            "sites",
            "territories",
            "needs",
            "publics",
            "languages",
            "phone",
            "email",
        ]
        labels = {"phone": "Téléphone professionnel", "email": "Courriel professionnel"}
        help_texts = {
            "function": "Par exemple : conseillère en évolution professionnelle",
            "phone": "Un numéro professionnel, par exemple 05 61 00 00 00",
        }

    field_order = ["consent", "shown"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.filter(
            structure__memberships__user=user, is_active=True
        ).order_by("structure__name", "name")
        self.fields["sites"].label_from_instance = lambda site: f"{site.name} ({site.structure.name})"
        self.fields["territories"].choices = departement_choices()
        self.fields["consent"].initial = self.instance.consented_at is not None
        self.fields["shown"].initial = self.instance.shown


class SearchForm(SproForm):
    q = forms.CharField(label="Nom ou fonction", required=False, max_length=100)
    territoire = forms.ChoiceField(label="Territoire (département)", required=False)
    reseau = forms.ChoiceField(label="Réseau", required=False)
    specialite = forms.ChoiceField(label="Spécialité", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", "Tous les territoires"), *departement_choices()]
        networks = Network.objects.filter(is_active=True).order_by("label")
        self.fields["reseau"].choices = [("", "Tous les réseaux"), *((n.code, n.label) for n in networks)]
        self.fields["specialite"].choices = [
            ("", "Toutes les spécialités"),
            ("Besoins", [(f"besoin:{code}", label) for code, label in Need.choices]),
            ("Publics", [(f"public:{code}", label) for code, label in Public.choices]),
        ]


class ReferentForm(SproModelForm):
    class Meta:
        model = SproReferent
        fields = ["user", "email", "phone"]
        labels = {
            "user": "Référent ou référente SPRO",
            "email": "Courriel pour joindre le référent",
            "phone": "Téléphone pour joindre le référent",
        }
        help_texts = {
            "email": "Affiché à tous les membres du réseau : une adresse professionnelle",
            "phone": "Facultatif, par exemple 05 61 00 00 00",
        }

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        from spro.accounts.models import User

        self.fields["user"].queryset = User.objects.members_of(structure).order_by("last_name", "first_name")
        self.fields["user"].empty_label = "Choisir un membre de la structure"
