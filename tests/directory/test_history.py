"""One function records every directory change: who, when, which fields before and after, atomically."""

import pytest

from spro.directory import history
from spro.directory.models import ChangeRecord, Site, Structure
from tests.www.structures.factories import service, site, structure, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ml():
    return structure("Mission Locale de Toulouse", "mission-locale")


def test_creation_records_every_field_and_the_author(ml):
    author = user("alice@ml-toulouse.fr")
    new = Site(
        structure=ml,
        name="Antenne",
        address="1 rue A",
        postal_code="31000",
        commune_id="31555",
        latitude=43.6,
        longitude=1.44,
    )
    record = history.create_with_history(new, author)
    assert record.action == "creation" and record.user == author
    assert record.object_type == "lieu" and record.object_id == new.pk and record.object_label == "Antenne"
    assert record.changes["name"] == {"avant": None, "apres": "Antenne"}
    assert record.changes["structure_id"] == {"avant": None, "apres": ml.pk}
    assert "search_text" not in record.changes and "updated_at" not in record.changes
    assert new.updated_by == author
    new.refresh_from_db()
    assert new.network_code == "mission-locale"


def test_an_update_records_only_the_changed_fields(ml):
    lieu = site(ml)
    before = history.snapshot(lieu)
    lieu.phone = "05 61 00 00 00"
    lieu.reception_modes = ["visio"]
    record = history.save_with_history(lieu, before)
    assert record.changes == {
        "phone": {"avant": "", "apres": "05 61 00 00 00"},
        "reception_modes": {"avant": [], "apres": ["visio"]},
    }
    lieu.refresh_from_db()
    assert lieu.modes_index == "|visio|"


def test_saving_unchanged_records_nothing(ml):
    lieu = site(ml)
    updated_at = lieu.updated_at
    assert history.save_with_history(lieu, history.snapshot(lieu)) is None
    lieu.refresh_from_db()
    assert lieu.updated_at == updated_at
    assert not ChangeRecord.objects.exists()


def test_confirm_moves_the_update_date_only(ml):
    lieu = site(ml)
    author = user("bob@ml-toulouse.fr")
    Site.objects.filter(pk=lieu.pk).update(name="Renommé en base")
    record = history.confirm(lieu, author)
    lieu.refresh_from_db()
    assert record.action == "confirmation" and record.changes == {}
    assert lieu.updated_by == author and lieu.name == "Renommé en base"


def test_the_record_and_the_change_are_written_together_or_not_at_all(ml):
    lieu = site(ml)
    before = history.snapshot(lieu)
    lieu.name = "Nouveau nom"
    lieu.structure_id = 999_999  # no such structure: reindexing after the save fails
    with pytest.raises(Structure.DoesNotExist):
        history.save_with_history(lieu, before)
    assert not ChangeRecord.objects.exists()
    assert Site.objects.get(pk=lieu.pk).name == "Accueil principal"


def test_a_structures_history_covers_its_sites_and_services_only(ml):
    other = structure("CIO d'Albi", "cio")
    lieu = site(ml)
    accueil = service(lieu)
    for obj in (ml, lieu, accueil, other, site(other, "Autre lieu", commune_code="81004")):
        history.record_change(obj, ChangeRecord.Action.CONFIRM)
    labels = [r.object_label for r in history.structure_history(ml)]
    assert sorted(labels) == sorted([ml.name, lieu.name, accueil.name])


def test_change_lines_use_the_french_field_names(ml):
    lieu = site(ml)
    before = history.snapshot(lieu)
    lieu.opening_hours = "Mo-Fr 09:00-17:00"
    record = history.save_with_history(lieu, before)
    assert history.change_lines(record) == [("Horaires (format OpenStreetMap)", "", "Mo-Fr 09:00-17:00")]
