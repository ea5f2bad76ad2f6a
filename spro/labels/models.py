"""Membership of the SPRO: statuses of structures, charters and adhesions, label policies per Région,
campaigns, applications and their instruction, committees, decisions, labels and annual reports.

The workflows are declared in `states.py`; only `workflow.py` (people) and `deadlines.py` (the daily
command) change a state, and every change is logged (`ApplicationLog`, `LabelLog`, `SproStatusChange`).
"""

import json
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from spro.labels.policy import Policy, PolicyError, shipped_policy, shipped_text, validate
from spro.labels.states import (
    LIVE_LABEL_STATES,
    PENDING_APPLICATION_STATES,
    ApplicationState,
    CampaignState,
    LabelState,
    SproStatusCode,
)

USER = settings.AUTH_USER_MODEL


def _user(related_name="+", verbose_name="par"):
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


# --- SPRO status -------------------------------------------------------------------------------------


class RegionStatusChoice(models.TextChoices):
    """What the Région sets by hand; the label status comes from the labels themselves."""

    DERIVED = "", "Selon le réseau de la structure"
    MEMBRE_DE_DROIT = "membre-de-droit", "Membre de droit"
    RECONNU = "reconnu", "Reconnu par la Région"
    PARTENAIRE_LOCAL = "partenaire-local", "Partenaire local"
    NONE = "aucun", "Aucun statut"


class SproStatusQuerySet(models.QuerySet):
    def members(self):
        """Structures with a SPRO status (the open-data list of members and partners)."""
        return self.exclude(status="").filter(structure__is_active=True)


class SproStatus(models.Model):
    """A structure's SPRO status today (kept current by `spro.labels.status.refresh_status`)."""

    structure = models.OneToOneField(
        "directory.Structure", on_delete=models.CASCADE, related_name="spro_status", verbose_name="structure"
    )
    region_status = models.CharField(
        "statut fixé par la Région", max_length=20, choices=RegionStatusChoice.choices, blank=True
    )
    status = models.CharField(
        "statut SPRO", max_length=20, choices=SproStatusCode.choices, blank=True, db_index=True
    )
    volets = models.JSONField("volets", default=list, blank=True)
    valid_from = models.DateField("valide du", null=True, blank=True)
    valid_until = models.DateField("valide jusqu'au", null=True, blank=True)
    attestation = models.CharField("référence de l'attestation", max_length=40, blank=True)
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)

    objects = SproStatusQuerySet.as_manager()

    class Meta:
        verbose_name = "statut SPRO"
        verbose_name_plural = "statuts SPRO"

    def __str__(self):
        return f"{self.structure} : {self.get_status_display() or 'aucun statut'}"


class SproStatusChange(models.Model):
    """History of a structure's SPRO status: every change, who made it and why."""

    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="spro_status_changes"
    )
    status = models.CharField("statut SPRO", max_length=20, choices=SproStatusCode.choices, blank=True)
    volets = models.JSONField("volets", default=list, blank=True)
    valid_from = models.DateField("valide du", null=True, blank=True)
    valid_until = models.DateField("valide jusqu'au", null=True, blank=True)
    reason = models.CharField("motif", max_length=300, blank=True)
    by = _user()
    at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "changement de statut SPRO"
        verbose_name_plural = "changements de statut SPRO"

    def __str__(self):
        return f"{self.structure} : {self.get_status_display() or 'aucun statut'} ({self.at:%d/%m/%Y})"


# --- charters ----------------------------------------------------------------------------------------


class CharterQuerySet(models.QuerySet):
    def current_for(self, region_code: str):
        return (
            self.filter(region_code=region_code, adopted_on__lte=timezone.localdate())
            .order_by("-version")
            .first()
        )


