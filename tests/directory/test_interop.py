"""data·inclusion v1: export validates item by item; import is validated, transactional and idempotent."""

import json

import pytest
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.core.management import call_command
from django.core.management.base import CommandError

from spro.directory.models import ChangeRecord, Network, Service, Site, Structure
from tests.www.structures.factories import ALBI, service, site, structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    """Two structures (one an antenna of the other), three sites, services with every field."""
    network = Network.objects.get(code="transitions-pro")
    network.data_inclusion_typology = ""
    network.save()
    ml = structure(
        "Mission Locale de Toulouse",
        "mission-locale",
        siret="13000548100010",
        website="https://www.ml-toulouse.fr",
        description="Accompagnement global des 16-25 ans.",
    )
    antenna = structure("Transitions Pro Occitanie — Albi", "transitions-pro", parent=ml)
    capitole = site(
        ml,
        "Mission Locale — Capitole",
        kind="site-principal",
        address_complement="2e étage",
        phone="05 61 00 00 00",
        email="accueil@ml-toulouse.fr",
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        reception_modes=["sur-place", "telephone"],
        accessibility=["pmr", "boucle-magnetique"],
        description="Entrée par la cour.",
    )
    service(
        capitole,
        "Premier accueil",
        needs=["choisir-un-metier", "information-metiers"],
        publics=["jeunes-16-25"],
        access_modes=["acces-libre"],
    )
    service(
        capitole,
        "CEP jeunes",
        description="Conseil en évolution professionnelle pour les jeunes.",
        needs=["conseil-evolution-professionnelle"],
        publics=["jeunes-16-25", "demandeurs-emploi"],
        is_free=False,
        access_modes=["sur-rendez-vous"],
        appointment_url="https://rdv.ml-toulouse.fr/cep",
    )
    site(ml, "Antenne Mirail", kind="antenne", latitude=43.58, longitude=1.40)
    albi = site(antenna, "Permanence d'Albi", commune_code=ALBI, kind="permanence", reception_modes=["visio"])
    service(albi, "Projet de transition", needs=["se-former", "vae"], publics=["salaries"])
    return ml


def snapshot():
    """Every record's content, by names (ids and dates differ after a round trip)."""
    structures = {
        s.name: (
            s.siret,
            s.network.code,
            s.membership_kind,
            s.parent.name if s.parent else None,
            s.website,
            s.description,
        )
        for s in Structure.objects.select_related("network", "parent")
    }
    sites = {
        s.name: (
            s.structure.name,
            s.kind,
            s.address,
            s.address_complement,
            s.postal_code,
            s.commune_id,
            round(s.latitude, 6),
            round(s.longitude, 6),
            s.phone,
            s.email,
            s.opening_hours,
            s.reception_modes,
            s.accessibility,
            s.description,
            s.needs_index,
            s.publics_index,
            s.modes_index,
            s.network_code,
        )
        for s in Site.objects.select_related("structure")
    }
    services = {
        (s.site.name, s.name): (
            s.description,
            s.needs,
            s.publics,
            s.is_free,
            s.access_modes,
            s.appointment_url,
        )
        for s in Service.objects.select_related("site")
    }
    return structures, sites, services


def export(tmp_path):
    call_command("export-data-inclusion", str(tmp_path))
    return (
        json.loads((tmp_path / "structures.json").read_text(encoding="utf-8")),
        json.loads((tmp_path / "services.json").read_text(encoding="utf-8")),
    )


def import_(path, *args):
    call_command("import-data-inclusion", str(path), *args)


