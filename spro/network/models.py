"""The network's life (issue 16): professionals who choose to be known by the other members
(interconnaissance), the référent SPRO of each structure, and the training sessions of the
professionalisation plan with their registrations. Every change of consent, designation, registration
and training is written to `NetworkLog`.

Visibility of a profile: nothing is shown before the person consents (`consented_at`), then only the
fields they ticked (`shown`); only members of a structure and the Région's staff ever see it. The search
indexes are built from the shown fields only, so that a search never reveals a hidden value.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from spro.directory import validators as directory_rules
from spro.directory.models import code_index
from spro.events.models import PARIS
from spro.network.codes import (
    LANGUAGES,
    Axis,
    Mode,
    ProfileField,
    RegistrationState,
    ResourceKind,
    ResourceState,
    TrainingState,
    Visibility,
)
from spro.network.files import describe_file, describe_link

CONSENT_TEXT = (
    "J'accepte que les professionnels des structures du SPRO et la Région voient mon nom, ma structure "
    "et les informations que je choisis d'afficher. Je peux retirer mon accord à tout moment."
)


def validate_languages(value) -> None:
    unknown = sorted(set(value or []) - set(LANGUAGES))
    if unknown:
        raise ValidationError(f"Langue inconnue : {', '.join(unknown)}.")


def validate_shown(value) -> None:
    unknown = sorted(set(value or []) - set(ProfileField.values))
    if unknown:
        raise ValidationError(f"Information inconnue : {', '.join(unknown)}.")


def validate_departements(value) -> None:
    if not isinstance(value, list) or any(not isinstance(code, str) or len(code) > 3 for code in value):
        raise ValidationError("Territoires : une liste de codes de départements.")


class ProfileQuerySet(models.QuerySet):
    def listed(self):
        """Profiles whose person agreed to be known, still active in an active structure."""
        return self.filter(
            consented_at__isnull=False,
            user__is_active=True,
            user__memberships__structure__is_active=True,
        ).distinct()


class ProfessionalProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional_profile"
    )
    consented_at = models.DateTimeField("accord donné le", null=True, blank=True)
    consent_text = models.CharField("texte de l'accord", max_length=500, blank=True)
    shown = models.JSONField("informations affichées", default=list, blank=True, validators=[validate_shown])
    function = models.CharField("fonction", max_length=150, blank=True)
    sites = models.ManyToManyField("directory.Site", blank=True, related_name="professionals")
    territories = models.JSONField(
        "territoires (départements)", default=list, blank=True, validators=[validate_departements]
    )
    needs = models.JSONField(
        "spécialités : besoins", default=list, blank=True, validators=[directory_rules.validate_needs]
    )
    publics = models.JSONField(
        "spécialités : publics", default=list, blank=True, validators=[directory_rules.validate_publics]
    )
    languages = models.JSONField("langues", default=list, blank=True, validators=[validate_languages])
    phone = models.CharField(
        "téléphone professionnel", max_length=20, blank=True, validators=[directory_rules.validate_phone]
    )
    email = models.EmailField("courriel professionnel", blank=True)
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)
    # "|code|code|" of the *shown* values only (see the module's docstring), kept by `reindex()`.
    territories_index = models.CharField(max_length=500, editable=False, default="")
    needs_index = models.CharField(max_length=500, editable=False, default="")
    publics_index = models.CharField(max_length=500, editable=False, default="")

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profil professionnel"
        verbose_name_plural = "profils professionnels"

    def __str__(self):
        return str(self.user)

    @property
    def is_listed(self) -> bool:
        return self.consented_at is not None

    def shows(self, field: str) -> bool:
        return self.is_listed and field in self.shown

    def reindex(self) -> None:
        """Rebuild the search indexes from what is shown (call after the sites are saved)."""
        territories = set()
        if self.pk and self.shows(ProfileField.TERRITORIES):
            territories |= set(self.territories)
        if self.pk and self.shows(ProfileField.SITES):
            for site in self.sites.select_related("commune"):
                if site.commune_id:
                    territories.add(site.commune.departement_id)
        specialities = self.shows(ProfileField.SPECIALITIES)
        self.territories_index = code_index(territories)
        self.needs_index = code_index(self.needs if specialities else [])
        self.publics_index = code_index(self.publics if specialities else [])
        ProfessionalProfile.objects.filter(pk=self.pk).update(
            territories_index=self.territories_index,
            needs_index=self.needs_index,
            publics_index=self.publics_index,
        )

    def visible_card(self) -> dict:
        """What another member reads: only the shown fields (empty before consent)."""
        if not self.is_listed:
            return {}
        card = {"name": self.user.get_full_name() or self.user.email.split("@")[0]}
        if self.shows(ProfileField.FUNCTION) and self.function:
            card["function"] = self.function
        if self.shows(ProfileField.SITES):
            # Read through `.all()`, so that a prefetch of the directory's page serves every card.
            card["sites"] = sorted((s for s in self.sites.all() if s.is_active), key=lambda s: s.name)
        if self.shows(ProfileField.TERRITORIES) and self.territories:
            card["territories"] = sorted(self.territories)
        if self.shows(ProfileField.SPECIALITIES):
            card["needs"] = list(self.needs)
            card["publics"] = list(self.publics)
        if self.shows(ProfileField.LANGUAGES) and self.languages:
            card["languages"] = [LANGUAGES.get(code, code) for code in self.languages]
        if self.shows(ProfileField.PHONE) and self.phone:
            card["phone"] = self.phone
        if self.shows(ProfileField.EMAIL) and self.email:
            card["email"] = self.email
        return card


class SproReferent(models.Model):
    """The référent SPRO of a structure: the person other members call about the SPRO (Occitanie asks
    one per structure). A role, named and reachable by every member: designating someone shows their
    name and the contact given here, whatever their own profile shows."""

    structure = models.OneToOneField(
        "directory.Structure", on_delete=models.CASCADE, related_name="spro_referent"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referent_of",
        verbose_name="référent",
    )
    phone = models.CharField(
        "téléphone du référent", max_length=20, blank=True, validators=[directory_rules.validate_phone]
    )
    email = models.EmailField("courriel du référent")
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    designated_at = models.DateTimeField("désigné le", default=timezone.now)

    class Meta:
        verbose_name = "référent SPRO"
        verbose_name_plural = "référents SPRO"

    def __str__(self):
        return f"{self.user} ({self.structure})"


class TrainingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(end__gt=now or timezone.now())


class Training(models.Model):
    """A training session of the professionalisation plan, offered by the Région (no structure) or by a
    network's structure (`organiser`)."""

    title = models.CharField("intitulé", max_length=200)
    objectives = models.TextField("objectifs", max_length=5000)
    organiser = models.ForeignKey(
        "directory.Structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name="structure organisatrice",
        help_text="Vide : la Région organise.",
    )
    organiser_name = models.CharField(
        "organisme de formation", max_length=200, blank=True, help_text="Par exemple : le Carif-Oref."
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    mode = models.CharField("modalité", max_length=20, choices=Mode.choices, default=Mode.ON_SITE)
    place = models.CharField("lieu", max_length=255, blank=True)
    online_url = models.URLField("lien de la session à distance", blank=True)
    capacity = models.PositiveIntegerField(
        "nombre de places", validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    audience = models.CharField("public visé", max_length=300)
    axis = models.CharField("axe du SPRO", max_length=30, choices=Axis.choices)
    label_obligation = models.BooleanField(
        "compte pour l'obligation de professionnalisation du label", default=False
    )
    state = models.CharField(
        "état", max_length=20, choices=TrainingState.choices, default=TrainingState.PUBLISHED
    )
    cancel_reason = models.CharField("motif d'annulation", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "La fin doit venir après le début."
        if self.mode in (Mode.ON_SITE, Mode.MIXED) and not self.place:
            errors["place"] = "Indiquez le lieu de la session."
        if self.mode in (Mode.ONLINE, Mode.MIXED) and not self.online_url:
            errors["online_url"] = "Indiquez le lien de la session à distance."
        if errors:
            raise ValidationError(errors)

    @property
    def organiser_label(self) -> str:
        if self.organiser_name:
            return self.organiser_name
        if self.organiser_id:
            return self.organiser.name
        return settings.SPRO_REGION_NAME or "La Région"

    @property
    def start_local(self):
        return timezone.localtime(self.start, PARIS)

    @property
    def end_local(self):
        return timezone.localtime(self.end, PARIS)

    @property
    def is_cancelled(self) -> bool:
        return self.state == TrainingState.CANCELLED

    def registered_count(self) -> int:
        return self.registrations.filter(state=RegistrationState.REGISTERED).count()

    def places_left(self) -> int:
        return max(self.capacity - self.registered_count(), 0)


class TrainingRegistration(models.Model):
    """A professional's place in a session (or on its waiting list), for one of their structures."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="training_registrations"
    )
    state = models.CharField("état", max_length=20, choices=RegistrationState.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    # The waiting list is served in this order (set when the person joins it).
    waiting_since = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField("présent", null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attestation_reference = models.CharField(
        "référence de l'attestation", max_length=40, null=True, blank=True, unique=True
    )
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "inscription à une formation"
        verbose_name_plural = "inscriptions aux formations"
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="training_registration_once")
        ]

    def __str__(self):
        return f"{self.user} : {self.training} ({self.get_state_display()})"


class NetworkLog(models.Model):
    """Every change of the network's life: consent given or withdrawn, a référent designated, a
    registration's transitions (registered, waiting, promoted, cancelled, attendance), a training
    published or cancelled, a reminder sent."""

    subject = models.CharField("objet", max_length=20)  # profil | referent | formation | inscription
    object_id = models.PositiveBigIntegerField()
    action = models.CharField("action", max_length=30)
    from_state = models.CharField("de", max_length=20, blank=True)
    to_state = models.CharField("vers", max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "journal de la vie du réseau"
        indexes = [models.Index(fields=["subject", "object_id"], name="networklog_object")]

    def __str__(self):
        return f"{self.subject} {self.object_id} : {self.action}"


class NewsQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__lte=now or timezone.now())


class NewsItem(models.Model):
    """An announcement of the Région to the network's members (the "espace collaboratif")."""

    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", max_length=10000)
    link = models.URLField("lien vers un document à partager", blank=True)
    published_at = models.DateTimeField("publiée le", default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "actualité du réseau"
        verbose_name_plural = "actualités du réseau"

    def __str__(self):
        return self.title


def _validate_domain(value) -> None:
    from spro.metiers.domains import domains

    if value and value not in domains():
        raise ValidationError("Domaine de métiers inconnu.")


def _validate_sector(value) -> None:
    from spro.metiers.domains import grands_domaines

    if value and value not in grands_domaines():
        raise ValidationError("Secteur inconnu.")


def news_attachment_path(instance, filename):
    # Outside the web root (MEDIA_ROOT is never served as is): only a view checking access reads it.
    return f"reseau/actualites/{instance.news_id}/{instance.sha256[:12]}-{filename[-120:]}"


class NewsAttachment(models.Model):
    """A document joined to a network news item (members only), checked like the label's attachments
    (spro.labels.uploads: type from the content, size limited by the Région's policy)."""

    news = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=news_attachment_path, max_length=300)
    original_name = models.CharField("nom d'origine", max_length=200)
    kind = models.CharField("type", max_length=10)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "pièce jointe d'une actualité"
        verbose_name_plural = "pièces jointes des actualités"

    def __str__(self):
        return self.original_name

    @property
    def description(self) -> str:
        return describe_file(self.kind, self.size)


class DigestSubscription(models.Model):
    """A member's consent to the weekly e-mail digest of the network's news (revocable: `revoked_at`).
    `sent_until`: every item published up to this instant has been sent (or predates the consent), so
    that a digest never carries the same item twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_digest"
    )
    consented_at = models.DateTimeField("accord donné le", null=True, blank=True)
    consent_text = models.CharField("texte de l'accord", max_length=500, blank=True)
    revoked_at = models.DateTimeField("accord retiré le", null=True, blank=True)
    sent_until = models.DateTimeField("actualités envoyées jusqu'au", default=timezone.now)
    last_sent_at = models.DateTimeField("dernière lettre envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement à la lettre des actualités"
        verbose_name_plural = "abonnements à la lettre des actualités"

    def __str__(self):
        return str(self.user)

    @property
    def is_active(self) -> bool:
        return self.consented_at is not None and self.revoked_at is None


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ResourceState.PUBLISHED)

    def visible_to(self, user):
        """Published resources anyone may read; members of the network also read the members-only ones."""
        from spro.network.access import is_network_member

        found = self.published()
        if not is_network_member(user):
            found = found.filter(visibility=Visibility.PUBLIC)
        return found


def resource_path(instance, filename):
    # Outside the web root: served only by spro.www.resources' view, which checks the visibility.
    return f"reseau/ressources/{instance.sha256[:2]}/{instance.sha256[:16]}-{filename[-120:]}"


class Resource(models.Model):
    """A guide, a study, a sector sheet… of the resources library (`/ressources/`), published by the
    Région (no `structure`) or by a member structure; public or for members only; an external link or an
    uploaded file (checked by spro.labels.uploads). Every step is written to `NetworkLog` ("ressource")."""

    title = models.CharField("titre", max_length=200)
    summary = models.TextField("présentation", max_length=3000)
    kind = models.CharField("type de ressource", max_length=20, choices=ResourceKind.choices)
    visibility = models.CharField(
        "visibilité", max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="structure qui publie",
        help_text="Vide : la Région publie.",
    )
    departements = models.JSONField(
        "territoire (départements)",
        default=list,
        blank=True,
        validators=[validate_departements],
        help_text="Vide : toute la Région.",
    )
    sector = models.CharField(
        "secteur (grand domaine ROME)", max_length=1, blank=True, validators=[_validate_sector]
    )
    domain = models.CharField(
        "métiers (domaine professionnel ROME)", max_length=3, blank=True, validators=[_validate_domain]
    )
    publics = models.JSONField(
        "publics", default=list, blank=True, validators=[directory_rules.validate_publics]
    )
    link = models.URLField("lien externe", max_length=500, blank=True)
    link_format = models.CharField("format du document lié", max_length=40, blank=True)
    file = models.FileField("fichier", upload_to=resource_path, max_length=300, blank=True)
    original_name = models.CharField("nom d'origine", max_length=200, blank=True)
    file_kind = models.CharField("type du fichier", max_length=10, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField("état", max_length=20, choices=ResourceState.choices)
    refusal_reason = models.CharField("motif", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("déposée le", default=timezone.now)
    published_at = models.DateTimeField("publiée le", null=True, blank=True, db_index=True)
    # "|code|code|" of the départements and publics, searched with `contains`.
    departements_index = models.CharField(max_length=400, editable=False, default="")
    publics_index = models.CharField(max_length=400, editable=False, default="")

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "ressource"
        verbose_name_plural = "ressources"
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(link="") & models.Q(file="")), name="resource_link_or_file"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.departements_index = code_index(self.departements)
        self.publics_index = code_index(self.publics)
        return super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def publisher_label(self) -> str:
        if self.structure_id:
            return self.structure.name
        return settings.SPRO_REGION_NAME or "La Région"

    @property
    def description(self) -> str:
        """Format and size of what the link leads to: "PDF, 1,2 Mo", "Lien externe (www.onisep.fr)"."""
        if self.file:
            return describe_file(self.file_kind, self.size)
        return describe_link(self.link, self.link_format)
