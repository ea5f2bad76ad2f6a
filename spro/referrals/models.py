"""Referrals between structures, public contact requests, and the audit log of personal data reads.

Personal data (a person's name, phone, email, free text) lives only in the fields listed in
`PERSONAL_FIELDS` of each model; `erase_personal_data()` blanks them and keeps the anonymous statistics
(networks, dates, states, need). The workflows are declared in `workflow.py`.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from spro.directory.validators import validate_phone
from spro.referrals.indicators import ContactRequestQuerySet, ReferralQuerySet
from spro.referrals.workflow import (
    CLOSED_STATES,
    CONTACT_TRANSITIONS,
    OPEN_STATES,
    RECEIVER,
    REFERRAL_TRANSITIONS,
    SENDER,
    SYSTEM,
    ContactStatus,
    InvalidTransition,
    ReferralState,
    available,
    find_transition,
)

# Situation fields kept once personal data is erased: enough for statistics, not enough to single out.
ANONYMOUS_SITUATION_FIELDS = ("statut", "diplome", "cadre", "rqth", "besoin", "secteur", "premiere_porte")


def anonymous_situation(situation: dict) -> dict:
    return {k: v for k, v in (situation or {}).items() if k in ANONYMOUS_SITUATION_FIELDS}


def member_ids(structure) -> list[int]:
    return list(structure.memberships.filter(user__is_active=True).values_list("user_id", flat=True))


def user_structure_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.values_list("structure_id", flat=True))


class RefusalReason(models.Model):
    """Reasons a receiving structure may give to refuse a referral; the list is edited in the admin."""

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = "motif de refus"
        verbose_name_plural = "motifs de refus"

    def __str__(self):
        return self.label


class Referral(models.Model):
    """A person sent by a first door (sending structure) to a site of another structure, with consent."""

    State = ReferralState

    class Mode(models.TextChoices):
        DETAILS_GIVEN = "coordonnees-remises", "Coordonnées du lieu remises à la personne"
        APPOINTMENT = "rendez-vous-demande", "Rendez-vous demandé : la structure rappelle la personne"

    class Consent(models.TextChoices):
        ORAL = "oral", "À l'oral"
        WRITTEN = "ecrit", "Par écrit"

    PERSONAL_FIELDS = ("person_name", "person_phone", "person_email", "message", "third_door_reason")

    state = models.CharField("état", max_length=20, choices=State.choices, default=State.SENT, db_index=True)
    sender_structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name="structure qui oriente",
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="professionnel qui oriente",
    )
    from_network = models.CharField("réseau de la première porte", max_length=50)
    to_site = models.ForeignKey(
        "directory.Site", on_delete=models.PROTECT, related_name="referrals", verbose_name="lieu d'accueil"
    )
    to_structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name="structure qui reçoit",
    )
    to_network = models.CharField("réseau de la deuxième porte", max_length=50)
    situation = models.JSONField("situation", default=dict, blank=True)
    need = models.CharField("besoin", max_length=50)
    mode = models.CharField("modalité", max_length=30, choices=Mode.choices)
    consent_kind = models.CharField("consentement donné", max_length=10, choices=Consent.choices)
    consent_at = models.DateTimeField("consentement recueilli le")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="consentement recueilli par",
    )
    person_name = models.CharField("nom de la personne", max_length=150, blank=True)
    person_phone = models.CharField(
        "téléphone de la personne", max_length=20, blank=True, validators=[validate_phone]
    )
    person_email = models.EmailField("courriel de la personne", max_length=254, blank=True)
    message = models.TextField("précisions pour la structure qui reçoit", blank=True)
    # Two doors at most: a referral from a structure that is not the person's first door is a third door.
    previous_door = models.CharField("première porte précédente (réseau)", max_length=50, blank=True)
    previous_referral = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="onward_referrals",
        verbose_name="orientation par laquelle la personne est arrivée",
    )
    is_third_door = models.BooleanField("troisième porte", default=False)
    third_door_reason = models.TextField("raison d'orienter vers une troisième structure", blank=True)
    refusal_reason = models.ForeignKey(
        RefusalReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name="motif de refus"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now, db_index=True)
    answered_at = models.DateTimeField("première réponse le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    personal_data_erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "orientation"

    def __str__(self):
        return f"Orientation n° {self.pk} ({self.get_state_display()})"

    # -- validation ------------------------------------------------------------------------------------
    def clean(self):
        errors = {}
        if self.to_structure_id and self.to_structure_id == self.sender_structure_id:
            errors["to_site"] = "Choisissez un lieu d'une autre structure que la vôtre."
        if self.mode == self.Mode.APPOINTMENT:
            if not self.person_name.strip():
                errors["person_name"] = "Indiquez le nom de la personne pour que la structure la rappelle."
            if not self.person_phone.strip() and not self.person_email.strip():
                errors["person_phone"] = "Indiquez un téléphone ou un courriel pour joindre la personne."
        if self.is_third_door and not self.third_door_reason.strip():
            errors["third_door_reason"] = (
                "La personne a déjà rencontré deux structures : "
                "expliquez pourquoi une troisième est nécessaire."
            )
        if errors:
            raise ValidationError(errors)

    # -- reading ---------------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def has_contact_details(self) -> bool:
        return bool(self.person_name or self.person_phone or self.person_email)

    def side_of(self, user) -> str | None:
        """RECEIVER, SENDER or None: which side of the referral the user is on."""
        ids = user_structure_ids(user)
        if self.to_structure_id in ids:
            return RECEIVER
        if self.sender_structure_id in ids:
            return SENDER
        return None

    def contact_visible_to(self, user) -> bool:
        """Only the receiving structure sees the person's details, and only while the referral is open."""
        return self.is_open and self.side_of(user) == RECEIVER and self.has_contact_details

    def has_free_texts(self) -> bool:
        """True while a free text a person may be named in is kept: the details, a third door's reason,
        a comment given with an answer. Both sides read them, after closure too: each read is logged."""
        if self.personal_data_erased_at is not None:
            return False
        return bool(self.message or self.third_door_reason) or self.transitions.exclude(reason="").exists()

    def transitions_for(self, user):
        side = self.side_of(user)
        return available(REFERRAL_TRANSITIONS, self.state, side) if side else []

    # -- acting ----------------------------------------------------------------------------------------
    def process(self, name: str, user=None, reason: str = "", refusal_reason=None):
        """Fire one transition of `REFERRAL_TRANSITIONS` and log it; returns the transition.

        Sends nothing: views and commands call `spro.referrals.actions.process_referral`, which also
        sends the transition's email after commit (the models never import the emails).
        """
        transition = find_transition(REFERRAL_TRANSITIONS, name)
        actor = SYSTEM if user is None else self.side_of(user)
        if transition.actor != actor:
            raise InvalidTransition("Vous ne pouvez pas faire cette action sur cette orientation.")
        if self.state not in transition.sources:
            raise InvalidTransition(
                f"Cette orientation est « {self.get_state_display().lower()} » : "
                f"l'action « {transition.label.lower()} » n'est plus possible."
            )
        if transition.needs_refusal_reason:
            if refusal_reason is None or not refusal_reason.is_active:
                raise InvalidTransition("Choisissez un motif de refus dans la liste.")
        now = timezone.now()
        changes = {"state": transition.target}
        if self.answered_at is None and actor == RECEIVER:
            changes["answered_at"] = now
        if transition.target in CLOSED_STATES:
            changes["closed_at"] = now
        if transition.needs_refusal_reason:
            changes["refusal_reason"] = refusal_reason
        with transaction.atomic():
            # The conditional UPDATE is the claim: a concurrent click or cron run finds 0 rows.
            claimed = Referral.objects.filter(pk=self.pk, state=self.state).update(**changes)
            if not claimed:
                raise InvalidTransition("Cette orientation vient d'être modifiée par quelqu'un d'autre.")
            previous = self.state
            for field, value in changes.items():
                setattr(self, field, value)
            ReferralTransition.objects.create(
                referral=self,
                name=transition.name,
                from_state=previous,
                to_state=transition.target,
                user=user,
                at=now,
                reason=reason.strip(),
                refusal_reason=refusal_reason if transition.needs_refusal_reason else None,
            )
        return transition

    def erase_personal_data(self, now=None) -> bool:
        """Blank the person's data here and in the log; keep the anonymous trace. True if anything changed.

        One conditional UPDATE both claims and erases the row, so concurrent purges erase it once.
        """
        now = now or timezone.now()
        blank = dict.fromkeys(self.PERSONAL_FIELDS, "")
        situation = anonymous_situation(self.situation)
        with transaction.atomic():
            erased = Referral.objects.filter(pk=self.pk, personal_data_erased_at=None).update(
                **blank, situation=situation, personal_data_erased_at=now
            )
            if erased:
                self.transitions.exclude(reason="").update(reason="")
        if erased:
            for field, value in {**blank, "situation": situation, "personal_data_erased_at": now}.items():
                setattr(self, field, value)
        return bool(erased)


