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
    ConventionState,
    DesignationResult,
    DesignationState,
    Mode,
    NoMajorityRule,
    NoticeOutcome,
    ProfileField,
    RegistrationState,
    ResourceKind,
    ResourceState,
    TerritoryKind,
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


# --- local coordination by territory (issue 16, "Coordination locale") ---------------------------------
#
# The Région's grid is data (`CoordinationPolicy.grid`), each territory names the zone, bassin de vie,
# département or group of communes it covers, and a member site falls in the territory of its commune
# (a remote entry, without commune, falls in none). A territory's local committee is a
# `labels.Committee` (the one model of bodies) with its members, its convention with the Région, its
# meetings (each a `labels.CommitteeSession`) and the yearly designation of its coordinator.


class CoordinationPolicy(models.Model):
    """The Région's rules of local coordination; a Région without a row gets the defaults below."""

    region_code = models.CharField("code INSEE de la Région", max_length=3, unique=True)
    grid = models.CharField(
        "maillage des territoires",
        max_length=20,
        choices=TerritoryKind.choices,
        default=TerritoryKind.LIVING_AREA,
    )
    convention_months = models.PositiveSmallIntegerField(
        "durée de la convention (mois, renouvelée tacitement)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    notice_months = models.PositiveSmallIntegerField(
        "délai de la mise en demeure (mois)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    vote_days = models.PositiveSmallIntegerField(
        "durée du vote de désignation (jours)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    no_majority = models.CharField(
        "sans majorité des membres (égalité, abstentions)",
        max_length=20,
        choices=NoMajorityRule.choices,
        default=NoMajorityRule.OUTGOING_STAYS,
    )

    class Meta:
        verbose_name = "règles de la coordination locale"
        verbose_name_plural = "règles de la coordination locale"

    def __str__(self):
        return f"Coordination locale ({self.region_code})"

    @classmethod
    def for_region(cls, region_code: str) -> "CoordinationPolicy":
        return cls.objects.filter(region_code=region_code).first() or cls(region_code=region_code)


class CoordinationTerritory(models.Model):
    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    code = models.SlugField("code", max_length=50)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=TerritoryKind.choices)
    # The zone d'emploi, bassin de vie or département covered (empty for a group of communes).
    reference = models.CharField("code de la zone, du bassin ou du département", max_length=5, blank=True)
    communes = models.ManyToManyField(
        "territories.Commune",
        blank=True,
        related_name="coordination_territories",
        verbose_name="communes (groupe de communes)",
    )

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = "territoire de coordination"
        verbose_name_plural = "territoires de coordination"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "code"], name="coordination_territory_unique")
        ]

    def __str__(self):
        return self.name

    def commune_queryset(self):
        from spro.territories.models import Commune

        if self.kind == TerritoryKind.EMPLOYMENT_ZONE:
            return Commune.objects.filter(employment_zone_id=self.reference)
        if self.kind == TerritoryKind.LIVING_AREA:
            return Commune.objects.filter(living_area_id=self.reference)
        if self.kind == TerritoryKind.DEPARTEMENT:
            return Commune.objects.filter(departement_id=self.reference)
        return Commune.objects.filter(coordination_territories=self)

    def contains(self, commune) -> bool:
        if commune is None:
            return False
        if self.kind == TerritoryKind.EMPLOYMENT_ZONE:
            return commune.employment_zone_id == self.reference
        if self.kind == TerritoryKind.LIVING_AREA:
            return commune.living_area_id == self.reference
        if self.kind == TerritoryKind.DEPARTEMENT:
            return commune.departement_id == self.reference
        return self.communes.filter(pk=commune.pk).exists()


def territory_of(site, region_code: str | None = None):
    """The coordination territory of a site under its Région's grid, by its commune; None for a remote
    entry (no commune) or a commune outside every territory."""
    commune = site.commune if site.commune_id else None
    if commune is None:
        return None
    region_code = region_code or commune.region_id
    grid = CoordinationPolicy.for_region(region_code).grid
    territories = CoordinationTerritory.objects.filter(region_code=region_code, kind=grid)
    if grid == TerritoryKind.EMPLOYMENT_ZONE:
        return territories.filter(reference=commune.employment_zone_id or "").first()
    if grid == TerritoryKind.LIVING_AREA:
        return territories.filter(reference=commune.living_area_id or "").first()
    if grid == TerritoryKind.DEPARTEMENT:
        return territories.filter(reference=commune.departement_id).first()
    return territories.filter(communes=commune).order_by("pk").first()


