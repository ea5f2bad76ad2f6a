"""Forms of the applicant's side of labelling, built from the Région's policy (spro/labels/policy.py).

A dossier step is one section of the policy's dossier: one field per question, none required while
drafting (the required answers are checked when the dossier is submitted, by the workflow). After a
complement request, the questions the Région did not reopen are shown disabled.
"""

from django import forms
from django.utils import timezone

from spro.core.forms import SproForm, bound_text_fields
from spro.territories.models import Departement

MAX_INTEGER = 10_000_000  # far above any count of people a structure receives in a year
MAX_TABLE_ROWS = 200
DRAFT_HINT = "Réponse attendue pour déposer le dossier."
TABLE_SEPARATOR = ";"


def table_to_text(rows) -> str:
    if not isinstance(rows, list):
        return ""
    return "\n".join(
        f" {TABLE_SEPARATOR} ".join(str(cell) for cell in row) for row in rows if isinstance(row, list)
    )


def text_to_table(text: str, columns: list[str]) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(TABLE_SEPARATOR)]
        if columns and len(cells) > len(columns):
            raise forms.ValidationError(
                f"Une ligne compte {len(cells)} colonnes, le tableau en a {len(columns)} : "
                f"séparez les colonnes par « {TABLE_SEPARATOR} »."
            )
        rows.append(cells)
    if len(rows) > MAX_TABLE_ROWS:
        raise forms.ValidationError(f"Le tableau compte au plus {MAX_TABLE_ROWS} lignes.")
    return rows


def question_field(question: dict, policy, region_code: str, required: bool = False) -> forms.Field:
    """The form field of one question of the policy (a dossier's or an annual report's)."""
    kind = question["type"]
    label = question["label"]
    hint = DRAFT_HINT if question.get("required") and not required else ""
    if kind == "text":
        return forms.CharField(label=label, required=required, max_length=300, help_text=hint)
    if kind == "long-text":
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": 4}), help_text=hint
        )
    if kind == "integer":
        return forms.IntegerField(
            label=label, required=required, min_value=0, max_value=MAX_INTEGER, help_text=hint
        )
    if kind == "boolean":
        return forms.BooleanField(label=label, required=required, help_text=hint)
    if kind == "kind":
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=[("", "Choisissez")] + list(policy.kinds.items()),
            help_text=hint,
        )
    if kind == "departements":
        choices = [
            (d.code, str(d)) for d in Departement.objects.filter(region__code=region_code).order_by("code")
        ]
        return forms.MultipleChoiceField(
            label=label,
            required=required,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            help_text=hint or "Pré-rempli avec les départements de vos lieux d'accueil.",
        )
    if kind == "table":
        columns = question.get("columns") or []
        described = (
            f"Une ligne par entrée ; colonnes séparées par « {TABLE_SEPARATOR} » : {', '.join(columns)}."
        )
        return forms.CharField(
            label=label,
            required=required,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=f"{described} {hint}".strip(),
        )
    raise ValueError(f"Type de question inconnu : {kind}")


class QuestionsForm(SproForm):
    """Fields named by the question's code (a dossier step) or `volet.code` (an annual report)."""

    def __init__(self, *args, questions, policy, region_code, initial_answers, editable=None, required=False,
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.questions = {}
        for key, question in questions:
            field = question_field(
                question, policy, region_code, required=bool(required and question.get("required"))
            )
            value = initial_answers.get(key)
            if question["type"] == "table":
                value = table_to_text(value)
            if value is not None:
                field.initial = value
            if editable is not None and key not in editable:
                field.disabled = True
                field.help_text = "Non rouvert par la Région : cette réponse reste celle déposée."
            self.fields[key] = field
            self.questions[key] = question
        bound_text_fields(self)

    def clean(self):
        cleaned = super().clean()
        for key, question in self.questions.items():
            if question["type"] == "table" and isinstance(cleaned.get(key), str):
                try:
                    cleaned[key] = text_to_table(cleaned[key], question.get("columns") or [])
                except forms.ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    def answers(self) -> dict:
        """The answers of the editable fields, as the workflow stores them (empty ones removed)."""
        result = {}
        for key in self.questions:
            field = self.fields[key]
            if field.disabled:
                continue
            value = self.cleaned_data.get(key)
            if value in ("", None) and self.questions[key]["type"] != "boolean":
                value = None
            result[key] = value
        return result


class StartForm(SproForm):
    volets = forms.MultipleChoiceField(
        label="Volets demandés", widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volets"].choices = list(policy.volets.items())
        if len(policy.volets) == 1:
            self.fields["volets"].initial = list(policy.volets)


class AttachmentForm(SproForm):
    code = forms.ChoiceField(label="Pièce", choices=())
    file = forms.FileField(
        label="Fichier",
        help_text="",
    )

    def __init__(self, *args, items, uploads, **kwargs):
        super().__init__(*args, **kwargs)
        from spro.labels.uploads import KIND_LABELS

        self.fields["code"].choices = [(item["code"], item["label"]) for item in items]
        kinds = ", ".join(KIND_LABELS[k] for k in uploads.get("types") or KIND_LABELS)
        self.fields[
            "file"
        ].help_text = f"Formats acceptés : {kinds}. Taille maximale : {uploads['max_size_mb']} Mo."


class SubmitForm(SproForm):
    certify = forms.BooleanField(
        label="Je certifie exact le contenu de ce dossier et je le dépose au nom de la structure.",
        required=True,
        error_messages={"required": "Cochez la case pour certifier le dossier avant de le déposer."},
    )


class CompleteForm(SproForm):
    comment = forms.CharField(
        label="Message à la Région (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdhesionForm(SproForm):
    MODE_ONLINE = "en-ligne"
    MODE_DOCUMENT = "document"

    signatory_name = forms.CharField(label="Nom et prénom du signataire", max_length=150)
    signatory_function = forms.CharField(label="Fonction du signataire", max_length=150)
    signed_on = forms.DateField(
        label="Date de signature",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Au format jj/mm/aaaa.",
    )
    mode = forms.ChoiceField(
        label="Mode de signature",
        widget=forms.RadioSelect,
        choices=[
            (
                MODE_ONLINE,
                "J'accepte la charte en ligne, en tant qu'administrateur ou administratrice de la structure",
            ),
            (MODE_DOCUMENT, "Je joins la déclaration d'adhésion signée"),
        ],
    )
    document = forms.FileField(label="Déclaration signée (si vous la joignez)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date de signature ne peut pas être dans le futur.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.MODE_DOCUMENT and not cleaned.get("document"):
            self.add_error("document", "Joignez la déclaration signée, ou choisissez l'acceptation en ligne.")
        return cleaned


class ReportSignatureForm(SproForm):
    signatory_name = forms.CharField(label="Nom et prénom du signataire", max_length=150)
    signatory_function = forms.CharField(label="Fonction du signataire", max_length=150)
    certify = forms.BooleanField(
        label="Je certifie exact ce bilan et je le remets au nom de la structure.",
        error_messages={"required": "Cochez la case pour signer le bilan avant de le remettre."},
    )


class ReportForm(QuestionsForm):
    """The annual report: every question of the policy for the label's volets, then the signature."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, required=True, **kwargs)
        signature = ReportSignatureForm()
        for name, field in signature.fields.items():
            self.fields[name] = field

    def signature(self) -> dict:
        return {
            "nom": self.cleaned_data["signatory_name"],
            "fonction": self.cleaned_data["signatory_function"],
            "date": timezone.localdate().isoformat(),
        }
