from django import forms

from spro.core.forms import SproForm, SproModelForm
from spro.network.models import Training
from spro.www.agenda.forms import DATETIME_WIDGET, ParisDateTimeField


class TrainingForm(SproModelForm):
    start = ParisDateTimeField(
        label="Début",
        help_text="Date et heure, heure de Paris",
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Date et heure invalides : écrivez JJ/MM/AAAA HH:MM."},
    )
    end = ParisDateTimeField(
        label="Fin",
        help_text="Date et heure, heure de Paris",
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Date et heure invalides : écrivez JJ/MM/AAAA HH:MM."},
    )
    online_url = forms.URLField(
        label="Lien de la session à distance", required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Training
        fields = [
            "title",
            "objectives",
            "organiser",
            "organiser_name",
            "start",
            "end",
            "mode",
            "place",
            "online_url",
            "capacity",
            "audience",
            "axis",
            "label_obligation",
        ]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4}), "mode": forms.RadioSelect}
        help_texts = {"audience": "Par exemple : conseillers de premier accueil, référents SPRO"}

    def __init__(self, *args, organisers, region_may_organise: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organiser"]
        field.queryset = organisers
        field.required = not region_may_organise
        field.empty_label = "La Région" if region_may_organise else "Choisir votre structure"
        field.help_text = "La Région, ou une structure dont vous êtes membre" if region_may_organise else ""
        self.fields["mode"].choices = Training._meta.get_field("mode").choices


class RegisterForm(SproForm):
    """Register oneself, or (a structure's administrator) a colleague, for one of the structures."""

    person = forms.ChoiceField(label="Personne à inscrire")
    structure = forms.ChoiceField(label="Au titre de la structure")

    def __init__(self, *args, people, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        self.structures = {str(structure.pk): structure for structure in structures}
        self.fields["person"].choices = [
            (key, person.get_full_name() or person.email) for key, person in self.people.items()
        ]
        self.fields["structure"].choices = [(key, s.name) for key, s in self.structures.items()]
        # Both stay visible, even with a single choice: the person sees for whom and for which structure.

    def clean_person(self):
        return self.people[self.cleaned_data["person"]]

    def clean_structure(self):
        return self.structures[self.cleaned_data["structure"]]


class CancelTrainingForm(SproForm):
    confirm = forms.BooleanField(
        label="Je confirme l'annulation de cette session",
        error_messages={"required": "Cochez la case pour confirmer l'annulation."},
    )
    reason = forms.CharField(
        label="Motif de l'annulation",
        help_text="Envoyé aux personnes inscrites",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
