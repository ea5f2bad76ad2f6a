"""The anonymous reception log: one row per first-level reception (or per category of a group).

Anonymous by construction: every text column holds a code from spro.activity.codes (or an external id
restricted to a slug), so no column can hold a name or a free text about the person
(tests/activity/test_models.py walks the fields to prove it).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from spro.activity import codes

EDITABLE_DAYS = 30
EXTERNAL_ID = RegexValidator(
    r"^[A-Za-z0-9_.:-]{1,64}$", "Identifiant externe : lettres, chiffres, « _ . : - »."
)
# The rows of one collective action share a random key (hex), never a text about the action.
GROUP_KEY = RegexValidator(r"^[0-9a-f]{32}$", "Clé de groupe : 32 caractères hexadécimaux.")


def _choices(vocabulary: dict) -> list[tuple[str, str]]:
    return list(vocabulary.items())


class Reception(models.Model):
    structure = models.ForeignKey("directory.Structure", on_delete=models.CASCADE, related_name="receptions")
    site = models.ForeignKey(
        "directory.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="receptions"
    )
    date = models.DateField("date", db_index=True)
    mode = models.CharField("mode", max_length=20, choices=_choices(codes.MODES))
    sexe = models.CharField("sexe", max_length=20, choices=_choices(codes.SEXES_LOG))
    age_band = models.CharField("tranche d'âge", max_length=20, choices=_choices(codes.AGE_BANDS))
    statut = models.CharField("statut", max_length=30, choices=_choices(codes.STATUTS_LOG))
    need = models.CharField("demande", max_length=30, choices=_choices(codes.NEEDS_LOG))
    # The INSEE code is the column (to_field): EPCI, département and zones follow from the commune.
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        to_field="code",
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune de résidence",
    )
    answer = models.CharField("réponse apportée", max_length=20, choices=_choices(codes.ANSWERS))
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveSmallIntegerField(
        "temps passé (minutes)", null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    # A group entry (collective action) is one row per category with the number of people.
    people = models.PositiveIntegerField(
        "personnes", default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    # Rows recorded together for one collective action (a forum stand, a class visit): same key.
    group = models.CharField(
        "action collective", max_length=32, blank=True, default="", validators=[GROUP_KEY], db_index=True
    )
    external_id = models.CharField(
        "identifiant externe", max_length=64, blank=True, default="", validators=[EXTERNAL_ID]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "accueil"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "external_id"],
                condition=~models.Q(external_id=""),
                name="activity_reception_external_id_per_structure",
            )
        ]

    def __str__(self):
        return f"Accueil du {self.date:%d/%m/%Y} ({self.people} personne{'s' if self.people > 1 else ''})"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "La date ne peut pas être dans le futur."})

    def is_locked(self, now=None) -> bool:
        """Past 30 days an entry no longer moves: the figures of a filed annual report must not change."""
        return (now or timezone.now()) >= self.created_at + timedelta(days=EDITABLE_DAYS)


class CoverageRun(models.Model):
    """One computation of the territorial coverage (spro.activity.coverage); the latest is the one read."""

    computed_at = models.DateTimeField("calculée le", default=timezone.now)
    seconds = models.FloatField("durée (secondes)", default=0)
    communes = models.PositiveIntegerField("communes", default=0)
    sites = models.PositiveIntegerField("lieux d'accueil actifs", default=0)
    networks = models.PositiveIntegerField("réseaux", default=0)
    max_distance_km = models.FloatField("distance maximale calculée (km)")
    # The Région whose communes also got the distances without permanences and to sites open at least
    # `min_half_days` half-days a week (CommuneCoverage.distance_fixed_km, distance_open_km).
    region = models.CharField("région des distances détaillées", max_length=3, blank=True)
    min_half_days = models.PositiveSmallIntegerField("demi-journées d'ouverture par semaine", default=5)
    # Set when a site or structure changed after the computation (spro.activity.staleness): the page
    # says a new computation is due; `spro calculer-couverture --si-perimee` makes it.
    stale_since = models.DateTimeField("périmée depuis le", null=True, blank=True)

    class Meta:
        verbose_name = "calcul de la couverture"
        verbose_name_plural = "calculs de la couverture"
        ordering = ["-computed_at", "-pk"]

    def __str__(self):
        return f"Couverture du {timezone.localtime(self.computed_at):%d/%m/%Y %H:%M}"


class CommuneCoverage(models.Model):
    """Distance from a commune to the nearest active site of a network (`network` empty: of any SPRO
    member). `distance_km` is empty when no such site lies within the run's maximum distance."""

    network = models.ForeignKey(
        "directory.Network", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    # No index of their own: the two unique indexes below serve every read (and each index slows the
    # nightly insert of ~700,000 rows).
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    distance_km = models.FloatField("distance au lieu le plus proche (km)", null=True, blank=True)
    # Only for the communes of the run's Région (elsewhere empty): the nearest site that is not a
    # permanence (fixed sites), and the nearest open at least the run's `min_half_days` a week.
    distance_fixed_km = models.FloatField("distance au lieu fixe le plus proche (km)", null=True, blank=True)
    distance_open_km = models.FloatField(
        "distance au lieu assez ouvert le plus proche (km)", null=True, blank=True
    )

    class Meta:
        verbose_name = "couverture d'une commune"
        verbose_name_plural = "couverture des communes"
        constraints = [
            models.UniqueConstraint(fields=["network", "commune"], name="activity_coverage_network_commune"),
            models.UniqueConstraint(
                fields=["commune"], condition=models.Q(network=None), name="activity_coverage_member_commune"
            ),
        ]

    def __str__(self):
        return f"{self.commune_id} : {self.distance_km} km"
