"""The real ROME 4.0 files (v460) of ../shared/data/rome/ (or the copy shipped in spro/metiers/data)."""

from pathlib import Path

import pytest

from spro.metiers.importer import PACKAGED, import_rome
from spro.metiers.models import JobTitle, Occupation

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "rome"
if not REAL.is_dir():
    REAL = Path("/work/shared/data/rome")


def real_files() -> Path:
    if not (REAL / "unix_referentiel_code_rome_v460_utf8.csv").exists():
        pytest.skip(f"Fichiers ROME réels absents ({REAL}) : tests d'import sur les vrais fichiers ignorés.")
    return REAL


@pytest.fixture(scope="module")
def rome(django_db_setup, django_db_blocker):
    """The whole referential (1,584 fiches, 13,120 job titles), imported once per test module and removed
    afterwards; the tests themselves run in transactions rolled back as usual."""
    with django_db_blocker.unblock():
        import_rome(PACKAGED)
    yield
    with django_db_blocker.unblock():
        JobTitle.objects.all().delete()
        Occupation.objects.all().delete()