class ReferralTransition(models.Model):
    """One line per transition of a referral: who, when, from which state to which, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField("action", max_length=30)
    from_state = models.CharField("état de départ", max_length=20, choices=ReferralState.choices, blank=True)
    to_state = models.CharField("état d'arrivée", max_length=20, choices=ReferralState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)
    reason = models.TextField("commentaire", blank=True)
    refusal_reason = models.ForeignKey(RefusalReason, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "historique d'orientation"

    def __str__(self):
        return f"{self.name} : {self.from_state or '—'} → {self.to_state}"


class ContactRequest(models.Model):
    """A person who asked, on the public path, to be contacted by a site; consent recorded with it."""

    Status = ContactStatus
    PERSONAL_FIELDS = ("name", "phone", "email", "note")

    site = models.ForeignKey(
        "directory.Site", on_delete=models.PROTECT, related_name="contact_requests", verbose_name="lieu"
    )
    network = models.CharField("réseau du lieu", max_length=50)
    name = models.CharField("nom", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField("courriel", max_length=254, blank=True)
    situation = models.JSONField("situation", default=dict, blank=True)
    consent_at = models.DateTimeField("consentement donné le")
    consent_text = models.TextField("texte du consentement")
    purpose = models.CharField("finalité", max_length=255)
    retention_days = models.PositiveSmallIntegerField("durée de conservation (jours)")
    erase_after = models.DateTimeField("à effacer après le", db_index=True)
    status = models.CharField(
        "statut", max_length=20, choices=ContactStatus.choices, default=ContactStatus.NEW, db_index=True
    )
    note = models.TextField("note de suivi", blank=True)
    created_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    personal_data_erased_at = models.DateTimeField("données personnelles effacées le", null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "demande de contact"
        verbose_name_plural = "demandes de contact"

    def __str__(self):
        return f"Demande de contact n° {self.pk} ({self.get_status_display()})"

    def is_visible_to(self, user) -> bool:
        return self.site.structure_id in user_structure_ids(user)

    def contact_visible_to(self, user) -> bool:
        return (
            self.status == ContactStatus.NEW
            and self.personal_data_erased_at is None
            and self.is_visible_to(user)
        )

    def has_free_texts(self) -> bool:
        """True while the follow-up note is kept; it is shown after the request is handled (read logged)."""
        return self.personal_data_erased_at is None and bool(self.note)

    def transitions_for(self, user):
        return available(CONTACT_TRANSITIONS, self.status, RECEIVER) if self.is_visible_to(user) else []

    def process(self, name: str, user, note: str = ""):
        transition = find_transition(CONTACT_TRANSITIONS, name)
        if not self.is_visible_to(user):
            raise InvalidTransition("Vous ne pouvez pas traiter cette demande de contact.")
        if self.status not in transition.sources:
            raise InvalidTransition(
                f"Cette demande est « {self.get_status_display().lower()} » : "
                f"l'action « {transition.label.lower()} » n'est plus possible."
            )
        now = timezone.now()
        changes = {"status": transition.target, "handled_at": now}
        if note.strip():
            changes["note"] = note.strip()
        with transaction.atomic():
            claimed = ContactRequest.objects.filter(pk=self.pk, status=self.status).update(**changes)
            if not claimed:
                raise InvalidTransition("Cette demande vient d'être modifiée par quelqu'un d'autre.")
            previous = self.status
            for field, value in changes.items():
                setattr(self, field, value)
            ContactRequestEvent.objects.create(
                contact_request=self,
                name=transition.name,
                from_status=previous,
                to_status=transition.target,
                user=user,
                at=now,
            )
        return transition

    def erase_personal_data(self, now=None) -> bool:
        """Blank the person's data, keep the anonymous trace (see `Referral.erase_personal_data`)."""
        now = now or timezone.now()
        blank = dict.fromkeys(self.PERSONAL_FIELDS, "")
        situation = anonymous_situation(self.situation)
        erased = ContactRequest.objects.filter(pk=self.pk, personal_data_erased_at=None).update(
            **blank, situation=situation, personal_data_erased_at=now
        )
        if erased:
            for field, value in {**blank, "situation": situation, "personal_data_erased_at": now}.items():
                setattr(self, field, value)
        return bool(erased)


