"""Rule sets of the aiguillage per Région, versioned: a change publishes a new version, never an edit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone


class RuleSetQuerySet(models.QuerySet):
    def active_for(self, region_code: str):
        return self.filter(region_code=region_code, is_active=True).order_by("-version").first()

    @transaction.atomic
    def publish(self, region_code: str, rules: dict, user=None, comment: str = "") -> "RuleSet":
        """Check `rules` and make them the active version for the Région (previous versions are kept)."""
        from spro.routing.ruleset import RuleSetError, validate

        errors = validate(rules)
        if errors:
            raise RuleSetError(errors)
        # Lock the Région's rows so that two publications cannot take the same version number.
        existing = list(
            self.select_for_update().filter(region_code=region_code).values_list("version", flat=True)
        )
        self.filter(region_code=region_code, is_active=True).update(is_active=False)
        return self.create(
            region_code=region_code,
            version=max(existing, default=0) + 1,
            rules=rules,
            created_by=user,
            comment=comment,
            is_active=True,
        )

    def install_shipped(self, region_code: str) -> "RuleSet | None":
        """Publish the rules shipped for the Région (default + its profile) as version 1, when the
        Région has no version yet (a new installation, `setup-demo`); None when it already has one.
        A broken profile raises RuleSetError and nothing is published."""
        from spro.routing.profiles import shipped_regions, shipped_rules

        if self.filter(region_code=region_code).exists():
            return None
        rules = shipped_rules(region_code)
        comment = (
            "Profil livré avec spro (règles par défaut et profil de la Région)"
            if region_code in shipped_regions()
            else "Règles par défaut livrées avec spro"
        )
        return self.publish(region_code, rules, comment=comment)

    @transaction.atomic
    def deactivate(self, region_code: str) -> int:
        """Go back to the rules shipped for the Région (default + its profile, or the default alone)."""
        return self.filter(region_code=region_code, is_active=True).update(is_active=False)


class RuleSet(models.Model):
    region_code = models.CharField("code INSEE de la Région", max_length=3, db_index=True)
    version = models.PositiveIntegerField("version")
    rules = models.JSONField("règles")
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    is_active = models.BooleanField("actif", default=False)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "-version"]
        verbose_name = "jeu de règles d'aiguillage"
        verbose_name_plural = "jeux de règles d'aiguillage"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "version"], name="routing_ruleset_unique_version"),
            models.UniqueConstraint(
                fields=["region_code"],
                condition=models.Q(is_active=True),
                name="routing_ruleset_one_active",
            ),
        ]

    def __str__(self):
        return f"Règles d'aiguillage {self.region_code} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = RuleSet.objects.filter(pk=self.pk).values_list("rules", "region_code", "version").first()
            if stored and (stored[0] != self.rules or stored[1:] != (self.region_code, self.version)):
                raise ValidationError(
                    "Un jeu de règles publié ne se modifie pas : publiez une nouvelle version."
                )
        super().save(*args, **kwargs)
