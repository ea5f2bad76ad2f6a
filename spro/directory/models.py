"""The directory of the SPRO: networks, structures, their sites (lieux d'accueil) and services.

Multi-valued codes (needs, publics, modes…) are stored as JSON lists for display and editing, and
mirrored on the Site as "|code|code|" strings (`*_index`) and, for needs, publics and reception modes,
as integer bit masks (`*_mask`, the bit of a code is its rank in its list: `codes.code_bit`), so that a
proximity search is one query on one indexed table, on SQLite as on PostgreSQL.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from spro.directory import validators as rules
from spro.directory.codes import MembershipKind, Need, Public, ReceptionMode, SiteKind, code_mask

STALE_AFTER = timedelta(days=182)


def code_index(codes) -> str:
    """'|a|b|' form of a list of codes, searched with `contains='|a|'`."""
    codes = sorted(set(codes or []))
    return f"|{'|'.join(codes)}|" if codes else ""


BANDS_PER_DEGREE = 10  # latitude bands of 0.1°, about 11 km


def latitude_band(latitude: float) -> int:
    """The latitude band of a point, as the database computes it in `Site.latitude_band` (same arithmetic)."""
    return math.floor((latitude + 90.0) * float(BANDS_PER_DEGREE))


def latitude_band_sql(column: str, vendor: str) -> str:
    """SQL of `latitude_band` for a column: native on both databases (an index may not call a function
    that only Python provides). The value is never negative (latitude ≥ -90): on SQLite, truncating is
    flooring."""
    if vendor == "sqlite":
        return f"CAST(({column} + 90.0) * {BANDS_PER_DEGREE}.0 AS INTEGER)"
    return f"CAST(FLOOR(({column} + 90.0) * {BANDS_PER_DEGREE}.0) AS INTEGER)"


class LatitudeBand(models.Func):
    """`latitude_band` of a column, NULL without latitude; the search writes the very same SQL (an index on
    an expression serves only a query with that expression)."""

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra):
        template = latitude_band_sql("%(expressions)s", connection.vendor)
        return super().as_sql(compiler, connection, template=template, **extra)


class Tracked(models.Model):
    """When and by whom a record was last changed or confirmed as still accurate."""

    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="mis à jour par",
    )

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        return self.updated_at < timezone.now() - STALE_AFTER

    def touch(self, user=None):
        self.updated_at = timezone.now()
        self.updated_by = user


class Network(Tracked):
    code = models.SlugField("code", max_length=50, unique=True, validators=[rules.validate_code])
    label = models.CharField("libellé", max_length=150)
    short_label = models.CharField("sigle", max_length=50, blank=True)
    description = models.TextField("description", blank=True)
    publics = models.JSONField(
        "publics servis", default=list, blank=True, validators=[rules.validate_public_codes]
    )
    needs = models.JSONField("besoins couverts", default=list, blank=True, validators=[rules.validate_needs])
    membership_kind = models.CharField(
        "type d'adhésion par défaut",
        max_length=20,
        choices=MembershipKind.choices,
        default=MembershipKind.LABELLISE,
    )
    # Code of the matching data·inclusion v1 "réseau porteur" (`data_inclusion.schema.v1.ReseauPorteur`),
    # when one exists; networks without an equivalent leave it empty and are exported with their `code`.
    data_inclusion_typology = models.CharField("réseau porteur data·inclusion", max_length=50, blank=True)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["label"]
        verbose_name = "réseau"

    def __str__(self):
        return self.label


class StructureQuerySet(models.QuerySet):
    def without_active_member(self):
        """Structures that cannot answer referrals online: no active person among their members."""
        return self.exclude(memberships__user__is_active=True)


class Structure(Tracked):
    name = models.CharField("nom", max_length=200)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, db_index=True, validators=[rules.validate_siret]
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="structures", verbose_name="réseau"
    )
    membership_kind = models.CharField("type d'adhésion", max_length=20, choices=MembershipKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="antennas",
        verbose_name="structure de rattachement",
    )
    website = models.URLField("site internet", blank=True)
    description = models.TextField("présentation", blank=True)
    is_demo = models.BooleanField("donnée fictive de démonstration", default=False)
    is_active = models.BooleanField("active", default=True)
    # data·inclusion id of an imported record (spro.directory.interop), kept so re-imports update it.
    external_id = models.CharField("identifiant d'origine", max_length=250, blank=True, db_index=True)
    # Day the members were last told about the structure's stale records (spro.directory.notifications).
    stale_notified_on = models.DateField(null=True, blank=True, editable=False)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"
        # The (few) inactive structures, which every proximity search leaves out: read from this index
        # instead of a scan of every structure per query.
        indexes = [
            models.Index(fields=["id"], condition=models.Q(is_active=False), name="structure_inactive"),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "parent" not in (exclude or ()) and "parent" not in errors:
            try:
                self._check_parent()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _check_parent(self):
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk and node.pk == self.pk:
                raise ValidationError(
                    {"parent": "Une structure ne peut pas dépendre d'une de ses propres antennes."}
                )
            seen.add(node.pk)
            node = node.parent


class Membership(models.Model):
    """A professional's account attached to a structure, as administrator or adviser."""

    class Role(models.TextChoices):
        ADMIN = "administrateur", "Administrateur de la structure"
        ADVISER = "conseiller", "Conseiller"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.ADVISER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="unique_membership")]
        verbose_name = "membre de structure"

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_role_display()})"


