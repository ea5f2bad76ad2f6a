"""Small tables shared by every server process: rate-limit counters and used form tokens.

They live in the database (not in process memory) so that several gunicorn workers, or several
machines, count and remember together; a Région needs no extra service for them.
"""

from django.db import models
from django.utils import timezone


class RateCounter(models.Model):
    """Posts of one client (a hashed address or session) to one public form, in one fixed window."""

    scope = models.CharField(max_length=40)
    client = models.CharField(max_length=80)  # "ip:<hmac>" or "session:<hmac>": no raw address kept
    window_start = models.BigIntegerField()  # Unix time (seconds) of the window's start
    hits = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "compteur d'envois d'un formulaire public"
        verbose_name_plural = "compteurs d'envois des formulaires publics"
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "client", "window_start"], name="core_ratecounter_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratecounter_window")]

    def __str__(self):
        return f"{self.scope} {self.client} {self.hits}"


class UsedFormToken(models.Model):
    """A one-time form token already submitted, and where its first submission led."""

    nonce = models.CharField(max_length=32, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)
    result_url = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        verbose_name = "jeton de formulaire utilisé"
        verbose_name_plural = "jetons de formulaire utilisés"

    def __str__(self):
        return f"{self.nonce} {self.used_at:%d/%m/%Y %H:%M}"
