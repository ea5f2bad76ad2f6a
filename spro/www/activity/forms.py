"""Forms of the reception log: one reception, a collective action (counts by category), a CSV import,
and the filters of the Région's indicators. No field holds a name or a free text about a person."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from spro.activity import codes
from spro.activity.imports import MAX_BYTES
from spro.activity.models import Reception
from spro.core.forms import SproForm, SproModelForm
from spro.directory.models import Network
from spro.territories.lookup import find_commune
from spro.territories.models import Departement, EmploymentZone, LivingArea

CHOOSE = ("", "Choisir")


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d")


def _no_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError("La date ne peut pas être dans le futur.")
    return day


class CommuneField(forms.CharField):
    """The public pages' commune field: a name, a postal code, an INSEE code or "Toulouse (31)"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        commune = find_commune(text)
        if commune is None:
            raise forms.ValidationError(
                f"Commune « {text[:60]} » introuvable : vérifiez le nom ou le code postal, ou laissez vide."
            )
        return commune


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, site):
        return site.name


REFERRAL_DAYS = 30  # the referrals offered to link: sent by the structure in the past 30 days


class ReferralChoiceField(forms.ModelChoiceField):
    """A referral sent by the structure, named without the person: number, date, where to, need."""

    def label_from_instance(self, referral):
        need = codes.NEEDS_LOG.get(referral.need, referral.need)
        when = timezone.localtime(referral.created_at)
        return f"N° {referral.pk} du {when:%d/%m/%Y}, vers {referral.to_structure.name} ({need})"


def linkable_referrals(structure, reception=None):
    """Recent referrals sent by `structure` that no other entry of the log counts yet (the entry being
    corrected keeps its own, however old)."""
    from spro.referrals.models import Referral

    since = timezone.now() - timedelta(days=REFERRAL_DAYS)
    linked = Reception.objects.exclude(referral=None)
    if reception is not None and reception.pk is not None:
        linked = linked.exclude(pk=reception.pk)
    recent = Q(created_at__gte=since) & ~Q(pk__in=linked.values("referral_id"))
    if reception is not None and reception.referral_id is not None:
        recent |= Q(pk=reception.referral_id)
    return (
        Referral.objects.filter(recent, sender_structure=structure)
        .select_related("to_structure")
        .order_by("-created_at", "-pk")
    )


