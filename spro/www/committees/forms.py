"""Forms of the committee sessions (Région back office)."""

from django import forms

from spro.core.forms import SproForm
from spro.labels.models import Opinion, TextOpinion

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


class MemberForm(SproForm):
    name = forms.CharField(label="Nom et prénom", max_length=150)
    function = forms.CharField(label="Fonction", max_length=150, required=False)
    institution = forms.CharField(label="Institution représentée", max_length=200, required=False)
    joined_on = forms.DateField(
        label="Membre depuis le", widget=DATE_WIDGET, help_text="Au format jj/mm/aaaa."
    )

    def clean_joined_on(self):
        value = self.cleaned_data["joined_on"]
        if not 2000 <= value.year <= 2100:
            raise forms.ValidationError("Indiquez une date entre l'an 2000 et l'an 2100.")
        return value


class MemberLeaveForm(SproForm):
    left_on = forms.DateField(
        label="A quitté l'instance le",
        widget=DATE_WIDGET,
        help_text="Au format jj/mm/aaaa : au plus tôt le jour de son arrivée, au plus tard aujourd'hui.",
    )

    def clean_left_on(self):
        value = self.cleaned_data["left_on"]
        if not 2000 <= value.year <= 2100:
            raise forms.ValidationError("Indiquez une date entre l'an 2000 et l'an 2100.")
        return value


class TextOpinionForm(SproForm):
    document = forms.ChoiceField(label="Texte examiné", choices=TextOpinion.Document.choices)
    title = forms.CharField(
        label="Intitulé du texte", max_length=200, help_text="Par exemple : Charte Occitanie Orientation."
    )
    version = forms.CharField(label="Version", max_length=40, required=False, help_text="Par exemple : v3.")
    value = forms.ChoiceField(label="Avis rendu", choices=TextOpinion.Value.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Observations", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TierForm(SproForm):
    site = forms.ChoiceField(label="Lieu du réseau des Cités des métiers", choices=())
    tier = forms.ChoiceField(label="Niveau", choices=(), required=False)

    def __init__(self, *args, sites, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {str(s.pk): s for s in sites}
        self.fields["site"].choices = [("", "Choisissez un lieu")] + [
            (str(s.pk), f"{s.name} — {s.commune.name if s.commune else 'sans commune'}") for s in sites
        ]
        self.fields["tier"].choices = [(t["code"], t["label"]) for t in tiers] + [
            ("", "Aucun niveau (retirer)")
        ]

    def clean_site(self):
        return self.sites[self.cleaned_data["site"]]