def test_every_exported_item_validates_with_the_data_inclusion_models(directory, tmp_path):
    structures, services = export(tmp_path)
    assert len(structures) == 3 and len(services) == 3
    for item in structures:
        DIStructure.model_validate(item)
    for item in services:
        DIService.model_validate(item)
    capitole = next(i for i in structures if i["nom"] == "Mission Locale — Capitole")
    assert capitole["siret"] == "13000548100010"
    assert capitole["code_insee"] == "31555" and capitole["code_postal"] == "31000"
    assert capitole["horaires_accueil"] == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    assert capitole["reseaux_porteurs"] == ["mission-locale"]
    assert capitole["spro"]["reseau"] == "mission-locale"
    cep = next(i for i in services if i["nom"] == "CEP jeunes")
    assert cep["structure_id"] == capitole["id"]
    assert cep["frais"] == "payant"
    assert cep["publics"] == ["demandeurs-emploi", "jeunes"]
    assert "choisir-un-metier--identifier-ses-points-forts-et-ses-competences" in cep["thematiques"]
    assert cep["lien_mobilisation"] == "https://rdv.ml-toulouse.fr/cep"


def test_a_network_without_data_inclusion_equivalent_keeps_its_spro_code(directory, tmp_path):
    structures, _ = export(tmp_path)
    albi = next(i for i in structures if i["nom"] == "Permanence d'Albi")
    assert "reseaux_porteurs" not in albi
    assert albi["spro"]["reseau"] == "transitions-pro"


def test_a_value_data_inclusion_refuses_is_left_out_with_a_warning(directory, tmp_path, capsys):
    Site.objects.filter(name="Mission Locale — Capitole").update(email="accueil@ml-toulouse.test")
    structures, services = export(tmp_path)
    capitole = next(i for i in structures if i["nom"] == "Mission Locale — Capitole")
    assert "courriel" not in capitole
    assert "« courriel » non exporté (adresse électronique invalide)" in capsys.readouterr().err


def test_inactive_records_are_not_exported(directory, tmp_path):
    Site.objects.filter(name="Antenne Mirail").update(is_active=False)
    Service.objects.filter(name="CEP jeunes").update(is_active=False)
    structures, services = export(tmp_path)
    assert {i["nom"] for i in structures} == {"Mission Locale — Capitole", "Permanence d'Albi"}
    assert {i["nom"] for i in services} == {"Premier accueil", "Projet de transition"}


def test_round_trip_into_an_empty_directory_gives_the_same_records(directory, tmp_path):
    before = snapshot()
    export(tmp_path)
    Structure.objects.all().delete()
    ChangeRecord.objects.all().delete()
    import_(tmp_path)
    assert snapshot() == before
    assert ChangeRecord.objects.filter(action="import").count() == 2 + 3 + 3 + 1  # + the antenna's parent
    # Exporting again gives the same files: ids are kept through external_id.
    again = tmp_path / "again"
    again.mkdir()
    assert export(again) == (
        json.loads((tmp_path / "structures.json").read_text(encoding="utf-8")),
        json.loads((tmp_path / "services.json").read_text(encoding="utf-8")),
    )


def test_importing_twice_changes_nothing_the_second_time(directory, tmp_path):
    export(tmp_path)
    Structure.objects.all().delete()
    import_(tmp_path)
    records = ChangeRecord.objects.count()
    updated = dict(Site.objects.values_list("name", "updated_at"))
    import_(tmp_path)
    assert ChangeRecord.objects.count() == records
    assert dict(Site.objects.values_list("name", "updated_at")) == updated
    assert Site.objects.count() == 3 and Service.objects.count() == 3


def test_a_reimport_updates_the_records_it_changed(directory, tmp_path):
    structures, services = export(tmp_path)
    Structure.objects.all().delete()
    import_(tmp_path)
    structures[0]["telephone"] = "0562000000"
    (tmp_path / "structures.json").write_text(json.dumps(structures), encoding="utf-8")
    import_(tmp_path)
    site_ = Site.objects.get(external_id=structures[0]["id"])
    assert site_.phone == "05 62 00 00 00"
    record = ChangeRecord.objects.filter(object_type="lieu", object_id=site_.pk).first()
    assert record.action == "import" and record.changes["phone"]["apres"] == "05 62 00 00 00"


