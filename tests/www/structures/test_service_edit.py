"""Services of a site: needs required, publics consistent, history kept, site reindexed."""

import pytest
from django.urls import reverse

from spro.directory.models import ChangeRecord, Service
from tests.forms import post_form
from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db


def data(**changes):
    values = {
        "name": "Conseil en évolution professionnelle",
        "description": "Un conseiller vous aide à faire le point.",
        "needs": ["conseil-evolution-professionnelle", "se-former"],
        "publics": ["jeunes-16-25"],
        "is_free": "on",
        "access_modes": ["sur-rendez-vous"],
        "appointment_url": "https://rdv.ml-toulouse.test",
    }
    values.update(changes)
    return values


def test_it_adds_a_service_and_reindexes_the_site(client, world):
    login(client, world.alice)
    response = post_form(client, reverse("structures:service_create", args=[world.site_a.pk]), data())
    assert response.status_code == 302
    service = Service.objects.get(name="Conseil en évolution professionnelle")
    assert service.site == world.site_a and service.is_free
    world.site_a.refresh_from_db()
    assert "|conseil-evolution-professionnelle|" in world.site_a.needs_index
    assert "|jeunes-16-25|" in world.site_a.publics_index
    assert ChangeRecord.objects.filter(
        object_type="service", object_id=service.pk, action="creation"
    ).exists()


def test_a_service_needs_at_least_one_need(client, world):
    login(client, world.alice)
    response = post_form(client, reverse("structures:service_create", args=[world.site_a.pk]), data(needs=[]))
    assert "Cochez au moins un besoin." in response.content.decode()
    assert not Service.objects.filter(name="Conseil en évolution professionnelle").exists()


def test_all_publics_does_not_combine_with_others(client, world):
    login(client, world.alice)
    response = post_form(
        client,
        reverse("structures:service_create", args=[world.site_a.pk]),
        data(publics=["tous-publics", "femmes"]),
    )
    assert "ne se combine pas" in response.content.decode()


def test_a_bad_appointment_link_is_refused_in_french(client, world):
    login(client, world.alice)
    response = post_form(
        client,
        reverse("structures:service_create", args=[world.site_a.pk]),
        data(appointment_url="pas un lien"),
    )
    assert "Saisissez une URL valide." in response.content.decode()


def test_editing_records_the_changed_fields_and_deactivating_reindexes(client, world):
    login(client, world.alice)
    url = reverse("structures:service_edit", args=[world.service_a.pk])
    client.post(
        url, data(name="Premier accueil", needs=["choisir-un-metier", "vae"], publics=["tous-publics"])
    )
    record = ChangeRecord.objects.get(object_type="service", object_id=world.service_a.pk)
    assert record.changes["needs"] == {"avant": ["choisir-un-metier"], "apres": ["choisir-un-metier", "vae"]}
    client.post(reverse("structures:service_toggle", args=[world.service_a.pk]))
    world.site_a.refresh_from_db()
    assert world.site_a.needs_index == ""