class ContactRequestEvent(models.Model):
    """Log of a contact request: its creation and every change of status."""

    contact_request = models.ForeignKey(ContactRequest, on_delete=models.CASCADE, related_name="events")
    name = models.CharField("action", max_length=30)
    from_status = models.CharField(
        "statut de départ", max_length=20, choices=ContactStatus.choices, blank=True
    )
    to_status = models.CharField("statut d'arrivée", max_length=20, choices=ContactStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "historique de demande de contact"

    def __str__(self):
        return f"{self.name} : {self.from_status or '—'} → {self.to_status}"


class AccessLogQuerySet(models.QuerySet):
    def blank_reasons(self, now=None) -> int:
        """Blank the "why" of accesses older than the retention period (it may name the person)."""
        return self.filter(at__lte=retention_limit(now)).exclude(reason="").update(reason="")

    def anonymise(self, now=None) -> int:
        """Forget who read, after the log's own period; the row (when, what, which record) stays."""
        limit = (now or timezone.now()) - timedelta(days=settings.SPRO_ACCESS_LOG_RETENTION_DAYS)
        return (
            self.filter(at__lte=limit)
            .exclude(user=None, user_label="")
            .update(user=None, user_label="", reason="")
        )


class PersonalDataAccess(models.Model):
    """Audit log: every read, export or erasure of a person's contact details or free texts.

    It names the record, never the person: the searched email or phone is not written here. The purge
    keeps the rows: it blanks their "why" after `SPRO_RETENTION_DAYS` (a reason typed by the Région may
    name the person) and forgets who read after `SPRO_ACCESS_LOG_RETENTION_DAYS`.
    """

    class Action(models.TextChoices):
        READ = "consultation", "Consultation"
        SEARCH = "recherche", "Recherche d'une personne"
        EXPORT = "export", "Export"
        ERASE = "effacement", "Effacement sur demande"

    class RecordType(models.TextChoices):
        REFERRAL = "orientation", "Orientation"
        CONTACT_REQUEST = "demande-de-contact", "Demande de contact"
        PERSON = "personne", "Personne (plusieurs dossiers)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="utilisateur",
    )
    user_label = models.CharField("utilisateur (au moment de l'accès)", max_length=254)
    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    action = models.CharField("action", max_length=20, choices=Action.choices, default=Action.READ)
    record_type = models.CharField("type de dossier", max_length=20, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField("numéro du dossier", null=True, blank=True)
    records = models.JSONField("dossiers concernés", default=list, blank=True)
    reason = models.CharField("motif", max_length=255)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "accès à des données personnelles"
        verbose_name_plural = "journal des accès aux données personnelles"

    def __str__(self):
        return f"{self.user_label} — {self.get_action_display()} {self.record_type} {self.record_id or ''}"

    @classmethod
    def record(cls, user, record_type, record_id=None, reason="", action=Action.READ, records=()):
        return cls.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            user_label=getattr(user, "email", "") or "système",
            action=action,
            record_type=record_type,
            record_id=record_id,
            records=list(records),
            reason=(reason or "").strip()[:255],
        )


def retention_limit(now=None):
    return (now or timezone.now()) - timedelta(days=settings.SPRO_RETENTION_DAYS)
