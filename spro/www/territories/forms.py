from django import forms

from spro.core.forms import SproForm, SproModelForm
from spro.labels.uploads import KIND_LABELS
from spro.network.coordination import GRID_LOCKED
from spro.network.models import CoordinationPolicy, CoordinationTerritory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Date invalide : écrivez JJ/MM/AAAA."}
FILE_HINT = f"Formats acceptés : {', '.join(KIND_LABELS.values())}"


class VoteForm(SproForm):
    """One vote of a member structure: for a candidate structure (and, optionally, a person of it)."""

    voter = forms.ChoiceField(label="Vote au nom de la structure")
    candidate = forms.ChoiceField(
        label="Structure proposée comme coordinatrice locale",
        widget=forms.RadioSelect,
        help_text="Un vote blanc compte comme une abstention.",
    )
    person = forms.ChoiceField(
        label="Personne proposée (facultatif)",
        required=False,
        help_text="Un membre de la structure proposée",
    )

    def __init__(self, *args, voters, candidates, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = {str(s.pk): s for s in voters}
        self.candidates = {str(s.pk): s for s in candidates}
        self.people = {str(p.pk): p for p in people}
        self.fields["voter"].choices = [(k, s.name) for k, s in self.voters.items()]
        self.fields["candidate"].choices = [(k, s.name) for k, s in self.candidates.items()] + [
            ("blanc", "Vote blanc")
        ]
        self.fields["person"].choices = [("", "Aucune en particulier")] + [
            (k, p.get_full_name() or p.email) for k, p in self.people.items()
        ]

    def clean_voter(self):
        return self.voters[self.cleaned_data["voter"]]

    def clean_candidate(self):
        value = self.cleaned_data["candidate"]
        return None if value == "blanc" else self.candidates[value]

    def clean_person(self):
        value = self.cleaned_data.get("person")
        return self.people.get(value) if value else None


class NoticeForm(SproForm):
    party = forms.ChoiceField(label="Partie qui met en demeure")
    sent_on = forms.DateField(
        label="Lettre recommandée envoyée le", widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    letter_reference = forms.CharField(label="Référence du recommandé", max_length=50)
    grounds = forms.CharField(
        label="Manquement reproché", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    letter = forms.FileField(label="Lettre (facultatif)", required=False, help_text=FILE_HINT)

    def __init__(self, *args, parties, region_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(s.pk): s for s in parties}
        self.fields["party"].choices = [("region", region_name)] + [
            (k, s.name) for k, s in self.parties.items()
        ]

    def clean_party(self):
        value = self.cleaned_data["party"]
        return None if value == "region" else self.parties[value]


class RemedyForm(SproForm):
    remedied_on = forms.DateField(
        label="Manquement réparé le", widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )


class MeetingForm(SproForm):
    held_on = forms.DateField(label="Date de la réunion", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    agenda = forms.CharField(label="Ordre du jour", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    present = forms.MultipleChoiceField(
        label="Structures présentes", required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label="Compte rendu", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        label="Décisions", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes_file = forms.FileField(
        label="Compte rendu signé (facultatif)", required=False, help_text=FILE_HINT
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = {str(s.pk): s for s in structures}
        self.fields["present"].choices = [(k, s.name) for k, s in self.structures.items()]

    def clean_present(self):
        return [self.structures[k] for k in self.cleaned_data["present"]]


class ReportForm(SproForm):
    programme = forms.CharField(
        label="Programme de l'année suivante", max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    activity = forms.CharField(
        label="Bilan d'activité", max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class DocumentForm(SproForm):
    document = forms.FileField(label="Convention signée", help_text=FILE_HINT)


class TerritoryForm(SproModelForm):
    class Meta:
        model = CoordinationTerritory
        fields = ["name", "code", "kind", "reference"]
        help_texts = {
            "code": "Lettres minuscules, chiffres et tirets, par exemple bassin-toulouse",
            "reference": "Code INSEE de la zone d'emploi, du bassin de vie ou du département ; vide pour un "
            "groupe de communes",
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != "communes" and not data.get("reference"):
            self.add_error("reference", "Indiquez le code de la zone, du bassin de vie ou du département.")
        return data


class PolicyForm(SproModelForm):
    """The Région's rules of local coordination; the grid only while the Région has no territory (once
    territories exist, a grid posted anyway that differs from the Région's is refused in words)."""

    class Meta:
        model = CoordinationPolicy
        fields = ["grid", "convention_months", "notice_months", "vote_days", "no_majority"]
        widgets = {"no_majority": forms.RadioSelect}
        help_texts = {
            "grid": "Le type de tous les territoires de coordination de la Région ; il ne changera plus "
            "une fois le premier territoire créé",
            "convention_months": "De 1 à 60 mois ; s'applique aux conventions signées ou renouvelées ensuite",
            "notice_months": "De 1 à 12 mois ; s'applique aux mises en demeure envoyées ensuite",
            "vote_days": "De 1 à 90 jours ; s'applique aux désignations ouvertes ensuite",
            "no_majority": "S'applique aux désignations dépouillées ensuite",
        }

    def __init__(self, *args, grid_locked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid_locked = grid_locked
        self.current_grid = self.instance.grid
        if grid_locked:
            del self.fields["grid"]
        # The bounds are the model's validators (checked on every post); the inputs show them.
        for name, most in (("convention_months", 60), ("notice_months", 12), ("vote_days", 90)):
            self.fields[name].widget.attrs.update({"min": "1", "max": str(most)})

    def clean(self):
        data = super().clean()
        posted = self.data.get("grid")
        if self.grid_locked and posted is not None and posted != self.current_grid:
            raise forms.ValidationError(GRID_LOCKED)
        return data


class MemberForm(SproForm):
    structure = forms.ChoiceField(label="Structure qui rejoint le comité")
    joined_on = forms.DateField(label="Membre depuis le", widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = {str(s.pk): s for s in structures}
        self.fields["structure"].choices = [(k, s.name) for k, s in self.structures.items()]

    def clean_structure(self):
        return self.structures[self.cleaned_data["structure"]]


class LeaveForm(SproForm):
    left_on = forms.DateField(label="A quitté le comité le", widget=DATE_WIDGET, error_messages=DATE_ERRORS)


class ConventionForm(SproForm):
    reference = forms.CharField(label="Référence de la convention", max_length=50)
    starts_on = forms.DateField(label="Prise d'effet le", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
