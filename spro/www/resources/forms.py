from django import forms

from spro.core.forms import SproForm, SproModelForm
from spro.directory.codes import Public
from spro.labels.uploads import KIND_LABELS
from spro.metiers.domains import domains, grands_domaines
from spro.network.codes import ResourceKind
from spro.network.files import uploads_policy
from spro.network.models import Resource


def _with_empty(label: str, choices) -> list:
    return [("", label), *choices]


class ResourceForm(SproModelForm):
    """A member (for one of their structures) or the Région's staff publish a resource: a file under the
    upload rules, or a link to an external document."""

    departements = forms.MultipleChoiceField(
        label="Territoire",
        help_text="Les départements concernés ; aucun coché : toute la Région",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Publics", required=False, widget=forms.CheckboxSelectMultiple, choices=Public.choices
    )
    sector = forms.ChoiceField(label="Secteur (grand domaine des métiers)", required=False)
    domain = forms.ChoiceField(label="Métiers (domaine professionnel ROME)", required=False)
    link = forms.URLField(
        label="Lien vers le document",
        help_text="Si vous ne joignez pas de fichier, par exemple https://www.onisep.fr/…",
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    document = forms.FileField(label="Fichier", required=False)

    class Meta:
        model = Resource
        fields = [
            "title",
            "summary",
            "kind",
            "visibility",
            "structure",
            "departements",
            "sector",
            "domain",
            "publics",
            "document",
            "link",
            "link_format",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "visibility": forms.RadioSelect}
        help_texts = {"link_format": "Pour un lien : par exemple PDF, 2 Mo (facultatif)"}

    def __init__(self, *args, structures, region_may_publish: bool, departements, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["structure"]
        field.queryset = structures
        field.required = not region_may_publish
        field.empty_label = "La Région" if region_may_publish else "Choisir votre structure"
        field.label = "Publiée par"
        self.fields["visibility"].choices = Resource._meta.get_field("visibility").choices
        self.fields["kind"].choices = _with_empty("Choisir un type", ResourceKind.choices)
        self.fields["departements"].choices = [(d.code, f"{d.code} — {d.name}") for d in departements]
        self.fields["sector"].choices = _with_empty("Aucun secteur en particulier", grands_domaines().items())
        self.fields["domain"].choices = _with_empty(
            "Aucun domaine en particulier", [(code, f"{code} — {label}") for code, label in domains().items()]
        )
        policy = uploads_policy()
        kinds = ", ".join(KIND_LABELS[k] for k in policy.get("types") or KIND_LABELS)
        self.fields[
            "document"
        ].help_text = f"Formats acceptés : {kinds}. Taille maximale : {policy['max_size_mb']} Mo."

    def clean(self):
        data = super().clean()
        has_file, has_link = bool(data.get("document")), bool(data.get("link"))
        if has_file and has_link:
            self.add_error("link", "Joignez un fichier ou indiquez un lien, pas les deux.")
        elif (
            not has_file and not has_link and not self.errors.get("document") and not self.errors.get("link")
        ):
            self.add_error("document", "Joignez un fichier ou indiquez un lien vers le document.")
        if data.get("domain") and data.get("sector") and data["domain"][0] != data["sector"]:
            self.add_error("domain", "Ce domaine de métiers n'appartient pas au secteur choisi.")
        return data


class ModerationForm(SproForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("valider", "Publier la ressource"), ("refuser", "Refuser la ressource")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez de publier ou de refuser la ressource."},
    )
    reason = forms.CharField(
        label="Motif", help_text="Transmis à la structure", required=False, max_length=500
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuser" and not data.get("reason"):
            self.add_error("reason", "Indiquez le motif du refus.")
        return data


class WithdrawForm(SproForm):
    confirm = forms.BooleanField(
        label="Je confirme le retrait de cette ressource",
        error_messages={"required": "Cochez la case pour confirmer le retrait."},
    )
    reason = forms.CharField(label="Motif du retrait", required=False, max_length=500)
