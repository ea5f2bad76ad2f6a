"""Events of the SPRO agenda (issue 20). Times are stored aware (UTC in the database) and read and shown
in Europe/Paris whatever the server's TIME_ZONE; a recurring event is not a thing here: each session is
published as its own event (the form says so, nothing takes a recurrence rule, and the iCalendar files
never carry an RRULE). Every change is kept in `EventChange`."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone

from spro.directory.models import LatitudeBand, latitude_band
from spro.events import rules
from spro.territories.geo import bounding_box

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class Registration(models.TextChoices):
    FREE = "libre", "Entrée libre"
    EXTERNAL = "externe", "Inscription sur un autre site"
    SPRO = "spro", "Inscription sur le site du SPRO"


class Audience(models.TextChoices):
    PUBLIC = "public", "Tout public"
    PROFESSIONALS = "professionnels", "Professionnels seulement"


class State(models.TextChoices):
    PENDING = "en-attente", "En attente de validation par la Région"
    PUBLISHED = "publie", "Publié"
    REFUSED = "refuse", "Refusé"
    CANCELLED = "annule", "Annulé"


class EventQuerySet(models.QuerySet):
    def visible(self):
        """Events anyone may see listed: published or cancelled (a cancelled event says so)."""
        return self.filter(state__in=[State.PUBLISHED, State.CANCELLED])

    def upcoming(self, now=None):
        """Events not over at `now`. The bound on `start` changes nothing to the answer (no event not over
        started longer ago than the longest one lasts) but lets the database walk the start index from
        there rather than from the first event ever published."""
        return self.not_over_at(now or timezone.now())

    def not_over_at(self, moment):
        longest = (
            Event.objects.filter(end__gt=moment).order_by("-duration").values_list("duration", flat=True)[:1]
        )
        longest = next(iter(longest), 0)
        return self.filter(end__gt=moment, start__gt=moment - timedelta(seconds=longest + 1))

    def of_year(self, year: int):
        """Events starting in `year` (Europe/Paris), published or cancelled: those a structure held or
        announced that year, for its annual report (pending and refused ones were never public)."""
        from datetime import datetime

        return self.visible().filter(
            start__gte=datetime(year, 1, 1, tzinfo=PARIS), start__lt=datetime(year + 1, 1, 1, tzinfo=PARIS)
        )

    def in_box(self, latitude: float, longitude: float, radius_km: float, by_place: bool = True):
        """Events whose place lies in the bounding box of a circle. With `by_place`, the database finds
        them through the covering index `event_band` (one range of longitudes per band of 0.1° of
        latitude the box crosses) and sorts them by start: fast when the box holds few events. Without,
        the coordinates are mere conditions, checked while walking the start index in order (and stopping
        at a page): fast when most events of the box match."""
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        box = {
            "latitude__gte": min_lat,
            "latitude__lte": max_lat,
            "longitude__gte": min_lon,
            "longitude__lte": max_lon,
        }
        if not by_place:
            return self.filter(**box)
        bands = list(range(latitude_band(min_lat), latitude_band(max_lat) + 1))
        return self.alias(band=LatitudeBand("latitude")).filter(band__in=bands, **box)


class Event(models.Model):
    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="events", verbose_name="organisateur"
    )
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type d'événement", max_length=30, choices=list(rules.KINDS.items()))
    description = models.TextField("description", blank=True, max_length=5000)
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    site = models.ForeignKey(
        "directory.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="lieu d'accueil",
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    online_url = models.URLField("lien de l'événement en ligne", blank=True)
    publics = models.JSONField("publics", default=list, blank=True, validators=[rules.validate_publics])
    themes = models.JSONField("thèmes", default=list, blank=True, validators=[rules.validate_themes])
    rome_domains = models.JSONField(
        "domaines de métiers (ROME)", default=list, blank=True, validators=[rules.validate_rome_domains]
    )
    accessibility = models.JSONField(
        "accessibilité", default=list, blank=True, validators=[rules.validate_accessibility]
    )
    partners = models.CharField("organisateurs et partenaires", max_length=500, blank=True)
    registration = models.CharField(
        "inscription", max_length=10, choices=Registration.choices, default=Registration.FREE
    )
    registration_url = models.URLField("lien d'inscription", blank=True)
    capacity = models.PositiveIntegerField("nombre de places", null=True, blank=True)
    audience = models.CharField(
        "public visé", max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised for search ("|code|code|"), kept in sync by `save()`: JSON containment is not
    # portable to SQLite. A domaine professionnel also indexes its grand domaine letter.
    publics_index = models.CharField(max_length=500, editable=False, default="")
    themes_index = models.CharField(max_length=500, editable=False, default="")
    domains_index = models.CharField(max_length=500, editable=False, default="")
    # Seconds from start to end, kept by `save()`: the search bounds `start` from below with the longest
    # duration of the events not over (index event_duration), so that it walks the start index from
    # there, not from the first event ever published.
    duration = models.PositiveIntegerField(editable=False, default=0)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "événement"
        indexes = [
            # The agenda lists in start order and stops at a page: walking this index avoids a sort (an index
            # on (state, end) made SQLite sort every upcoming event instead).
            # It also holds every column the filters read, so that the walk never reads the table for
            # the events it skips (a rare combination of filters used to read every upcoming event).
            models.Index(
                fields=[
                    "start",
                    "id",
                    "end",
                    "state",
                    "audience",
                    "kind",
                    "publics_index",
                    "themes_index",
                    "domains_index",
                    "latitude",
                    "longitude",
                ],
                name="event_start_filters",
            ),
            # The search around a commune when its box holds few events (spro.events.search): the band of
            # latitude (an expression, as for the directory's sites, so that no write path can forget
            # it), the longitude (one index range per band), then every column the filters read.
            models.Index(
                LatitudeBand("latitude"),
                *(
                    F(name)
                    for name in (
                        "longitude",
                        "latitude",
                        "start",
                        "end",
                        "state",
                        "audience",
                        "kind",
                        "publics_index",
                        "themes_index",
                        "domains_index",
                        "id",
                    )
                ),
                name="event_band",
            ),
            models.Index(fields=["duration", "end"], name="event_duration"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.denormalise()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "publics_index",
                "themes_index",
                "domains_index",
                "duration",
            }
        super().save(*args, **kwargs)

    def denormalise(self):
        """Fill the search columns (`save()` does; call it before a `bulk_create`)."""
        self.publics_index = _index(self.publics)
        self.themes_index = _index(self.themes)
        self.domains_index = _index(sorted({code[:1] for code in self.rome_domains} | set(self.rome_domains)))
        self.duration = max(int((self.end - self.start).total_seconds()), 0) if self.start and self.end else 0

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "La fin doit venir après le début."
        if not self.site_id and not self.commune_id and not self.online_url:
            errors["commune"] = (
                "Indiquez un lieu (un de vos lieux, ou une adresse et une commune) ou un lien en ligne."
            )
        if self.site_id and self.structure_id and self.site.structure_id != self.structure_id:
            errors["site"] = "Ce lieu n'appartient pas à votre structure."
        if self.registration == Registration.EXTERNAL and not self.registration_url:
            errors["registration_url"] = "Indiquez le lien où s'inscrire."
        if self.registration == Registration.SPRO and not self.capacity:
            errors["capacity"] = "Indiquez le nombre de places."
        if errors:
            raise ValidationError(errors)

    def locate(self):
        """Coordinates from the site, else from the commune of the territorial referential."""
        if self.site_id:
            self.latitude, self.longitude = self.site.latitude, self.site.longitude
            self.commune_id = self.site.commune_id
            if not self.address:
                self.address = self.site.address
        elif self.commune_id:
            self.latitude, self.longitude = self.commune.latitude, self.commune.longitude
        else:
            self.latitude = self.longitude = None

    @property
    def start_local(self):
        return timezone.localtime(self.start, PARIS)

    @property
    def end_local(self):
        return timezone.localtime(self.end, PARIS)

    @property
    def is_cancelled(self):
        return self.state == State.CANCELLED

    def places_left(self):
        if self.registration != Registration.SPRO or self.capacity is None:
            return None
        return max(self.capacity - self.attendees.count(), 0)


def _index(codes) -> str:
    return f"|{'|'.join(codes)}|" if codes else ""


class Attendee(models.Model):
    """A person registered on spro for an event: name and e-mail only, with consent; purged once the
    event is over (`spro purge-evenements`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField("nom", max_length=150)
    email = models.EmailField("courriel")
    consented_at = models.DateTimeField("consentement donné le")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inscrit"
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="attendee_once")]

    def __str__(self):
        return f"{self.name} ({self.event})"


class EventChange(models.Model):
    """History of an event: who did what, when, and what changed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "modification d'événement"

    def __str__(self):
        return f"{self.event} : {self.action}"


class FeedToken(models.Model):
    """A professional's private iCalendar feed of the professional calendar: calendar clients subscribe to
    `/agenda/professionnels/<token>/flux.ics` without a session. Only the SHA-256 of the token is stored
    (it carries 256 random bits); the member sees it once when it is made, and may make a new one
    (the old link stops at once) or revoke it (spro.events.feeds)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lien d'abonnement au calendrier professionnel"

    def __str__(self):
        return f"Flux de {self.user}"
