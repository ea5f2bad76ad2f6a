"""The data·inclusion import obeys the rules the forms obey: they are the model's, checked on every record
before it is written, so an import cannot store what a person could not type."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spro.directory.models import ChangeRecord, Service, Site, Structure

pytestmark = pytest.mark.django_db


def place(index=1, **changes):
    item = {
        "source": "test",
        "id": f"test--{index}",
        "nom": f"Lieu numéro {index}",
        "date_maj": "2025-01-15",
        "code_insee": "31555",
        "code_postal": "31000",
        "adresse": "1 place du Capitole",
        "spro": {"reseau": "cio"},
    }
    item.update(changes)
    return item


def offer(index=1, structure=1, **changes):
    item = {
        "source": "test",
        "structure_id": f"test--{structure}",
        "id": f"test--service-{index}",
        "nom": f"Service numéro {index}",
        "description": "Premier accueil et information.",
        "date_maj": "2025-01-15",
        "spro": {"besoins": ["orientation-scolaire"], "publics": ["eleves"]},
    }
    item.update(changes)
    return item


def write(tmp_path, structures, services):
    (tmp_path / "structures.json").write_text(json.dumps(structures), encoding="utf-8")
    (tmp_path / "services.json").write_text(json.dumps(services), encoding="utf-8")


def import_(tmp_path):
    call_command("import-data-inclusion", str(tmp_path))


def test_it_refuses_a_service_without_any_need_and_writes_nothing(tmp_path):
    write(tmp_path, [place(1)], [offer(1, spro={"besoins": [], "publics": ["eleves"]})])

    with pytest.raises(CommandError) as error:
        import_(tmp_path)

    assert error.value.returncode == 2
    assert "services.json, élément d'indice 0 (id « test--service-1 »), besoins : " in str(error.value)
    assert not Structure.objects.exists() and not Site.objects.exists() and not ChangeRecord.objects.exists()


def test_a_service_for_everyone_and_for_some_publics_is_imported_for_everyone(tmp_path):
    # data·inclusion refuses the combination in its own "publics"; spro's extension carried it until now.
    write(
        tmp_path,
        [place(1)],
        [offer(1, spro={"besoins": ["se-former"], "publics": ["jeunes-16-25", "tous-publics"]})],
    )

    import_(tmp_path)

    assert Service.objects.get().publics == ["tous-publics"]
    assert Site.objects.get().publics_index == "|tous-publics|"


def test_another_producers_service_that_meets_no_spro_need_is_left_out_and_counted(tmp_path, capsys):
    unrelated = offer(2, thematiques=["sante--addictions"])
    related = offer(3, thematiques=["se-former--trouver-sa-formation"])
    for item in (unrelated, related):
        item.pop("spro")
    write(tmp_path, [place(1)], [unrelated, related])

    import_(tmp_path)

    assert list(Service.objects.values_list("external_id", "needs")) == [("test--service-3", ["se-former"])]
    assert "services ignorés : 1 (aucune de leurs thématiques ne correspond à un besoin du SPRO)" in (
        capsys.readouterr().out
    )
