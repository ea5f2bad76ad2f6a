"""The directory's data tables live in `spro/directory/data/*.json`, shipped as package data and read once:
the data·inclusion mappings (`interop.json`) and the demo directory's templates (`demo.json`). Every code
they name is one the code knows, and a file the code cannot use is refused with a French message."""

import fnmatch
import importlib.resources
import tomllib
from pathlib import Path

import pytest
from data_inclusion.schema import v1 as di
from opening_hours import OpeningHours

from spro.directory import datafiles, demo, interop
from spro.directory.catalogue import catalogue
from spro.directory.codes import AccessMode, Need, Public, ReceptionMode, SiteKind

ROOT = Path(__file__).resolve().parents[2]
NETWORK_CODES = {entry["code"] for entry in catalogue()}


def di_values(enum) -> set[str]:
    return {member.value for member in enum}


# --- shipped as package data --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["interop", "demo"])
def test_each_data_file_is_found_as_package_data(name):
    shipped = importlib.resources.files("spro.directory") / "data" / f"{name}.json"
    assert shipped.is_file()
    assert datafiles.path(name) == shipped
    assert isinstance(datafiles.load(name), dict)


def test_the_package_data_patterns_ship_the_data_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    shipped = sorted(p.name for p in (ROOT / "spro" / "directory" / "data").glob("*.json"))
    assert shipped == ["demo.json", "interop.json"]
    for name in shipped:
        assert any(fnmatch.fnmatch(f"data/{name}", pattern) for pattern in patterns), name


def test_each_file_is_read_once():
    datafiles.load.cache_clear()
    first = datafiles.load("demo")
    assert datafiles.load("demo") is first
    assert datafiles.load.cache_info().misses == 1


# --- interop.json against data·inclusion and spro's codes -----------------------------------------------


def test_every_need_is_exported_with_data_inclusion_thematiques():
    assert set(interop.NEED_THEMATIQUES) == set(Need)
    known = di_values(di.Thematique)
    for need, thematiques in interop.NEED_THEMATIQUES.items():
        assert thematiques, need
        assert set(thematiques) <= known, need


def test_thematiques_read_back_name_spro_needs_and_data_inclusion_categories():
    assert set(interop.CATEGORY_NEEDS) <= di_values(di.Categorie)
    assert set(interop.THEMATIQUE_NEEDS) <= di_values(di.Thematique)
    for need in [*interop.CATEGORY_NEEDS.values(), *interop.THEMATIQUE_NEEDS.values()]:
        assert isinstance(need, Need)


def test_every_public_maps_to_a_data_inclusion_public_and_back():
    assert set(interop.PUBLIC_TO_DI) == set(Public)
    assert set(interop.PUBLIC_TO_DI.values()) <= di_values(di.Public)
    assert set(interop.PUBLIC_FROM_DI) <= di_values(di.Public)
    assert all(isinstance(public, Public) for public in interop.PUBLIC_FROM_DI.values())
    # Back and forth, a data·inclusion public the file reads is the one spro would write.
    for di_public, public in interop.PUBLIC_FROM_DI.items():
        assert interop.PUBLIC_TO_DI[public] == di_public


def test_every_reception_mode_maps_to_a_data_inclusion_mode():
    assert set(interop.MODE_TO_DI) == set(ReceptionMode)
    assert set(interop.MODE_TO_DI.values()) <= di_values(di.ModeAccueil)


def test_the_french_reasons_are_sentences_in_french():
    assert interop.FRENCH_REASONS["missing"] == "champ obligatoire absent"
    assert all(isinstance(reason, str) and reason for reason in interop.FRENCH_REASONS.values())


# --- demo.json against the network catalogue and the directory's rules --------------------------------


def test_every_network_named_by_the_demo_is_in_the_catalogue():
    for table in (demo.SERVICES, demo.NAMES, demo.SHORT, demo.EXTRA_PER_100K):
        assert set(table) <= NETWORK_CODES


def test_every_network_of_the_catalogue_has_names_and_services_in_the_demo():
    assert set(demo.NAMES) == NETWORK_CODES
    assert set(demo.SERVICES) == NETWORK_CODES
    # Permanences and points relais are named "<kind> <short name> — <town>".
    assert set(demo.EXTRA_PER_100K) <= set(demo.SHORT)


def test_the_demo_services_use_known_codes():
    for network, templates in demo.SERVICES.items():
        assert templates, network
        for name, needs, publics, access in templates:
            assert name and len(name) <= 200, network
            assert needs and all(isinstance(n, Need) for n in needs), name
            assert publics and all(isinstance(p, Public) for p in publics), name
            assert access and set(access) <= set(AccessMode.values), name


def test_the_demo_site_kinds_and_counts_are_known():
    assert set(demo.KIND_WORDS) == {SiteKind.ANTENNE, SiteKind.PERMANENCE, SiteKind.POINT_RELAIS}
    for network, (per_100k, kind) in demo.EXTRA_PER_100K.items():
        assert isinstance(kind, SiteKind), network
        assert isinstance(per_100k, int | float) and per_100k > 0, network


def test_the_demo_opening_hours_are_valid_openstreetmap_hours():
    hours = [
        *demo.HOURS_OFFICE,
        *demo.HOURS_YOUTH,
        *demo.HOURS_FRANCE_TRAVAIL,
        *demo.HOURS_PART_TIME,
        *demo.HOURS_RELAY,
    ]
    assert len(hours) == sum(len(v) for v in datafiles.table("demo", "opening_hours").values())
    for value in hours:
        OpeningHours(value)


def test_every_region_numbering_zone_has_a_fiction_range():
    assert set(demo.PHONE_PREFIX.values()) <= set(demo.FICTION_PHONE_RANGES)
    assert demo.STREETS and demo.QUARTERS


# --- a file the code cannot use -------------------------------------------------------------------------


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """`datafiles` reading from a temporary folder; the cache is emptied before and after."""
    monkeypatch.setattr(datafiles, "path", lambda name: tmp_path / f"{name}.json")
    datafiles.load.cache_clear()
    yield tmp_path
    datafiles.load.cache_clear()


def test_a_missing_file_is_named_in_french(data_folder):
    with pytest.raises(datafiles.DataFileError, match=r"Fichier de données introuvable : .*data/demo\.json"):
        datafiles.load("demo")


def test_a_file_that_is_not_json_is_refused_with_its_line(data_folder):
    (data_folder / "demo.json").write_text('{\n  "streets": [\n', encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match=r"demo\.json : JSON invalide ligne 3"):
        datafiles.load("demo")


def test_a_file_that_is_not_an_object_is_refused(data_folder):
    (data_folder / "demo.json").write_text("[]", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="un objet JSON"):
        datafiles.load("demo")


def test_a_missing_table_is_named(data_folder):
    (data_folder / "demo.json").write_text("{}", encoding="utf-8")
    with pytest.raises(datafiles.DataFileError, match="table « streets » absente"):
        datafiles.table("demo", "streets")


def test_an_unknown_code_is_refused_with_its_place_and_the_known_codes():
    with pytest.raises(datafiles.DataFileError) as error:
        datafiles.code(Need, "astrologie", "demo", "services.cio[0].needs")
    message = str(error.value)
    assert "demo.json, services.cio[0].needs : code inconnu « astrologie »" in message
    assert "codes possibles : choisir-un-metier" in message
    assert datafiles.code(Need, "vae", "demo", "ici") is Need.VAE
