"""Forms of the Région's instruction of labelling dossiers: the queue's filters and the actions on a
dossier (each one posted on its own, with a prefix so that several forms share a page)."""

from django import forms

from spro.core.forms import SproForm
from spro.labels.models import Decision
from spro.labels.states import ApplicationState

COMMENT_MAX_LENGTH = 5000
CHECK_CHOICES = [
    ("rempli", "Critère rempli"),
    ("non-rempli", "Critère non rempli"),
    ("a-verifier", "À vérifier"),
]
CHECK_VALUES = {"rempli": True, "non-rempli": False, "a-verifier": None}


def check_choice(met) -> str:
    """The radio button of a stored verdict (True, False or None)."""
    return {True: "rempli", False: "non-rempli"}.get(met, "a-verifier")


class QueueFilterForm(SproForm):
    """The queue's filters (GET): every one optional; an unknown value is an error shown on the form."""

    statut = forms.ChoiceField(label="État", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    reseau = forms.ChoiceField(label="Réseau", required=False)
    campagne = forms.ChoiceField(label="Campagne", required=False)
    q = forms.CharField(label="Structure", required=False, max_length=100, help_text="Tout ou partie du nom.")

    def __init__(self, *args, departements, networks, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Tous les dossiers déposés")] + list(ApplicationState.choices)
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.code} — {d.name}") for d in departements
        ]
        self.fields["reseau"].choices = [("", "Tous les réseaux")] + [(n.code, n.label) for n in networks]
        self.fields["campagne"].choices = [("", "Toutes les campagnes")] + [
            (str(c.pk), str(c)) for c in campaigns
        ]
        if not campaigns:
            del self.fields["campagne"]


class StartForm(SproForm):
    """Starting the instruction: nothing to fill, the button says it all."""


class CheckForm(SproForm):
    """The instructor's verdict on one criterion of the policy, and a comment."""

    met = forms.ChoiceField(label="Appréciation", choices=CHECK_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criterion: dict, **kwargs):
        super().__init__(*args, prefix=f"critere-{criterion['code']}", **kwargs)
        self.criterion = criterion
        self.fields["met"].label = f"Appréciation : {criterion['label']}"
        self.fields["comment"].label = f"Commentaire sur « {criterion['label']} »"

    def verdict(self):
        return CHECK_VALUES[self.cleaned_data["met"]]


class ComplementForm(SproForm):
    """A complement request: the questions and documents reopened to the applicant, and why."""

    items = forms.MultipleChoiceField(
        label="Éléments à rouvrir au candidat",
        widget=forms.CheckboxSelectMultiple,
        help_text="Seuls ces éléments redeviennent modifiables par la structure.",
        error_messages={"required": "Cochez au moins une question ou une pièce à compléter."},
    )
    comment = forms.CharField(
        label="Message au candidat",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Envoyé par courriel aux administrateurs de la structure et gardé dans l'historique.",
        error_messages={"required": "Expliquez au candidat ce qui manque."},
    )

    def __init__(self, *args, questions, attachments, **kwargs):
        super().__init__(*args, prefix="complement", **kwargs)
        self.fields["items"].choices = [(q["code"], q["label"]) for q in questions] + [
            (a["code"], f"Pièce : {a['label']}") for a in attachments
        ]


class DecisionForm(SproForm):
    outcome = forms.ChoiceField(label="Décision", choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasoning = forms.CharField(
        label="Motivation",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire pour un refus ou un ajournement ; envoyée à la structure avec la décision.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decision", **kwargs)

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != Decision.Outcome.GRANTED and not (cleaned.get("reasoning") or "").strip():
            self.add_error("reasoning", "Motivez un refus ou un ajournement.")
        return cleaned


class WithdrawForm(SproForm):
    reason = forms.CharField(
        label="Motif du retrait",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Envoyé à la structure ; le label prend fin aujourd'hui.",
        error_messages={"required": "Indiquez le motif du retrait."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="retrait", **kwargs)
