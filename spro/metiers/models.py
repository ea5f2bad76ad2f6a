"""ROME 4.0 fiches (Occupation, e.g. D1102 "Boulanger / Boulangère") and their job titles
(JobTitle, the ~13,000 appellations people search for). Loaded by `spro import-rome`."""

from django.db import models

from spro.metiers.domains import domain_label, grand_domaine_label


class Occupation(models.Model):
    code = models.CharField("code ROME", max_length=5, unique=True)
    label = models.CharField("libellé", max_length=250)
    grand_domaine = models.CharField("grand domaine", max_length=1, db_index=True)
    domain = models.CharField("domaine professionnel", max_length=3, db_index=True)
    fiche_code = models.CharField("code de la fiche métier", max_length=10, blank=True)
    ogr_code = models.CharField("code OGR", max_length=10, blank=True)
    parent_code = models.CharField("code ROME parent", max_length=5, blank=True)

    class Meta:
        verbose_name = "fiche métier ROME"
        verbose_name_plural = "fiches métiers ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"

    def get_absolute_url(self):
        return f"/metiers/{self.code}/"

    @property
    def domain_label(self) -> str:
        return domain_label(self.domain)

    @property
    def grand_domaine_label(self) -> str:
        return grand_domaine_label(self.grand_domaine)


class JobTitle(models.Model):
    ogr_code = models.CharField("code OGR", max_length=10, unique=True)
    label = models.CharField("appellation", max_length=250)
    short_label = models.CharField("appellation courte", max_length=250, blank=True)
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="job_titles")
    is_main = models.BooleanField("appellation principale", default=False)
    rarely_used = models.BooleanField("peu usitée", default=False)
    # Normalised words (ASCII, lower case, plural folded), each preceded by a space: see search.py.
    search_text = models.CharField(max_length=500)

    class Meta:
        verbose_name = "appellation"
        ordering = ["label"]

    def __str__(self):
        return self.label


class Revision(models.Model):
    """One row: a random token the importer renews whenever it changes the job titles, so that every
    process rebuilds its in-memory search index (spro.metiers.search) after an import, even one that
    only renamed titles (their count and highest id unchanged)."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "révision du référentiel ROME"

    def __str__(self):
        return self.token


def referential_changed() -> None:
    """Call inside the transaction that changed JobTitle rows (the importer does)."""
    import secrets

    Revision.objects.update_or_create(pk=1, defaults={"token": secrets.token_hex(16)})
