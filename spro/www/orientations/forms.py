"""Forms of the professional pages: the person's situation (step 1) and the referral (step 2), both posted."""

from django import forms

from spro.core.forms import SproForm
from spro.directory.models import Network, Site
from spro.directory.validators import PHONE_MESSAGE, is_valid_phone, normalize_phone
from spro.referrals.models import Referral, RefusalReason
from spro.routing.codes import BESOINS, DIPLOMES, SECTEURS, SEXES, STATUTS
from spro.routing.situation import SituationError, parse_situation
from spro.territories.lookup import find_commune

UNKNOWN = ("", "Non renseigné")


def network_choices():
    return [("", "Non : la personne est venue directement chez nous")] + list(
        Network.objects.filter(is_active=True).values_list("code", "label")
    )


class SituationForm(SproForm):
    """Step 1: the person's situation, anonymous (never a name here), kept in the session, never in a URL."""

    structure = forms.TypedChoiceField(label="Votre structure", coerce=int)
    age = forms.IntegerField(label="Âge", required=False, min_value=10, max_value=120)
    sexe = forms.ChoiceField(label="Sexe", required=False, choices=[UNKNOWN, *SEXES.items()])
    statut = forms.ChoiceField(label="Situation", required=False, choices=[UNKNOWN, *STATUTS.items()])
    diplome = forms.ChoiceField(
        label="Diplôme le plus élevé", required=False, choices=[UNKNOWN, *DIPLOMES.items()]
    )
    mois_hors_ecole = forms.IntegerField(
        label="Mois depuis la sortie d'études", required=False, min_value=0, max_value=1200
    )
    besoin = forms.ChoiceField(
        label="Besoin",
        choices=[("", "Choisir le besoin de la personne"), *BESOINS.items()],
        error_messages={"required": "Choisissez le besoin de la personne."},
    )
    secteur = forms.ChoiceField(label="Secteur", required=False, choices=[UNKNOWN, *SECTEURS.items()])
    cadre = forms.BooleanField(label="Cadre", required=False)
    rqth = forms.BooleanField(label="Reconnaissance de travailleur handicapé (RQTH)", required=False)
    commune = forms.CharField(
        label="Commune de la personne",
        required=False,
        max_length=100,
        help_text="Nom ou code postal, pour proposer les lieux les plus proches",
    )
    premiere_porte = forms.ChoiceField(
        label="La personne a-t-elle d'abord été reçue par une autre structure ?",
        required=False,
        help_text=(
            "Si oui, votre structure est déjà sa deuxième porte : l'orienter encore ferait une troisième."
        ),
    )
    orientation_precedente = forms.TypedChoiceField(
        label="La personne vous a-t-elle été orientée par une autre structure sur la plateforme ?",
        required=False,
        coerce=int,
        empty_value=None,
    )
    reseau = forms.ChoiceField(
        label="Voir aussi les lieux d'un autre réseau",
        required=False,
        help_text="Pour orienter vers un réseau que le moteur ne propose pas",
    )

    SITUATION_FIELDS = (
        "age",
        "sexe",
        "statut",
        "diplome",
        "mois_hors_ecole",
        "besoin",
        "secteur",
        "cadre",
        "rqth",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        structures = user.memberships.select_related("structure__network").filter(structure__is_active=True)
        self.structures = {m.structure_id: m.structure for m in structures}
        self.fields["structure"].choices = [(pk, s.name) for pk, s in self.structures.items()]
        networks = network_choices()
        self.fields["premiere_porte"].choices = networks
        self.fields["reseau"].choices = [("", "Aucun autre réseau")] + networks[1:]
        received = Referral.objects.filter(
            to_structure_id__in=list(self.structures), state__in=["acceptee", "personne-recue"]
        ).order_by("-created_at")[:50]
        self.fields["orientation_precedente"].choices = [("", "Non")] + [
            (r.pk, f"N° {r.pk} du {r.created_at:%d/%m/%Y} — {r.sender_structure.name}")
            for r in received.select_related("sender_structure")
        ]

    def clean_commune(self):
        text = (self.cleaned_data.get("commune") or "").strip()
        self.commune = None
        if text:
            self.commune = find_commune(text)
            if self.commune is None:
                raise forms.ValidationError(
                    f"Commune « {text} » introuvable : vérifiez le nom ou le code postal."
                )
        return text

    @property
    def sender_structure(self):
        return self.structures[self.cleaned_data["structure"]]

    @property
    def previous_referral(self):
        pk = self.cleaned_data.get("orientation_precedente")
        return Referral.objects.filter(pk=pk).first() if pk else None

    def situation(self) -> dict:
        """The engine's situation: the given fields, the sender's network as where the person is now."""
        data = {k: self.cleaned_data.get(k) for k in self.SITUATION_FIELDS}
        data = {k: v for k, v in data.items() if v not in (None, "", False)}
        if self.commune is not None:
            data["commune"] = self.commune.code
        data["premiere_porte"] = self.sender_structure.network.code
        try:
            return parse_situation(data)
        except SituationError as error:  # the form's choices make this unlikely; say it in French anyway
            raise forms.ValidationError(str(error)) from error


class ReferralForm(SproForm):
    """Step 2: the chosen site, consent, mode and, only for an appointment, how to reach the person."""

    to_site = forms.IntegerField(
        label="Lieu d'accueil",
        error_messages={"required": "Choisissez le lieu vers lequel orienter la personne."},
    )
    mode = forms.ChoiceField(
        label="Modalité",
        choices=Referral.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la modalité de l'orientation."},
    )
    consent = forms.BooleanField(
        label="La personne est d'accord pour être orientée vers ce lieu",
        error_messages={"required": "Recueillez le consentement de la personne avant de l'orienter."},
    )
    consent_kind = forms.ChoiceField(
        label="Consentement donné",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si le consentement a été donné à l'oral ou par écrit."},
    )
    # The person's details are not the user's own: no autofill (RGAA 11.13 concerns the user's data).
    person_name = forms.CharField(
        label="Nom de la personne",
        required=False,
        max_length=150,
        help_text="Obligatoire pour un rendez-vous demandé.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    person_phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=20,
        help_text=(
            "Pour un rendez-vous demandé : un téléphone ou un courriel, au moins l'un des deux. "
            "Par exemple : 06 12 34 56 78"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    person_email = forms.EmailField(
        label="Courriel",
        required=False,
        max_length=254,
        help_text=(
            "Pour un rendez-vous demandé, si vous n'indiquez pas de téléphone. Par exemple : nom@exemple.fr"
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    message = forms.CharField(
        label="Précisions pour la structure qui reçoit",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Facultatif. Pas de données de santé ni d'informations sans rapport avec l'orientation.",
    )
    third_door_reason = forms.CharField(
        label="Pourquoi orienter la personne vers une troisième structure ?",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def clean_to_site(self):
        site = (
            Site.objects.select_related("structure__network").filter(pk=self.cleaned_data["to_site"]).first()
        )
        if site is None or not site.is_active:
            raise forms.ValidationError("Ce lieu d'accueil n'existe pas ou n'est plus actif.")
        return site

    def clean_person_phone(self):
        phone = self.cleaned_data.get("person_phone", "").strip()
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(PHONE_MESSAGE)
        return normalize_phone(phone)


class TransitionForm(SproForm):
    refusal_reason = forms.ModelChoiceField(
        label="Motif du refus",
        queryset=RefusalReason.objects.filter(is_active=True),
        required=False,
        empty_label="Choisir un motif",
    )
    comment = forms.CharField(label="Commentaire (facultatif)", required=False, max_length=1000)


class PersonSearchForm(SproForm):
    email = forms.EmailField(
        label="Courriel de la personne",
        required=False,
        help_text="Le courriel ou le téléphone de la personne : au moins l'un des deux.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )
    phone = forms.CharField(
        label="Téléphone de la personne",
        required=False,
        max_length=30,
        help_text="Si vous n'indiquez pas de courriel.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    reason = forms.CharField(
        label="Motif de la demande",
        max_length=255,
        help_text=(
            "Par exemple : demande écrite reçue le 12/11/2026. Sans le nom ni les coordonnées de la "
            "personne : ce motif est gardé au journal des accès."
        ),
        error_messages={"required": "Indiquez le motif de la demande : il est inscrit au journal des accès."},
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip() and not self.has_error("email"):
            # A rule on two fields: both are marked, each error linked from the summary.
            for name in ("email", "phone"):
                self.add_error(name, "Indiquez le courriel ou le téléphone de la personne.")
        return data