class LocalCommittee(models.Model):
    """The comité de coordination locale of a territory: one `labels.Committee`, with its coordinator."""

    territory = models.OneToOneField(
        CoordinationTerritory, on_delete=models.PROTECT, related_name="local_committee"
    )
    committee = models.OneToOneField(
        "labels.Committee", on_delete=models.PROTECT, related_name="local_committee", verbose_name="instance"
    )
    coordinator = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure du coordinateur local",
    )
    coordinator_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="coordinateur local",
    )

    class Meta:
        verbose_name = "comité de coordination locale"
        verbose_name_plural = "comités de coordination locale"

    def __str__(self):
        return self.committee.name

    def members_on(self, day):
        """Member structures on `day`: joined on or before it, not left by then."""
        return self.members.filter(joined_on__lte=day).filter(
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=day)
        )

    def current_convention(self):
        return self.conventions.exclude(state=ConventionState.TERMINATED).order_by("-starts_on").first()


class CommitteeMember(models.Model):
    local_committee = models.ForeignKey(LocalCommittee, on_delete=models.CASCADE, related_name="members")
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="local_committee_memberships"
    )
    joined_on = models.DateField("membre depuis le")
    left_on = models.DateField("a quitté le comité le", null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = "membre d'un comité local"
        verbose_name_plural = "membres des comités locaux"
        constraints = [
            models.UniqueConstraint(
                fields=["local_committee", "structure"],
                condition=models.Q(left_on__isnull=True),
                name="committee_member_once",
            )
        ]

    def __str__(self):
        return f"{self.structure} ({self.local_committee})"


class Convention(models.Model):
    """The convention of a local committee with the Région: a term tacitly renewed at each anniversary;
    ended only for a breach (a mise en demeure left unheeded)."""

    local_committee = models.ForeignKey(LocalCommittee, on_delete=models.PROTECT, related_name="conventions")
    reference = models.CharField("référence", max_length=50)
    starts_on = models.DateField("prise d'effet le")
    term_ends_on = models.DateField("échéance de la période en cours")
    renewals = models.PositiveSmallIntegerField("renouvellements tacites", default=0)
    state = models.CharField(
        "état", max_length=20, choices=ConventionState.choices, default=ConventionState.IN_FORCE
    )
    terminated_on = models.DateField("résiliée le", null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = "convention de coordination locale"
        verbose_name_plural = "conventions de coordination locale"

    def __str__(self):
        return f"Convention {self.reference}"

    def open_notice(self):
        return self.notices.filter(outcome=NoticeOutcome.PENDING).first()


class FormalNotice(models.Model):
    """A mise en demeure by registered letter, from the Région or a member structure (`party`)."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="notices")
    party = models.ForeignKey(
        "directory.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partie qui met en demeure",
        help_text="Vide : la Région.",
    )
    sent_on = models.DateField("lettre recommandée envoyée le")
    letter_reference = models.CharField("référence du recommandé", max_length=50)
    grounds = models.TextField("manquement reproché", max_length=5000)
    deadline = models.DateField("délai pour y remédier")
    outcome = models.CharField(
        "issue", max_length=20, choices=NoticeOutcome.choices, default=NoticeOutcome.PENDING
    )
    closed_on = models.DateField("close le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = "mise en demeure"
        verbose_name_plural = "mises en demeure"
        constraints = [
            models.UniqueConstraint(
                fields=["convention"], condition=models.Q(outcome="en-cours"), name="one_pending_notice"
            )
        ]

    def __str__(self):
        return f"Mise en demeure {self.letter_reference}"

    @property
    def party_label(self) -> str:
        return self.party.name if self.party_id else (settings.SPRO_REGION_NAME or "La Région")


def coordination_document_path(instance, filename):
    # Outside the web root (MEDIA_ROOT is never served as is): only a view checking access reads it.
    committee = (
        instance.convention.local_committee_id
        if instance.convention_id
        else instance.meeting.local_committee_id
    )
    return f"coordination/{committee}/{instance.purpose}-{filename}"


class Meeting(models.Model):
    """A meeting of a local committee: a `labels.CommitteeSession` (date, place, minutes) and what it
    lacks here: the agenda as text, the structures present, the decisions."""

    session = models.OneToOneField(
        "labels.CommitteeSession", on_delete=models.CASCADE, related_name="local_meeting"
    )
    local_committee = models.ForeignKey(LocalCommittee, on_delete=models.CASCADE, related_name="meetings")
    agenda = models.TextField("ordre du jour", max_length=5000)
    decisions = models.TextField("décisions", max_length=10000, blank=True)
    present = models.ManyToManyField(
        "directory.Structure", blank=True, related_name="+", verbose_name="structures présentes"
    )

    class Meta:
        ordering = ["-session__held_on", "-pk"]
        verbose_name = "réunion de comité local"
        verbose_name_plural = "réunions de comité local"

    def __str__(self):
        return str(self.session)


class CoordinationDocument(models.Model):
    """A signed convention, a notice's letter or a meeting's minutes, checked by `labels.uploads`."""

    PURPOSES = {
        "convention": "Convention signée",
        "mise-en-demeure": "Lettre de mise en demeure",
        "compte-rendu": "Compte rendu de réunion",
    }

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    purpose = models.CharField("pièce", max_length=20)
    file = models.FileField("fichier", upload_to=coordination_document_path, max_length=300)
    original_name = models.CharField("nom d'origine", max_length=200)
    kind = models.CharField("type", max_length=10)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "document de coordination locale"
        verbose_name_plural = "documents de coordination locale"

    def __str__(self):
        return self.original_name

    @property
    def purpose_label(self) -> str:
        return self.PURPOSES.get(self.purpose, self.purpose)


class Designation(models.Model):
    """The yearly designation of a committee's coordinator (a round; a second round is another row)."""

    local_committee = models.ForeignKey(LocalCommittee, on_delete=models.CASCADE, related_name="designations")
    year = models.PositiveSmallIntegerField("année")
    round = models.PositiveSmallIntegerField("tour", default=1)
    opens_on = models.DateField("ouverte le")
    closes_on = models.DateField("close le soir du")
    state = models.CharField(
        "état", max_length=20, choices=DesignationState.choices, default=DesignationState.OPEN
    )
    outgoing = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="coordinateur sortant",
    )
    members_count = models.PositiveSmallIntegerField("structures membres à la clôture", default=0)
    result = models.CharField("résultat", max_length=20, choices=DesignationResult.choices, blank=True)
    elected = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure désignée",
    )
    elected_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="coordinateur désigné",
    )
    tally = models.JSONField("décompte", default=dict, blank=True)
    closed_at = models.DateTimeField("dépouillée le", null=True, blank=True)

    class Meta:
        ordering = ["-year", "-round", "-pk"]
        verbose_name = "désignation du coordinateur local"
        verbose_name_plural = "désignations du coordinateur local"
        constraints = [
            models.UniqueConstraint(
                fields=["local_committee", "year", "round"], name="designation_once_a_year"
            )
        ]

    def __str__(self):
        return f"Désignation {self.year} ({self.local_committee})"

    @property
    def is_open(self) -> bool:
        return self.state == DesignationState.OPEN


