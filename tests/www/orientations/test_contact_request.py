"""A contact request's page and handling: the site's structure only; each display of the details logged."""

import pytest

from spro.referrals.models import ContactRequest, PersonalDataAccess
from tests.referrals.factories import contact_request, login

pytestmark = pytest.mark.django_db


def url(c, name="") -> str:
    return f"/espace-pro/orientations/demandes-de-contact/{c.pk}/" + (f"{name}/" if name else "")


def test_the_sites_structure_sees_the_details_and_the_read_is_logged(client, w):
    c = contact_request(w.site_b)
    login(client, w.bob)
    html = client.get(url(c)).content.decode()
    assert "Dominique Martin-Testeur" in html and "07 11 22 33 44" in html
    assert "J&#x27;accepte que mon nom" in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.record_type, log.record_id) == (w.bob, "demande-de-contact", c.pk)


@pytest.mark.parametrize("persona", ["alice", "carole"])
def test_other_structures_get_404(client, w, persona):
    c = contact_request(w.site_b)
    login(client, getattr(w, persona))
    assert client.get(url(c)).status_code == 404
    assert client.post(url(c, "traiter")).status_code == 404


def test_it_is_handled_and_the_details_are_then_hidden(client, w):
    c = contact_request(w.site_b)
    login(client, w.bob)
    response = client.post(url(c, "traiter"), {"note": "Rappel fait"})
    assert response.status_code == 302
    assert ContactRequest.objects.get().status == "traitee"
    html = client.get(url(c)).content.decode()
    assert "Dominique Martin-Testeur" not in html and "Rappel fait" in html
    assert list(PersonalDataAccess.objects.values_list("reason", flat=True)) == [
        "Suivre la demande de contact (note de suivi)"
    ]


def test_handling_twice_shows_a_french_message(client, w):
    c = contact_request(w.site_b)
    login(client, w.bob)
    client.post(url(c, "traiter"))
    html = client.post(url(c, "sans-suite"), follow=True).content.decode()
    assert "n&#x27;est plus possible" in html
