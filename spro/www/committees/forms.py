"""Forms of the committee sessions (Région back office)."""

from django import forms

from spro.core.forms import SproForm
from spro.labels.models import Opinion

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionForm(SproForm):
    committee = forms.ChoiceField(label="Instance", choices=())
    held_on = forms.DateField(
        label="Date de la séance", widget=DATE_WIDGET, help_text="Au format jj/mm/aaaa."
    )
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    members_present = forms.CharField(
        label="Membres présents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une ligne par membre : nom, fonction, institution. À compléter après la séance si besoin.",
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c["code"], c["name"]) for c in committees]
        if len(committees) == 1:
            self.fields["committee"].initial = committees[0]["code"]

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if not 2000 <= value.year <= 2100:
            raise forms.ValidationError("Indiquez une date entre l'an 2000 et l'an 2100.")
        return value


class AgendaForm(SproForm):
    application = forms.ChoiceField(label="Dossier prêt pour l'avis", choices=())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(a.pk): a for a in candidates}
        self.fields["application"].choices = [("", "Choisissez un dossier")] + [
            (str(a.pk), f"{a.structure.name} — dossier n° {a.pk} ({a.get_state_display()})")
            for a in candidates
        ]

    def clean_application(self):
        return self.candidates[self.cleaned_data["application"]]


class OpinionForm(SproForm):
    value = forms.ChoiceField(
        label="Avis de l'instance", choices=Opinion.Value.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(
        label="Motivation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un avis défavorable ou une proposition d'ajournement.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("value") in (Opinion.Value.UNFAVORABLE, Opinion.Value.POSTPONE)
            and not (cleaned.get("reasoning") or "").strip()
        ):
            self.add_error("reasoning", "Motivez un avis défavorable ou une proposition d'ajournement.")
        return cleaned


class MinutesForm(SproForm):
    minutes = forms.CharField(
        label="Relevé de décisions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Repris à la fin du procès-verbal.",
    )