class Vote(models.Model):
    """One member structure's vote, cast by its administrator; no candidate is a blank vote."""

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey("directory.Structure", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "directory.Structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure candidate",
    )
    candidate_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="personne proposée",
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cast_at = models.DateTimeField("voté le", default=timezone.now)

    class Meta:
        ordering = ["cast_at", "pk"]
        verbose_name = "vote de désignation"
        verbose_name_plural = "votes de désignation"
        constraints = [
            models.UniqueConstraint(fields=["designation", "voter"], name="one_vote_per_structure")
        ]

    def __str__(self):
        return f"{self.voter} → {self.candidate or 'blanc'}"


class CommitteeReport(models.Model):
    """The committee's yearly programme and activity report to the Région, pre-filled with the
    territory's reception-log indicators."""

    local_committee = models.ForeignKey(LocalCommittee, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("année")
    programme = models.TextField("programme de l'année suivante", max_length=10000, blank=True)
    activity = models.TextField("bilan d'activité", max_length=10000, blank=True)
    indicators = models.JSONField("indicateurs du territoire", default=dict, blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "programme et bilan de comité local"
        verbose_name_plural = "programmes et bilans de comités locaux"
        constraints = [
            models.UniqueConstraint(fields=["local_committee", "year"], name="committee_report_once")
        ]

    def __str__(self):
        return f"Bilan {self.year} ({self.local_committee})"