class Charter(models.Model):
    """A version of the Région's charter (or cahier des charges) that members sign."""

    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    version = models.PositiveIntegerField("version")
    title = models.CharField("titre", max_length=200)
    adopted_on = models.DateField("adoptée le")
    duration = models.CharField(
        "durée",
        max_length=200,
        blank=True,
        help_text="Telle que le texte la fixe, par exemple « un an, "
        "reconductible tacitement » ou « non limitée dans le temps ».",
    )
    text = models.TextField("texte", blank=True)

    objects = CharterQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "-version"]
        verbose_name = "charte"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "version"], name="labels_charter_unique_version")
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    def structures_without_adhesion(self, structures):
        """Which of `structures` have not signed this version yet."""
        return structures.exclude(adhesions__charter=self)


class Adhesion(models.Model):
    """A structure's déclaration d'adhésion to a charter version: a signed document or an acceptance in
    spro by an administrator of the structure."""

    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="adhesions")
    structure = models.ForeignKey("directory.Structure", on_delete=models.CASCADE, related_name="adhesions")
    signatory_name = models.CharField("nom du signataire", max_length=150)
    signatory_function = models.CharField("fonction du signataire", max_length=150)
    signed_on = models.DateField("signée le")
    document = models.FileField("déclaration signée", upload_to="adhesions/%Y/", blank=True)
    accepted_by = _user(verbose_name="acceptée en ligne par")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = "déclaration d'adhésion"
        verbose_name_plural = "déclarations d'adhésion"
        constraints = [
            models.UniqueConstraint(fields=["charter", "structure"], name="labels_one_adhesion_per_charter")
        ]

    def __str__(self):
        return f"{self.structure} — {self.charter}"

    def clean(self):
        if not self.document and not self.accepted_by_id:
            raise ValidationError("Joignez la déclaration signée ou faites-la accepter en ligne.")


# --- policies ----------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _checked_volets(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(Policy(json.loads(text)).volets.items())


class LabelPolicyQuerySet(models.QuerySet):
    def active_for(self, region_code: str):
        return self.filter(region_code=region_code, is_active=True).order_by("-version").first()

    def reading(self, region_code: str) -> Policy | None:
        """The policy in force for reading (published, else shipped), without writing anything."""
        found = self.active_for(region_code)
        if found is not None:
            return found.policy
        document = shipped_policy(region_code)
        return Policy(document) if document is not None else None

    def volets(self, region_code: str) -> dict[str, str]:
        """The volets of the policy `reading` gives, {code: label}: what the directory filters on, on
        every page of it. The document is checked once per text (the check was a tenth of the page)."""
        document = (
            self.filter(region_code=region_code, is_active=True)
            .order_by("-version")
            .values_list("document", flat=True)
            .first()
        )
        text = json.dumps(document, sort_keys=True) if document is not None else shipped_text(region_code)
        return dict(_checked_volets(text)) if text is not None else {}

    def in_force(self, region_code: str) -> "LabelPolicy":
        """The version in force; the policy shipped with spro is recorded as version 1 the first time.
        Raises PolicyError when the Région has none."""
        found = self.active_for(region_code)
        if found is not None:
            return found
        document = shipped_policy(region_code)
        if document is None:
            raise PolicyError([f"aucune politique de labellisation pour la Région {region_code}."])
        return self.publish(region_code, document, comment="Politique livrée avec spro")

    @transaction.atomic
    def publish(self, region_code: str, document: dict, user=None, comment: str = "") -> "LabelPolicy":
        errors = validate(document)
        if not errors and document["region"] != region_code:
            errors = [
                f"la politique est celle de la Région {document['region']}, pas de la Région {region_code}."
            ]
        if errors:
            raise PolicyError(errors)
        existing = list(
            self.select_for_update().filter(region_code=region_code).values_list("version", flat=True)
        )
        self.filter(region_code=region_code, is_active=True).update(is_active=False)
        return self.create(
            region_code=region_code,
            version=max(existing, default=0) + 1,
            document=document,
            created_by=user,
            comment=comment,
            is_active=True,
        )


