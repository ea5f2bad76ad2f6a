from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = "région"

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.name


class EmploymentZone(models.Model):
    """Zone d'emploi (INSEE, 2020 delimitation)."""

    code = models.CharField("code", max_length=5, primary_key=True)
    name = models.CharField("libellé", max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = "zone d'emploi"
        verbose_name_plural = "zones d'emploi"

    def __str__(self):
        return self.name


class LivingArea(models.Model):
    """Bassin de vie (INSEE, 2022 delimitation): named by its main commune's INSEE code."""

    code = models.CharField("code", max_length=5, primary_key=True)
    name = models.CharField("libellé", max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = "bassin de vie"
        verbose_name_plural = "bassins de vie"

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=150)
    # Lower-case ASCII form of the name with words separated by single spaces, for searching.
    search_name = models.CharField(max_length=150, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    employment_zone = models.ForeignKey(
        EmploymentZone, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    living_area = models.ForeignKey(
        LivingArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    # Space-separated postal codes, in order; the PostalCode table indexes them for lookups.
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "commune"

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    @property
    def label(self) -> str:
        codes = self.postal_code_list
        return f"{self.name} ({codes[0]})" if codes else f"{self.name} ({self.departement_id})"


class CommuneOutline(models.Model):
    """A commune's contour simplified for the web (spro.territories.outlines), written by
    `spro import-territories`; kept apart so that reading communes never loads it."""

    commune = models.OneToOneField(
        Commune, on_delete=models.CASCADE, primary_key=True, related_name="outline"
    )
    rings = models.TextField("contour simplifié")

    class Meta:
        verbose_name = "contour de commune"
        verbose_name_plural = "contours des communes"

    def __str__(self):
        return f"Contour de {self.commune_id}"


class PostalCode(models.Model):
    code = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_set")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")]
        verbose_name = "code postal"

    def __str__(self):
        return self.code