class ReceptionForm(SproModelForm):
    """One first-level reception, on one screen, in the order an adviser answers."""

    commune = CommuneField(
        label="Commune de résidence",
        required=False,
        help_text="Nom ou code postal ; laissez vide si la personne ne l'a pas dit",
    )

    class Meta:
        model = Reception
        fields = [
            "date",
            "site",
            "mode",
            "sexe",
            "age_band",
            "statut",
            "commune",
            "need",
            "answer",
            "referral",
            "minutes",
        ]
        labels = {"age_band": "Tranche d'âge", "need": "Demande", "answer": "Réponse apportée"}
        help_texts = {"minutes": "Facultatif"}

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        sites = structure.sites.filter(is_active=True).order_by("pk")
        self.fields["site"] = SiteChoiceField(
            label="Lieu d'accueil", queryset=sites, empty_label=None, required=sites.exists()
        )
        self.fields["referral"] = ReferralChoiceField(
            label="Orientation envoyée",
            queryset=linkable_referrals(structure, self.instance),
            required=False,
            empty_label="Aucune",
            help_text=(
                "Si la réponse est une orientation vers un réseau et que vous l'avez envoyée dans spro "
                f"(orientations de votre structure des {REFERRAL_DAYS} derniers jours)"
            ),
            error_messages={"invalid_choice": "Choisissez une orientation envoyée par votre structure."},
        )
        self.fields["date"].widget = _date_widget()
        self.fields["date"].error_messages["invalid"] = "Indiquez une date valide, par exemple 03/12/2026."
        for name in ("mode", "sexe", "age_band", "statut", "need", "answer"):
            field = self.fields[name]
            field.choices = [CHOOSE, *[c for c in field.choices if c[0]]]
            field.error_messages["invalid_choice"] = "Choisissez une valeur de la liste."
            field.error_messages["required"] = "Ce champ est obligatoire : choisissez une valeur."
        self.fields["minutes"].widget.attrs.update({"inputmode": "numeric", "min": "0", "max": "600"})
        self.fields["minutes"].error_messages.update(
            {"invalid": "Indiquez un nombre entier de minutes.", "max_value": "600 minutes au plus."}
        )
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("date", timezone.localdate())
            first = sites.first()
            if first is not None:
                self.initial.setdefault("site", first.pk)
        self.fields["date"].widget.attrs["autofocus"] = True

    def clean_date(self):
        return _no_future(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        if data.get("referral") is not None and data.get("answer") not in (None, "", "orientation"):
            self.add_error(
                "referral",
                "Une orientation ne se lie qu'à un accueil dont la réponse est "
                "« Orientation vers un réseau ».",
            )
        return data

    def save(self, commit=True, user=None):
        reception = super().save(commit=False)
        reception.structure = self.structure
        if reception.pk is None:
            reception.created_by = user
        if commit:
            reception.save()
        return reception


class GroupForm(SproForm):
    """A collective action (a forum stand, a class visit): what the group shares, then the number of
    people by sexe and age band; one row of the log per category that has people."""

    date = forms.DateField(label="Date")
    site = SiteChoiceField(label="Lieu d'accueil", queryset=None, empty_label=None, required=False)
    mode = forms.ChoiceField(label="Mode", choices=[CHOOSE, *codes.MODES.items()], initial="hors-les-murs")
    statut = forms.ChoiceField(label="Statut", choices=[CHOOSE, *codes.STATUTS_LOG.items()])
    commune = CommuneField(
        label="Commune de l'action ou de résidence", required=False, help_text="Facultatif"
    )
    need = forms.ChoiceField(label="Demande", choices=[CHOOSE, *codes.NEEDS_LOG.items()])
    answer = forms.ChoiceField(label="Réponse apportée", choices=[CHOOSE, *codes.ANSWERS.items()])

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        sites = structure.sites.filter(is_active=True).order_by("pk")
        self.fields["site"].queryset = sites
        self.fields["site"].required = sites.exists()
        self.fields["date"].widget = _date_widget()
        self.fields["date"].error_messages["invalid"] = "Indiquez une date valide, par exemple 03/12/2026."
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            first = sites.first()
            if first is not None:
                self.initial.setdefault("site", first.pk)
        self.grid = []  # [(age label, [(sexe label, field name)])]
        for age, age_label in codes.AGE_BANDS.items():
            cells = []
            for sexe, sexe_label in codes.SEXES_LOG.items():
                name = self.count_name(sexe, age)
                self.fields[name] = forms.IntegerField(
                    label=f"{sexe_label}, {age_label.lower()}",
                    required=False,
                    min_value=0,
                    max_value=10_000,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "fr-input"}),
                    error_messages={
                        "invalid": "Un nombre entier de personnes.",
                        "min_value": "Un nombre positif.",
                        "max_value": "10 000 au plus.",
                    },
                )
                cells.append((sexe_label, name))
            self.grid.append((age_label, cells))
        self.sexes = list(codes.SEXES_LOG.values())

    @staticmethod
    def count_name(sexe, age) -> str:
        return f"n_{sexe}_{age}".replace("-", "_")

    def clean_date(self):
        return _no_future(self.cleaned_data.get("date"))

    def counts(self) -> dict:
        return {
            (sexe, age): self.cleaned_data.get(self.count_name(sexe, age)) or 0
            for age in codes.AGE_BANDS
            for sexe in codes.SEXES_LOG
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not any(self.counts().values()):
            raise forms.ValidationError("Indiquez le nombre de personnes d'au moins une catégorie.")
        return data

    def bound_grid(self):
        return [(age, [(sexe, self[name]) for sexe, name in cells]) for age, cells in self.grid]


class ImportForm(SproForm):
    file = forms.FileField(
        label="Fichier CSV",
        help_text=f"UTF-8, séparateur virgule ou point-virgule, {MAX_BYTES // (1024 * 1024)} Mo au plus",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "fr-upload"}),
        error_messages={"required": "Choisissez le fichier CSV à importer.", "empty": "Le fichier est vide."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"Fichier trop volumineux : {MAX_BYTES // (1024 * 1024)} Mo au plus.")
        return upload


class DeleteForm(SproForm):
    confirm = forms.BooleanField(
        label="Je confirme la suppression",
        error_messages={"required": "Cochez la case pour confirmer la suppression."},
    )


class PeriodForm(SproForm):
    """The period of an indicator page: the past 12 months by default."""

    du = forms.DateField(label="Du", required=False)
    au = forms.DateField(label="Au", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("du", "au"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[name].error_messages["invalid"] = "Indiquez une date valide, par exemple 01/01/2026."

    def period(self):
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("au") or today
        start = data.get("du") or (end - timedelta(days=365))
        return start, end

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return data


class RegionFilterForm(PeriodForm):
    """Filters of the Région's indicators: département, zone d'emploi or bassin de vie of the site,
    network, period."""

    departement = forms.ChoiceField(label="Département", required=False)
    zone = forms.ChoiceField(label="Zone d'emploi", required=False)
    bassin = forms.ChoiceField(label="Bassin de vie", required=False)
    reseau = forms.ChoiceField(label="Réseau", required=False)
    field_order = ["departement", "zone", "bassin", "reseau", "du", "au"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departements = Departement.objects.filter(region_id=settings.SPRO_REGION).order_by("code")
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.name}") for d in departements
        ]
        zones = (
            EmploymentZone.objects.filter(communes__region_id=settings.SPRO_REGION)
            .distinct()
            .order_by("name", "code")
            .values_list("code", "name")
        )
        self.fields["zone"].choices = [("", "Toutes")] + list(zones)
        self.fields["zone"].error_messages["invalid_choice"] = "Choisissez une zone d'emploi de la liste."
        areas = (
            LivingArea.objects.filter(communes__region_id=settings.SPRO_REGION)
            .distinct()
            .order_by("name", "code")
            .values_list("code", "name")
        )
        self.fields["bassin"].choices = [("", "Tous")] + list(areas)
        self.fields["bassin"].error_messages["invalid_choice"] = "Choisissez un bassin de vie de la liste."
        self.fields["reseau"].choices = [("", "Tous")] + list(
            Network.objects.filter(is_active=True).order_by("label").values_list("code", "label")
        )