class LabelPolicy(models.Model):
    """A version of a Région's label policy (see `policy.py`): a change publishes a new version."""

    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    version = models.PositiveIntegerField("version")
    document = models.JSONField("politique")
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("publiée le", default=timezone.now, editable=False)
    created_by = _user(verbose_name="publiée par")
    is_active = models.BooleanField("en vigueur", default=False)

    objects = LabelPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "-version"]
        verbose_name = "politique de labellisation"
        verbose_name_plural = "politiques de labellisation"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "version"], name="labels_policy_unique_version"),
            models.UniqueConstraint(
                fields=["region_code"], condition=models.Q(is_active=True), name="labels_policy_one_active"
            ),
        ]

    def __str__(self):
        return f"Politique de labellisation {self.region_code} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = LabelPolicy.objects.filter(pk=self.pk).values_list("document", flat=True).first()
            if stored is not None and stored != self.document:
                raise ValidationError(
                    "Une politique publiée ne se modifie pas : publiez une nouvelle version."
                )
        super().save(*args, **kwargs)

    @property
    def policy(self) -> Policy:
        if getattr(self, "_policy", None) is None:
            self._policy = Policy(self.document)
        return self._policy


# --- campaigns and applications ----------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def ensure(self, region_code: str, policy: Policy, day: date) -> int:
        """Create the campaigns of the policy's calendar for this year and the next; how many were new."""
        from spro.labels.policy import parse_month_day

        created = 0
        if not policy.uses_campaigns:
            return created
        for year in (day.year, day.year + 1):
            for spec in policy.calendar["campaigns"]:
                entry_year = year + 1 if spec.get("entry_next_year") else year
                created += self.get_or_create(
                    region_code=region_code,
                    code=spec["code"],
                    entry_on=parse_month_day(spec["entry"], entry_year),
                    defaults={
                        "label": spec["label"],
                        "opens_on": parse_month_day(spec["opens"], year),
                        "closes_on": parse_month_day(spec["closes"], year),
                    },
                )[1]
        return created

    def open_on(self, region_code: str, day: date):
        return self.filter(region_code=region_code, opens_on__lte=day, closes_on__gte=day).order_by(
            "closes_on"
        )


class Campaign(models.Model):
    """A window for applications, with the date labels granted through it take effect."""

    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    code = models.SlugField("code de la campagne", max_length=50)
    label = models.CharField("nom", max_length=200)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    entry_on = models.DateField("entrée dans le SPRO")
    state = models.CharField(
        "état", max_length=10, choices=CampaignState.choices, default=CampaignState.UPCOMING
    )
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["opens_on"]
        verbose_name = "campagne de labellisation"
        verbose_name_plural = "campagnes de labellisation"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "code", "entry_on"], name="labels_campaign_unique")
        ]

    def __str__(self):
        return f"{self.label} ({self.entry_on:%d/%m/%Y})"


class Application(models.Model):
    """A structure's dossier de labellisation, answered along the policy version it was started with."""

    State = ApplicationState

    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.PROTECT, related_name="label_applications"
    )
    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    policy = models.ForeignKey(LabelPolicy, on_delete=models.PROTECT, related_name="applications")
    volets = models.JSONField("volets demandés", default=list)
    answers = models.JSONField("réponses", default=dict, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    renewal_of = models.ForeignKey(
        "Label",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal_applications",
        verbose_name="renouvellement du label",
    )
    # What a complement request reopened to the applicant: question and attachment codes.
    requested_items = models.JSONField("éléments demandés", default=list, blank=True)
    # The instructor's checklist: criterion code → {"met": bool | None, "comment": str}.
    checklist = models.JSONField("grille d'instruction", default=dict, blank=True)
    created_by = _user(verbose_name="créé par")
    created_at = models.DateTimeField("créé le", default=timezone.now)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "dossier de labellisation"
        verbose_name_plural = "dossiers de labellisation"

    def __str__(self):
        return f"Dossier n° {self.pk} — {self.structure} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_APPLICATION_STATES

    @property
    def departements(self) -> list[str]:
        value = self.answers.get("territoire") or []
        return [value] if isinstance(value, str) else list(value)


def attachment_path(instance, filename):
    # Outside the web root (MEDIA_ROOT is never served as is): only a view checking access reads it.
    return f"labels/{instance.application.region_code}/{instance.application_id}/{instance.code}-{filename}"


class Attachment(models.Model):
    """A document joined to an application; type and size checked on its content (`uploads.py`)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    code = models.SlugField("pièce", max_length=50)
    file = models.FileField("fichier", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("nom d'origine", max_length=200)
    kind = models.CharField("type", max_length=10)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = _user(verbose_name="déposée par")
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        ordering = ["code", "uploaded_at"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return f"{self.code} : {self.original_name}"


class ApplicationLog(models.Model):
    """Every transition of an application, and every message exchanged along it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="log")
    transition = models.CharField("action", max_length=30)
    from_state = models.CharField("de", max_length=20, choices=ApplicationState.choices)
    to_state = models.CharField("vers", max_length=20, choices=ApplicationState.choices)
    comment = models.TextField("commentaire", blank=True)
    by = _user()
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "étape de dossier"

    def __str__(self):
        return f"{self.application_id} : {self.from_state} → {self.to_state} ({self.transition})"


