"""`spro import-employment-zones FILE`: INSEE's table of zones d'emploi and bassins de vie, all or
nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from spro.territories.models import Commune, EmploymentZone, LivingArea

pytestmark = pytest.mark.django_db

# ../shared beside the repository (a git worktree may sit one level deeper: then /work/shared).
OFFICIAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "zonages" / "communes_zonages.csv"
if not OFFICIAL.exists():
    OFFICIAL = Path("/work/shared/data/zonages/communes_zonages.csv")
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


@pytest.mark.skipif(
    not OFFICIAL.exists(), reason="../shared/data/zonages absent : fichier officiel INSEE non fourni"
)
def test_it_imports_the_bassins_de_vie_of_the_same_table():
    out = StringIO()
    call_command("import-employment-zones", str(OFFICIAL), stdout=out)
    # The 2022 delimitation has about 1,700 bassins de vie, each named by its main commune.
    assert 1600 < LivingArea.objects.count() < 1800
    assert "bassins de vie importés" in out.getvalue()
    toulouse = Commune.objects.get(code="31555")
    assert toulouse.living_area_id == "31555" and toulouse.living_area.name == "Toulouse"
    # A commune of the Ajaccio bassin lends nothing but its membership: Afa (2A001) is in it.
    assert Commune.objects.get(code="2A001").living_area.name == "Ajaccio"
    assert Commune.objects.filter(living_area__isnull=True).count() < 50
    # Every commune of a bassin is in the file's bassin: the table read back.
    rows = {}
    for line in OFFICIAL.read_text(encoding="utf-8").splitlines()[1:]:
        code, _, _, area, _ = line.split(",")
        rows[code] = area
    stored = dict(Commune.objects.filter(living_area__isnull=False).values_list("code", "living_area_id"))
    assert stored and all(rows[code] == area for code, area in stored.items())
    call_command("import-employment-zones", str(OFFICIAL), verbosity=0)  # idempotent
    assert (
        dict(Commune.objects.filter(living_area__isnull=False).values_list("code", "living_area_id"))
        == stored
    )


def test_a_file_without_bassin_de_vie_columns_leaves_them_alone(tmp_path):
    path = tmp_path / "ze.csv"
    path.write_text("CODGEO,ZE2020,LIB_ZE2020\n31555,7625,Toulouse\n", encoding="utf-8")
    out = StringIO()
    call_command("import-employment-zones", str(path), stdout=out)
    assert "bassins de vie" not in out.getvalue()
    assert LivingArea.objects.count() == 0


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
        (
            HEADER + "31555,7625,Toulouse,31555,Toulouse\n31003,7625,Toulouse,3155,Ailleurs\n",
            "bassin de vie invalide",
        ),
        (HEADER + "31555,7625,Toulouse,31555,Toulouse\n31003,7625,Toulouse,31555,Tolosa\n", "deux libellés"),
        (HEADER + "31555,7625,Toulouse,31555,\n", "bassin de vie invalide"),
        ("DEPCOM,ZE2020,LIB_ZE2020,BV2022\n31555,7625,Toulouse,31555\n", "vont ensemble"),
    ],
    ids=[
        "columns",
        "bad-commune",
        "bad-zone",
        "two-labels",
        "duplicate",
        "empty",
        "huge",
        "bad-area",
        "area-two-labels",
        "area-no-label",
        "area-half-columns",
    ],
)
def test_a_bad_file_is_refused_in_french_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "ze.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import-employment-zones", str(path), verbosity=0)
    assert message in str(error.value)
    assert EmploymentZone.objects.count() == 0 and LivingArea.objects.count() == 0
    assert not Commune.objects.filter(employment_zone__isnull=False).exists()
    assert not Commune.objects.filter(living_area__isnull=False).exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import-employment-zones", str(tmp_path / "absent.csv"), verbosity=0)