class Site(Tracked):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField("nom du lieu", max_length=200)
    kind = models.CharField(
        "type de lieu", max_length=20, choices=SiteKind.choices, default=SiteKind.PRINCIPAL
    )
    # A reception site has an address, a commune and coordinates (required by `clean`); a remote entry
    # (kind "a-distance": a phone line, a chat, a website) has none and names the territory it serves.
    address = models.CharField("adresse", max_length=255, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=255, blank=True)
    postal_code = models.CharField(
        "code postal", max_length=5, blank=True, validators=[rules.validate_postal_code]
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="sites", null=True, blank=True
    )
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    served_region = models.CharField(
        "région desservie (service à distance)",
        max_length=3,
        blank=True,
        help_text="Code INSEE de la région : le service à distance répond à toute la région.",
    )
    served_departements = models.JSONField(
        "départements desservis (service à distance)",
        default=list,
        blank=True,
        help_text="Codes INSEE des départements, quand le service ne couvre pas toute la région.",
    )
    website = models.URLField("site internet ou lien du service", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[rules.validate_phone])
    email = models.EmailField("courriel", blank=True)
    opening_hours = models.CharField(
        "horaires (format OpenStreetMap)",
        max_length=500,
        blank=True,
        help_text="Par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
        validators=[rules.validate_opening_hours],
    )
    reception_modes = models.JSONField(
        "modes d'accueil", default=list, blank=True, validators=[rules.validate_reception_modes]
    )
    accessibility = models.JSONField(
        "accessibilité", default=list, blank=True, validators=[rules.validate_accessibility]
    )
    description = models.TextField("informations pratiques", blank=True)
    is_active = models.BooleanField("actif", default=True)
    external_id = models.CharField("identifiant d'origine", max_length=250, blank=True, db_index=True)
    # The data·inclusion `source` of the file that last imported the site ("" when made in spro), and
    # the day an import of that source deactivated it because the file no longer listed it (None when
    # active, or deactivated by a person: then only a person reactivates it).
    source = models.CharField("source d'origine", max_length=100, blank=True, db_index=True)
    absent_from_source_since = models.DateField("absent de sa source depuis le", null=True, blank=True)
    # Denormalised for search (see module docstring); kept in sync by `Site.reindex()`.
    # Not indexed alone: SQLite would prefer such an index to the covering `site_search` and scan every
    # site of a network nationwide.
    network_code = models.CharField(max_length=50, editable=False, default="")
    needs_index = models.CharField(max_length=500, editable=False, default="")
    publics_index = models.CharField(max_length=500, editable=False, default="")
    modes_index = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # The same codes as bits (codes.code_bit): the search's index holds these short integers, tested
    # with one AND, not the strings (a count of a dense area read 370-byte index entries, LIKE per row).
    needs_mask = models.IntegerField(editable=False, default=0)
    publics_mask = models.IntegerField(editable=False, default=0)
    modes_mask = models.IntegerField(editable=False, default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        # Covering index of the proximity search (spro.directory.search): the band of latitude (an
        # expression computed by the database, so that no write path can forget it), the longitude (one
        # index range per band of the bounding box), then every filter column, so that scanning the
        # candidates never reads the table. (A generated column would not do: SQLite never treats an
        # index as covering once a query names a generated column.)
        indexes = [
            models.Index(
                LatitudeBand("latitude"),
                *(
                    models.F(name)
                    for name in (
                        "longitude",
                        "latitude",
                        "is_active",
                        "structure_id",
                        "network_code",
                        "needs_mask",
                        "publics_mask",
                        "modes_mask",
                        "opening_hours",
                        "id",  # in every SQLite index already; lets PostgreSQL answer from the index alone
                    )
                ),
                name="site_search_band",
            ),
            # The few remote entries (`remote_sites`, beside every search of the page): without it, each
            # page read the whole table to find them.
            models.Index(fields=["kind"], name="site_kind"),
            # The distinct schedules of the active sites, read by skipping from one to the next ("ouvert
            # maintenant", spro.directory.search._open_schedules) instead of over every site of a circle.
            # Its condition names `NOT (opening_hours = '')`, which no search of a circle writes: SQLite
            # uses a partial index only for a query that does, so it never prefers this one to
            # `site_search_band`; and it bounds no range, so the step's `opening_hours > ?` is the index's.
            models.Index(
                fields=["opening_hours"],
                condition=models.Q(is_active=True) & ~models.Q(opening_hours=""),
                name="site_schedule",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_remote(self) -> bool:
        return self.kind == SiteKind.A_DISTANCE

    def served_territory(self) -> str:
        """The territory a remote entry serves, in French: "toute la région Centre-Val de Loire"."""
        from spro.territories.models import Departement, Region

        parts = []
        if self.served_region:
            region = Region.objects.filter(code=self.served_region).first()
            parts.append(f"toute la région {region.name}" if region else f"la région {self.served_region}")
        if self.served_departements:
            names = Departement.objects.filter(code__in=self.served_departements).order_by("code")
            parts += [f"{d.name} ({d.code})" for d in names]
        return ", ".join(parts)

    def serves(self, departement: str | None, region: str | None) -> bool:
        """Whether a remote entry answers people of this département (and its région)."""
        if not self.is_remote:
            return False
        if region and self.served_region == region:
            return True
        return bool(departement) and departement in (self.served_departements or [])

    def clean(self):
        super().clean()
        if self.is_remote:
            self._check_remote()
            return
        # The commune and the point are set by whoever makes the site (the form puts the commune's
        # centre when no point is typed): only what a person types is checked here.
        errors = {}
        for name, what in (("address", "l'adresse"), ("postal_code", "le code postal")):
            if not getattr(self, name):
                errors[name] = f"Indiquez {what} du lieu d'accueil."
        if self.served_region or self.served_departements:
            errors["served_region"] = (
                "Seul un service à distance indique un territoire desservi : un lieu d'accueil a une adresse."
            )
        if errors:
            raise ValidationError(errors)

    def _check_remote(self):
        from spro.territories.models import Departement, Region

        errors = {}
        if self.address or self.address_complement or self.postal_code or self.commune_id:
            errors["address"] = "Un service à distance n'a pas d'adresse d'accueil : laissez l'adresse vide."
        if self.latitude is not None or self.longitude is not None:
            errors["latitude"] = "Un service à distance n'a pas de coordonnées : laissez-les vides."
        departements = self.served_departements
        if not isinstance(departements, list) or not all(isinstance(d, str) for d in departements):
            errors["served_departements"] = "Les départements desservis sont une liste de codes."
        elif departements:
            known = set(Departement.objects.filter(code__in=departements).values_list("code", flat=True))
            unknown = sorted(set(departements) - known)
            if unknown:
                errors["served_departements"] = f"Département inconnu : {', '.join(unknown)[:100]}."
        if self.served_region and not Region.objects.filter(code=self.served_region).exists():
            errors["served_region"] = f"Région inconnue : {self.served_region[:10]}."
        if not self.served_region and not departements and "served_departements" not in errors:
            errors["served_region"] = (
                "Indiquez le territoire desservi : toute la région, ou un ou plusieurs départements."
            )
        if not self.phone and not self.website and not self.email:
            errors["phone"] = (
                "Indiquez comment joindre ce service : un téléphone, un site internet ou un courriel."
            )
        if errors:
            raise ValidationError(errors)

    def reindex(self, services=None, save=True):
        """Refresh the denormalised search fields from the structure and the active services."""
        from spro.territories.lookup import normalize

        if services is None:
            services = list(self.services.filter(is_active=True))
        self.network_code = self.structure.network.code
        self.needs_index = code_index(n for s in services for n in s.needs)
        self.publics_index = code_index(p for s in services for p in s.publics)
        self.modes_index = code_index(self.reception_modes)
        self.needs_mask = code_mask(Need, [n for s in services for n in s.needs])
        self.publics_mask = code_mask(Public, [p for s in services for p in s.publics])
        self.modes_mask = code_mask(ReceptionMode, self.reception_modes)
        words = [
            self.name,
            self.structure.name,
            self.structure.network.label,
            self.structure.network.short_label,
            self.commune.name if self.commune_id else "",
            self.description,
        ]
        words += [w for s in services for w in (s.name, s.description)]
        self.search_text = normalize(" ".join(filter(None, words)))
        if save:
            Site.objects.filter(pk=self.pk).update(
                network_code=self.network_code,
                needs_index=self.needs_index,
                publics_index=self.publics_index,
                modes_index=self.modes_index,
                needs_mask=self.needs_mask,
                publics_mask=self.publics_mask,
                modes_mask=self.modes_mask,
                search_text=self.search_text,
            )


class Service(Tracked):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="services")
    name = models.CharField("nom du service", max_length=200)
    description = models.TextField("description", blank=True)
    needs = models.JSONField("besoins", default=list, validators=[rules.validate_needs])
    publics = models.JSONField("publics", default=list, blank=True, validators=[rules.validate_publics])
    is_free = models.BooleanField("gratuit", default=True)
    access_modes = models.JSONField(
        "modalités d'accès", default=list, blank=True, validators=[rules.validate_access_modes]
    )
    appointment_url = models.URLField("lien de prise de rendez-vous", blank=True)
    is_active = models.BooleanField("actif", default=True)
    external_id = models.CharField("identifiant d'origine", max_length=250, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "service"

    def __str__(self):
        return self.name


class ChangeRecord(models.Model):
    """History of every change made to the directory: who, when, what."""

    class Action(models.TextChoices):
        CREATE = "creation", "Création"
        UPDATE = "modification", "Modification"
        CONFIRM = "confirmation", "Confirmation « toujours exact »"
        DELETE = "suppression", "Suppression"
        IMPORT = "import", "Import"

    object_type = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    object_label = models.CharField(max_length=255)
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="change_object")]
        verbose_name = "historique de modification"

    def __str__(self):
        return f"{self.get_action_display()} {self.object_label} ({self.at:%d/%m/%Y})"