# --- committees and decisions ------------------------------------------------------------------------


class Committee(models.Model):
    """A body that gives an opinion or decides (COPIL SPRO, GT Orientation, Commission OMSPP, CLEFOP…)."""

    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    code = models.SlugField("code", max_length=50)
    name = models.CharField("nom", max_length=200)
    # A departmental body (Midi-Pyrénées' comité de suivi départemental) is one committee per département.
    departement = models.CharField("département", max_length=3, blank=True)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = "instance"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "code"], name="labels_committee_unique")
        ]

    def __str__(self):
        return self.name


class CommitteeSession(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField("date de la séance")
    place = models.CharField("lieu", max_length=200, blank=True)
    members_present = models.TextField("membres présents", blank=True)
    minutes = models.TextField("relevé de décisions", blank=True)
    created_by = _user(verbose_name="créée par")
    agenda = models.ManyToManyField(
        Application,
        through="AgendaItem",
        related_name="agenda_sessions",
        blank=True,
        verbose_name="ordre du jour",
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "séance d'instance"
        verbose_name_plural = "séances d'instance"

    def __str__(self):
        return f"{self.committee} du {self.held_on:%d/%m/%Y}"


class AgendaItem(models.Model):
    """A dossier on the agenda of a session (examined in the order it was put there)."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="agenda_items")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="agenda_items")
    added_by = _user(verbose_name="inscrit par")
    added_at = models.DateTimeField("inscrit le", default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = "dossier à l'ordre du jour"
        verbose_name_plural = "ordre du jour"
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="labels_agenda_item_unique")
        ]

    def __str__(self):
        return f"{self.application} — {self.session}"


class Opinion(models.Model):
    class Value(models.TextChoices):
        FAVORABLE = "favorable", "Avis favorable"
        UNFAVORABLE = "defavorable", "Avis défavorable"
        POSTPONE = "ajournement", "Proposition d'ajournement"

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="opinions")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="opinions")
    value = models.CharField("avis", max_length=20, choices=Value.choices)
    reasoning = models.TextField("motivation", blank=True)
    given_by = _user(verbose_name="enregistré par")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_at"]
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="labels_one_opinion_per_session")
        ]

    def __str__(self):
        return f"{self.get_value_display()} — {self.session}"


class CommitteeMember(models.Model):
    """A member of a regional body (its seat: the person, their function and institution)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("nom", max_length=150)
    function = models.CharField("fonction", max_length=150, blank=True)
    institution = models.CharField("institution", max_length=200, blank=True)
    joined_on = models.DateField("membre depuis le", default=date.today)
    left_on = models.DateField("a quitté l'instance le", null=True, blank=True)
    added_by = _user(verbose_name="ajouté par")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "membre d'instance"
        verbose_name_plural = "membres d'instance"

    def __str__(self):
        return f"{self.name} ({self.committee})"


class TextOpinion(models.Model):
    """The opinion (avis) a body gave in a session on a text: a charter, a label policy, a ruleset version…"""

    class Document(models.TextChoices):
        CHARTER = "charte", "Charte du SPRO"
        LABEL_POLICY = "politique-labels", "Politique de labellisation"
        ROUTING_RULES = "regles-aiguillage", "Règles d'aiguillage"
        OTHER = "autre", "Autre texte"

    class Value(models.TextChoices):
        FAVORABLE = "favorable", "Avis favorable"
        RESERVED = "favorable-reserves", "Avis favorable avec réserves"
        UNFAVORABLE = "defavorable", "Avis défavorable"

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="text_opinions")
    document = models.CharField("texte", max_length=30, choices=Document.choices)
    version = models.CharField("version", max_length=40, blank=True)
    title = models.CharField("intitulé du texte", max_length=200)
    value = models.CharField("avis", max_length=20, choices=Value.choices)
    given_on = models.DateField("avis rendu le")
    comment = models.TextField("observations", blank=True)
    recorded_by = _user(verbose_name="enregistré par")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = "avis sur un texte"
        verbose_name_plural = "avis sur des textes"

    def __str__(self):
        return f"{self.get_value_display()} sur « {self.title} » — {self.session}"


class BodyReminder(models.Model):
    """One reminder sent to the Région about a body's rhythm (`key` says which: the due date missed, or the
    COPIL a département has no meeting ahead of), so the daily command sends each once."""

    region_code = models.CharField("code INSEE de la Région", max_length=3)
    body_code = models.SlugField("instance", max_length=60)
    key = models.CharField("échéance", max_length=60)
    sent_on = models.DateField("envoyé le")

    class Meta:
        ordering = ["-sent_on", "pk"]
        verbose_name = "rappel du rythme d'une instance"
        verbose_name_plural = "rappels du rythme des instances"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "body_code", "key"], name="labels_body_reminder_unique"
            )
        ]

    def __str__(self):
        return f"{self.body_code} : {self.key}"