def test_another_producers_file_is_mapped_to_spro_codes(db, tmp_path):
    (tmp_path / "structures.json").write_text(
        json.dumps(
            [
                {
                    "source": "dora",
                    "id": "dora--ml-albi",
                    "nom": "Mission Locale d'Albi",
                    "date_maj": "2025-06-01",
                    "siret": "13000548100010",
                    "commune": "Albi",
                    "code_postal": "81000",
                    "adresse": "5 rue Mariès",
                    "reseaux_porteurs": ["mission-locale"],
                }
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "services.json").write_text(
        json.dumps(
            [
                {
                    "source": "dora",
                    "structure_id": "dora--ml-albi",
                    "id": "dora--ml-albi-emploi",
                    "nom": "Aide à la recherche d'emploi",
                    "description": "Ateliers CV et entretiens.",
                    "date_maj": "2025-06-01",
                    "thematiques": [
                        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
                        "se-former--trouver-sa-formation",
                        "sante--addictions",
                    ],
                    "publics": ["jeunes", "seniors"],
                    "modes_mobilisation": ["se-presenter"],
                }
            ]
        ),
        encoding="utf-8",
    )
    import_(tmp_path)
    site_ = Site.objects.get(external_id="dora--ml-albi")
    assert site_.structure.network.code == "mission-locale"
    assert site_.commune_id == "81004"
    assert (site_.latitude, site_.longitude) == (site_.commune.latitude, site_.commune.longitude)
    assert site_.updated_at.date().isoformat() == "2025-06-01" and site_.is_stale
    service_ = Service.objects.get(external_id="dora--ml-albi-emploi")
    assert service_.needs == ["se-former", "trouver-un-emploi"]
    assert service_.publics == ["jeunes-16-25"]
    assert service_.access_modes == ["acces-libre"]


def test_an_unknown_carrier_network_needs_a_default_network(db, tmp_path):
    path = tmp_path / "structures.json"
    item = {
        "source": "x",
        "id": "x--1",
        "nom": "Centre social",
        "date_maj": "2025-01-01",
        "code_insee": "31555",
        "adresse": "1 rue A",
        "reseaux_porteurs": ["mjc"],
    }
    path.write_text(json.dumps([item]), encoding="utf-8")
    with pytest.raises(CommandError, match="aucun réseau spro ne correspond"):
        import_(path)
    import_(path, "--reseau-par-defaut", "maison-emploi")
    assert Site.objects.get(external_id="x--1").structure.network.code == "maison-emploi"


def test_warnings_are_counted_by_kind_with_a_few_examples_not_printed_one_per_record(
    directory, tmp_path, capsys
):
    Site.objects.update(email="accueil@ml-toulouse.test")
    export(tmp_path)
    output = capsys.readouterr()
    [line] = output.err.strip().splitlines()
    # three sites and their three services
    assert line.startswith("Attention : « courriel » non exporté (adresse électronique invalide) pour 6 ")
    assert "par exemple : lieu n° " in line
    assert line.endswith(" …")  # three examples, not six lines
    assert "6 valeur(s) non exportée(s)" in output.out and " s ;" in output.out


def test_reading_the_directory_by_chunks_changes_nothing_in_the_files(directory, tmp_path, monkeypatch):
    whole = export(tmp_path / "whole")
    monkeypatch.setattr("spro.directory.interop.EXPORT_CHUNK", 1)  # one site at a time, with its services
    chunked = export(tmp_path / "chunked")
    for expected, got in zip(whole, chunked, strict=True):
        assert sorted(got, key=lambda item: item["id"]) == sorted(expected, key=lambda item: item["id"])
    structures, services = chunked
    assert len(structures) == Site.objects.filter(is_active=True).count()
    assert len(services) == Service.objects.filter(is_active=True, site__is_active=True).count()
    assert {s["structure_id"] for s in services} <= {s["id"] for s in structures}


def test_an_export_that_fails_leaves_the_previous_files_as_they_were(directory, tmp_path):
    export(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    Site.objects.filter(name="Antenne Mirail").update(postal_code="ABCDE")  # refused, and not optional
    with pytest.raises(CommandError) as error:
        call_command("export-data-inclusion", str(tmp_path))
    assert "ne respecte pas le schéma data·inclusion" in str(error.value) and "code_postal" in str(
        error.value
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no half file, no leftover
