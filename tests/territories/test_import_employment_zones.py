"""`spro import-employment-zones FILE`: INSEE's table of zones d'emploi, all or nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from spro.territories.models import Commune, EmploymentZone

pytestmark = pytest.mark.django_db

OFFICIAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "zonages" / "communes_zonages.csv"
HEADER = "DEPCOM,ZE2020,LIB_ZE2020,BV2022,LIB_BV2022\n"


@pytest.mark.skipif(
    not OFFICIAL.exists(), reason="../shared/data/zonages absent : fichier officiel INSEE non fourni"
)
def test_it_imports_the_official_insee_table():
    call_command("import-employment-zones", str(OFFICIAL), verbosity=0)
    assert EmploymentZone.objects.count() > 280
    assert Commune.objects.get(code="31555").employment_zone.name == "Toulouse"
    assert Commune.objects.get(code="2A004").employment_zone.name == "Ajaccio"
    assert Commune.objects.filter(employment_zone__isnull=True).count() < 50
    call_command("import-employment-zones", str(OFFICIAL), verbosity=0)  # idempotent
    assert Commune.objects.get(code="31555").employment_zone_id == "7625"


def test_it_reads_semicolons_latin1_and_the_codgeo_column(tmp_path):
    path = tmp_path / "ze.csv"
    path.write_bytes(
        "CODGEO;LIBGEO;ZE2020;LIB_ZE2020\n42218;Saint-Étienne;8428;Saint-Étienne\n".encode("cp1252")
    )
    call_command("import-employment-zones", str(path), verbosity=0)
    assert Commune.objects.get(code="42218").employment_zone.name == "Saint-Étienne"


@pytest.mark.parametrize(
    "content, message",
    [
        ("CODE,ZONE\n31555,7625\n", "Colonnes attendues absentes"),
        (HEADER + "31555,7625,Toulouse,,\n3155,7625,Toulouse,,\n", "Ligne 3 : code de commune invalide"),
        (HEADER + "31555,7625,Toulouse,,\n31003,ABCD,Toulouse,,\n", "Ligne 3 : zone d'emploi invalide"),
        (HEADER + "31555,7625,Toulouse,,\n31003,7625,Tolosa,,\n", "deux libellés"),
        (HEADER + "31555,7625,Toulouse,,\n31555,7626,Ailleurs,,\n", "deux zones"),
        (HEADER, "aucune commune"),
        (HEADER + "31555,7625," + "x" * 500 + ",,\n", "zone d'emploi invalide"),
    ],
    ids=["columns", "bad-commune", "bad-zone", "two-labels", "duplicate", "empty", "huge"],
)
def test_a_bad_file_is_refused_in_french_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "ze.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import-employment-zones", str(path), verbosity=0)
    assert message in str(error.value)
    assert EmploymentZone.objects.count() == 0
    assert not Commune.objects.filter(employment_zone__isnull=False).exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import-employment-zones", str(tmp_path / "absent.csv"), verbosity=0)