class NetworkTier(models.Model):
    """A site's tier in a network the Région profile describes (Midi-Pyrénées' Cité des métiers: site
    central, centre associé, point relais). The tiers and their offer are data (`profiles/<region>.json`)."""

    site = models.OneToOneField("directory.Site", on_delete=models.CASCADE, related_name="network_tier")
    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    tier = models.SlugField("niveau", max_length=40)
    departement = models.CharField("département", max_length=3)
    assigned_by = _user(verbose_name="attribué par")
    assigned_at = models.DateTimeField("attribué le", default=timezone.now)

    class Meta:
        ordering = ["region_code", "tier", "departement", "pk"]
        verbose_name = "niveau dans le réseau"
        verbose_name_plural = "niveaux dans le réseau"

    def __str__(self):
        return f"{self.site} : {self.tier}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        GRANTED = "accorde", "Label accordé"
        REFUSED = "refuse", "Label refusé"
        POSTPONED = "ajourne", "Décision ajournée"

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField("décision", max_length=10, choices=Outcome.choices)
    decided_on = models.DateField("décidée le")
    decided_by_body = models.CharField("instance ou autorité qui décide", max_length=200)
    reasoning = models.TextField("motivation", blank=True)
    attestation_reference = models.CharField(
        "référence de l'attestation", max_length=40, unique=True, null=True, blank=True
    )
    recorded_by = _user(verbose_name="enregistrée par")
    notified_at = models.DateTimeField("notifiée le", null=True, blank=True)

    class Meta:
        verbose_name = "décision"

    def __str__(self):
        return f"{self.get_outcome_display()} — {self.application.structure}"


# --- labels ------------------------------------------------------------------------------------------


class LabelQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=LIVE_LABEL_STATES)

    def valid_on(self, day: date):
        return (
            self.live()
            .filter(valid_from__lte=day)
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))
        )


