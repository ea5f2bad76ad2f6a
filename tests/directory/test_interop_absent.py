"""Re-importing a data·inclusion source deactivates the sites that source no longer lists."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from spro.directory.models import ChangeRecord, Membership, Site, Structure
from tests.www.structures.factories import login, member, site, structure

pytestmark = pytest.mark.django_db

SOURCE = "dora"


def item(ident: str, name: str, source: str = SOURCE) -> dict:
    return {
        "source": source,
        "id": ident,
        "nom": name,
        "date_maj": "2025-06-01",
        "code_insee": "31555",
        "adresse": "1 rue A",
        "reseaux_porteurs": ["mission-locale"],
    }


def import_(tmp_path, items) -> str:
    path = tmp_path / "structures.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    out = StringIO()
    call_command("import-data-inclusion", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(tmp_path):
    """Three sites from the source `dora`, one from `autre`, one created by hand."""
    import_(
        tmp_path,
        [item("dora--1", "Lieu un"), item("dora--2", "Lieu deux"), item("dora--3", "Lieu trois")]
        + [item("autre--1", "Lieu d'une autre source", source="autre")],
    )
    site(structure("Créée à la main"), "Lieu saisi à la main")


def active(name: str) -> bool:
    return Site.objects.get(name=name).is_active


def test_a_reimport_deactivates_the_sites_of_that_source_it_no_longer_contains(imported, tmp_path):
    out = import_(tmp_path, [item("dora--1", "Lieu un")])
    assert not active("Lieu deux") and not active("Lieu trois")
    gone = Site.objects.get(name="Lieu deux")
    assert gone.absent_from_source_since == date.today()
    assert Site.objects.count() == 5  # deactivated, not deleted
    assert "lieux d'accueil désactivés (absents du nouveau fichier de leur source) : 2" in out
    record = ChangeRecord.objects.filter(object_type="lieu", object_id=gone.pk).first()
    assert record.action == "import" and record.changes["is_active"] == {"avant": True, "apres": False}


def test_it_leaves_the_sites_of_other_sources_and_those_made_by_hand_alone(imported, tmp_path):
    import_(tmp_path, [item("dora--1", "Lieu un")])
    assert active("Lieu un")
    assert active("Lieu d'une autre source")
    assert active("Lieu saisi à la main")


def test_a_site_that_comes_back_is_reactivated(imported, tmp_path):
    import_(tmp_path, [item("dora--1", "Lieu un")])
    out = import_(tmp_path, [item("dora--1", "Lieu un"), item("dora--2", "Lieu deux")])
    back = Site.objects.get(name="Lieu deux")
    assert back.is_active and back.absent_from_source_since is None
    assert not active("Lieu trois")
    assert "lieux d'accueil réactivés (de retour dans leur source) : 1" in out


def test_a_site_deactivated_by_hand_stays_inactive_when_it_comes_back(imported, tmp_path):
    Site.objects.filter(name="Lieu deux").update(is_active=False)
    import_(tmp_path, [item("dora--1", "Lieu un"), item("dora--2", "Lieu deux")])
    assert not active("Lieu deux")
    assert Site.objects.get(name="Lieu deux").absent_from_source_since is None


def test_importing_the_same_file_again_deactivates_nothing_more(imported, tmp_path):
    import_(tmp_path, [item("dora--1", "Lieu un")])
    records = ChangeRecord.objects.count()
    out = import_(tmp_path, [item("dora--1", "Lieu un")])
    assert ChangeRecord.objects.count() == records
    assert "désactivés" not in out and "réactivés" not in out


def test_a_refused_import_deactivates_nothing(imported, tmp_path):
    broken = item("dora--4", "Lieu quatre")
    broken["code_insee"] = "99999"
    with pytest.raises(CommandError):
        import_(tmp_path, [item("dora--1", "Lieu un"), broken])
    assert Site.objects.filter(is_active=True).count() == 5


def test_a_reimport_of_spro_s_own_export_deactivates_the_sites_it_lost(db, tmp_path):
    ml = structure("Mission Locale", "mission-locale")
    site(ml, "Capitole")
    site(ml, "Mirail")
    call_command("export-data-inclusion", str(tmp_path))
    Structure.objects.all().delete()
    call_command("import-data-inclusion", str(tmp_path))
    items = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    (tmp_path / "structures.json").write_text(
        json.dumps([i for i in items if i["nom"] != "Mirail"]), encoding="utf-8"
    )
    (tmp_path / "services.json").write_text("[]", encoding="utf-8")
    call_command("import-data-inclusion", str(tmp_path))
    assert active("Capitole") and not active("Mirail")


def test_a_site_a_person_switched_off_again_is_not_reactivated_by_the_next_import(imported, tmp_path, client):
    import_(tmp_path, [item("dora--1", "Lieu un")])
    gone = Site.objects.get(name="Lieu deux")
    admin = member(gone.structure, "admin@exemple.test", role=Membership.Role.ADMIN)
    login(client, admin)
    client.post(reverse("structures:site_toggle", args=[gone.pk]))  # a person reactivates it…
    client.post(reverse("structures:site_toggle", args=[gone.pk]))  # …then deactivates it
    import_(tmp_path, [item("dora--1", "Lieu un"), item("dora--2", "Lieu deux")])
    assert not active("Lieu deux")


def test_sites_imported_before_the_migration_get_the_source_of_their_id(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("spro.directory.migrations.0009_site_source_and_absence")
    owner = structure("Importée avant")
    site(owner, "Ancien import", external_id="dora--ancien")
    site(owner, "Saisi à la main")
    migration.sources_from_ids(apps, None)
    assert Site.objects.get(name="Ancien import").source == "dora"
    assert Site.objects.get(name="Saisi à la main").source == ""
