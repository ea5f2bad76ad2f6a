"""The reception log of the espace pro: one screen per reception, then an empty form again; future dates,
unknown codes and hostile input refused with French messages and nothing written; entries corrected or
deleted for 30 days, then locked; collective actions as counts by category."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from spro.activity.models import Reception
from spro.directory.models import Membership
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import post_form

pytestmark = pytest.mark.django_db
NEW = "/espace-pro/activite/nouveau/"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def adviser(client):
    site = directory.site("Lieu A")
    person = accounts.member(site.structure, "conseiller@a.test")
    client.force_login(person)
    return person, site


def entry(place, **fields):
    return {
        "date": timezone.localdate().isoformat(),
        "site": place.pk,
        "mode": "sur-place",
        "sexe": "femme",
        "age_band": "18-25",
        "statut": "demandeur-emploi",
        "commune": "Toulouse (31)",
        "need": "trouver-formation",
        "answer": "conseil",
        "minutes": "",
        **fields,
    }


def test_the_form_defaults_to_today_and_the_first_site(client, adviser):
    _, site = adviser
    page = client.get(NEW).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert f'<option value="{site.pk}" selected>' in page
    assert "<h1>Enregistrer un accueil</h1>" in page


def test_a_reception_is_recorded_then_the_form_is_empty_again_with_a_status(client, adviser):
    person, site = adviser
    response = post_form(client, NEW, entry(site, minutes="15"))
    assert response.status_code == 302 and response.url == NEW
    reception = Reception.objects.get()
    assert (reception.structure, reception.site, reception.commune_id) == (site.structure, site, "31555")
    assert reception.created_by == person and reception.minutes == 15 and reception.people == 1
    page = client.get(NEW).content.decode()
    assert 'role="status"' in page and "Accueil enregistré." in page
    assert 'value="femme" selected' not in page  # empty again for the next person


def test_a_future_date_is_refused_and_nothing_is_written(client, adviser):
    _, site = adviser
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post_form(client, NEW, entry(site, date=tomorrow))
    assert response.status_code == 422
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    assert not Reception.objects.exists()


@pytest.mark.parametrize("field", ["mode", "sexe", "age_band", "statut", "need", "answer"])
def test_an_unknown_code_is_refused(client, adviser, field):
    _, site = adviser
    response = post_form(client, NEW, entry(site, **{field: "inconnu"}))
    assert response.status_code == 422
    assert "Choisissez une valeur de la liste." in response.content.decode()
    assert not Reception.objects.exists()


def test_an_unknown_commune_and_another_structures_site_are_refused(client, adviser):
    _, site = adviser
    other = directory.site("Lieu B")
    assert post_form(client, NEW, entry(site, commune="Nullepart-sur-Rien")).status_code == 422
    assert post_form(client, NEW, entry(site, site=other.pk)).status_code == 422
    assert not Reception.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [{"minutes": "1e309"}, {"minutes": "nan"}, {"commune": "\x00Toulouse"}, {"commune": "x" * 100_000},
     {"date": "2026-02-30"}, {"minutes": "601"}, {"mode": "\x00"}],
)  # fmt: skip
def test_hostile_input_gets_a_french_422_and_writes_nothing(client, adviser, hostile):
    _, site = adviser
    response = post_form(client, NEW, entry(site, **hostile))
    assert response.status_code == 422
    assert not Reception.objects.exists()


def reception(site, by, **fields):
    values = dict(entry(site), commune_id="31555", structure=site.structure, site=site, created_by=by)
    values.pop("commune")
    values["minutes"] = None
    return Reception.objects.create(**{**values, **fields})


def test_the_log_lists_the_structures_entries_only(client, adviser):
    person, site = adviser
    reception(site, person)
    reception(directory.site("Lieu B"), None, need="vae")
    page = client.get("/espace-pro/activite/").content.decode()
    assert "Derniers accueils (1 au total)" in page and "Trouver une formation" in page
    assert "Enregistrer un accueil" in page


def test_a_member_of_several_structures_chooses_one(client, adviser):
    person, site = adviser
    other = directory.site("Lieu C")
    Membership.objects.create(user=person, structure=other.structure)
    reception(other, person, need="vae")
    page = client.get(f"/espace-pro/activite/?structure={other.structure.pk}").content.decode()
    assert "Faire valider mon expérience (VAE)" in page
    assert client.get("/espace-pro/activite/?structure=999999").status_code == 404
    post_form(client, f"{NEW}?structure={other.structure.pk}", entry(other))
    assert Reception.objects.filter(structure=other.structure).count() == 2


def test_an_entry_is_corrected_within_30_days(client, adviser):
    person, site = adviser
    mine = reception(site, person)
    response = client.post(f"/espace-pro/activite/{mine.pk}/modifier/", entry(site, sexe="homme"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.sexe == "homme" and mine.created_by == person


def test_an_entry_is_deleted_within_30_days(client, adviser):
    person, site = adviser
    mine = reception(site, person)
    assert client.post(f"/espace-pro/activite/{mine.pk}/supprimer/").status_code == 422  # not confirmed
    assert Reception.objects.exists()
    assert client.post(f"/espace-pro/activite/{mine.pk}/supprimer/", {"confirm": "on"}).status_code == 302
    assert not Reception.objects.exists()


def test_after_30_days_an_entry_is_locked_nothing_is_written(client, adviser):
    person, site = adviser
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old = reception(site, person, date=timezone.localdate())
    for url, data in ((f"/espace-pro/activite/{old.pk}/modifier/", entry(site, sexe="homme")),
                      (f"/espace-pro/activite/{old.pk}/supprimer/", {"confirm": "on"})):  # fmt: skip
        assert client.get(url).status_code == 403
        response = client.post(url, data)
        assert response.status_code == 403
        assert "il est verrouillé" in response.content.decode()
    old.refresh_from_db()
    assert old.sexe == "femme"


def test_an_adviser_corrects_only_their_own_entries_an_administrator_any(client, adviser):
    person, site = adviser
    colleague = accounts.member(site.structure, "collegue@a.test")
    theirs = reception(site, colleague)
    assert client.post(f"/espace-pro/activite/{theirs.pk}/supprimer/").status_code == 403
    admin = accounts.member(site.structure, "admin@a.test", role=Membership.Role.ADMIN)
    client.force_login(admin)
    assert client.post(f"/espace-pro/activite/{theirs.pk}/supprimer/", {"confirm": "on"}).status_code == 302


def test_another_structures_entry_is_hidden(client, adviser):
    other = directory.site("Lieu B")
    theirs = reception(other, None)
    assert client.get(f"/espace-pro/activite/{theirs.pk}/modifier/").status_code == 404
    assert client.post(f"/espace-pro/activite/{theirs.pk}/supprimer/").status_code == 404
    assert Reception.objects.filter(pk=theirs.pk).exists()


def test_a_collective_action_is_one_row_per_category_that_has_people(client, adviser):
    person, site = adviser
    data = {
        "date": timezone.localdate().isoformat(),
        "site": site.pk,
        "mode": "hors-les-murs",
        "statut": "eleve",
        "need": "decouvrir-metiers",
        "answer": "information",
        "commune": "",
        "n_femme_16_17": "12",
        "n_homme_16_17": "10",
        "n_non_precise_moins_de_16": "1",
    }
    response = post_form(client, "/espace-pro/activite/action-collective/", data)
    assert response.status_code == 302
    rows = Reception.objects.order_by("sexe", "age_band")
    assert [(r.sexe, r.age_band, r.people) for r in rows] == [
        ("femme", "16-17", 12),
        ("homme", "16-17", 10),
        ("non-precise", "moins-de-16", 1),
    ]
    assert len({r.group for r in rows}) == 1 and rows[0].group
    # Deleting the whole action removes its rows together.
    client.post(f"/espace-pro/activite/{rows[0].pk}/supprimer/", {"portee": "groupe", "confirm": "on"})
    assert not Reception.objects.exists()


def test_a_collective_action_needs_people(client, adviser):
    _, site = adviser
    data = {"date": timezone.localdate().isoformat(), "site": site.pk, "mode": "evenement", "statut": "eleve",
            "need": "decouvrir-metiers", "answer": "information", "n_femme_16_17": "-3"}  # fmt: skip
    assert post_form(client, "/espace-pro/activite/action-collective/", data).status_code == 422
    data.pop("n_femme_16_17")
    response = post_form(client, "/espace-pro/activite/action-collective/", data)
    assert response.status_code == 422
    assert "au moins une catégorie" in response.content.decode()
    assert not Reception.objects.exists()


def test_region_staff_without_a_structure_have_no_log(client):
    client.force_login(accounts.user("personne@ailleurs.test"))
    assert client.get("/espace-pro/activite/").status_code == 403