class Label(models.Model):
    """A label granted by a decision, for one or several volets, with its validity."""

    State = LabelState

    structure = models.ForeignKey("directory.Structure", on_delete=models.PROTECT, related_name="labels")
    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="label")
    policy = models.ForeignKey(LabelPolicy, on_delete=models.PROTECT, related_name="labels")
    volets = models.JSONField("volets")
    state = models.CharField(
        "état", max_length=20, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    valid_from = models.DateField("valide du")
    # None: without end (Pays de la Loire), or a renewal dossier is being instructed.
    valid_until = models.DateField("valide jusqu'au", null=True, blank=True)
    renewals = models.PositiveSmallIntegerField("reconductions tacites", default=0)
    decision_requested_on = models.DateField(
        "décision demandée à la Région le",
        null=True,
        blank=True,
        help_text="Une obligation n'est pas remplie : la Région décide de reconduire ou de retirer.",
    )
    ended_on = models.DateField("fin le", null=True, blank=True)
    end_reason = models.TextField("motif de fin", blank=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = "label"

    def __str__(self):
        return f"Label {', '.join(self.volets)} — {self.structure} ({self.get_state_display()})"

    @property
    def reference(self) -> str:
        return self.decision.attestation_reference

    def is_valid_on(self, day: date) -> bool:
        return (
            self.state in LIVE_LABEL_STATES
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )

    def unmet_obligations(self, day: date) -> list[str]:
        """The obligations recorded as unmet on `day`, in French (empty when all are met)."""
        unmet = [
            f"Bilan annuel {report.year} attendu le {report.due_on:%d/%m/%Y}"
            for report in self.reports.filter(submitted_at__isnull=True, due_on__lt=day)
        ]
        unmet += [
            f"{breach.get_kind_display()} : {breach.description}"
            for breach in self.breaches.filter(remedied_on__isnull=True, recorded_on__lte=day)
        ]
        return unmet


class LabelLog(models.Model):
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="log")
    transition = models.CharField("action", max_length=30)
    from_state = models.CharField("de", max_length=20, choices=LabelState.choices)
    to_state = models.CharField("vers", max_length=20, choices=LabelState.choices)
    comment = models.TextField("commentaire", blank=True)
    by = _user()
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "étape de label"

    def __str__(self):
        return f"{self.label_id} : {self.from_state} → {self.to_state} ({self.transition})"


class Breach(models.Model):
    """An obligation recorded as unmet; a mise en demeure (Centre) ends the convention when unheeded."""

    class Kind(models.TextChoices):
        REPORT = "bilan-annuel", "Bilan annuel non remis"
        FORMAL_NOTICE = "mise-en-demeure", "Mise en demeure"
        OTHER = "autre", "Obligation non remplie"

    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="breaches")
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    description = models.TextField("obligation en cause")
    recorded_on = models.DateField("constatée le")
    notice_sent_on = models.DateField("lettre recommandée envoyée le", null=True, blank=True)
    remedied_on = models.DateField("levée le", null=True, blank=True)
    recorded_by = _user(verbose_name="constatée par")

    class Meta:
        ordering = ["-recorded_on"]
        verbose_name = "manquement"

    def __str__(self):
        return f"{self.get_kind_display()} : {self.description}"


class AnnualReport(models.Model):
    """The yearly report a label holder owes the Région (contents and due date: the policy)."""

    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("année d'activité")
    due_on = models.DateField("à remettre au plus tard le")
    answers = models.JSONField("réponses", default=dict, blank=True)
    submitted_at = models.DateTimeField("remis le", null=True, blank=True)
    submitted_by = _user(verbose_name="signé et remis par")
    reminded_before_on = models.DateField("rappel avant échéance le", null=True, blank=True)
    late_reminded_on = models.DateField("dernière relance le", null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        constraints = [models.UniqueConstraint(fields=["label", "year"], name="labels_one_report_per_year")]

    def __str__(self):
        return f"Bilan {self.year} — {self.label.structure}"

    def is_late(self, day: date) -> bool:
        return self.submitted_at is None and day > self.due_on
