"""The private feed of the professional calendar: a member makes a link with a token, calendar clients
read it without a session; the link is shown once, can be made anew (the old one stops) or revoked, and
stops when its owner may no longer read the calendar. The token is never logged nor kept in clear."""

import logging
import re
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from spro.directory.models import Membership
from spro.events.models import PARIS, Audience, FeedToken
from tests.accounts import factories as accounts
from tests.directory.factories import structure
from tests.events.factories import event, paris

pytestmark = pytest.mark.django_db
CALENDAR = "/espace-pro/agenda/calendrier/"
LINK = re.compile(
    r'id="lien-abonnement" type="text" readonly value="https?://[^/"]+(/agenda/professionnels/[^/"]+/flux\.ics)"'
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2027, 1, 15, 10, 0, tzinfo=PARIS), tick=True):
        yield


@pytest.fixture
def member(client):
    user = accounts.member(structure("cio", name="CIO de Toulouse"), "conseiller@cio.test")
    client.force_login(user)
    return user


def make_link(client) -> str:
    response = client.post(f"{CALENDAR}abonnement/", {"action": "creer"})
    assert response.status_code == 302 and response["Location"].endswith("#abonnement")
    page = client.get(CALENDAR)
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    return LINK.search(page.content.decode()).group(1)


def summaries(response) -> list[str]:
    assert response["Content-Type"].startswith("text/calendar")
    return [str(item["summary"]) for item in Calendar.from_ical(response.content).walk("VEVENT")]


def test_a_member_subscribes_without_a_session_to_public_and_professional_events(client, member):
    event("Forum des métiers", start=paris(2027, 2, 1, 9), end=paris(2027, 2, 1, 12))
    event("Réseau des conseillers", audience=Audience.PROFESSIONALS, start=paris(2027, 2, 2, 9))
    path = make_link(client)
    again = client.get(CALENDAR).content.decode()
    assert not LINK.search(again), "the link is shown once only"
    assert "Votre lien d'abonnement est actif depuis le 15/01/2027" in again
    feed = Client().get(path)  # a calendar client: no session, no cookie
    assert feed.status_code == 200
    assert summaries(feed) == ["Forum des métiers", "Réseau des conseillers"]
    assert feed["Referrer-Policy"] == "no-referrer"
    public = Client().get("/agenda/flux.ics")
    assert summaries(public) == ["Forum des métiers"]


def test_the_feed_takes_the_filters_of_the_calendar(client, member):
    event("Forum des métiers", start=paris(2027, 2, 1, 9), end=paris(2027, 2, 1, 12))
    event("Atelier CV", kind="atelier", start=paris(2027, 2, 3, 9), end=paris(2027, 2, 3, 12))
    path = make_link(client)
    assert summaries(Client().get(path + "?type=atelier")) == ["Atelier CV"]
    wrong = Client().get(path + "?type=fete")
    assert wrong.status_code == 400 and "Filtres invalides" in wrong.content.decode()


def test_only_a_hash_of_the_token_is_kept_and_the_token_is_never_logged(client, member, caplog):
    path = make_link(client)
    token = path.split("/")[3]
    assert len(token) >= 43
    stored = FeedToken.objects.get(user=member)
    assert token not in stored.token_hash
    with caplog.at_level(logging.DEBUG):
        assert Client().get(path).status_code == 200
        assert Client().get(path.replace(token, token[:-2] + "xy")).status_code == 404
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/agenda/professionnels/<str:token>/flux.ics" in logged
    assert token not in logged and token[:-2] not in logged


def test_a_new_link_stops_the_old_one_and_a_revoked_link_answers_404(client, member):
    first = make_link(client)
    second = make_link(client)
    assert first != second
    gone = Client().get(first)
    assert gone.status_code == 404 and "inconnu ou révoqué" in gone.content.decode()
    assert Client().get(second).status_code == 200
    page = client.post(f"{CALENDAR}abonnement/", {"action": "revoquer"}, follow=True).content.decode()
    assert "Le lien d&#x27;abonnement est révoqué" in page
    assert Client().get(second).status_code == 404
    assert not FeedToken.objects.filter(user=member).exists()


def test_the_feed_stops_when_its_owner_leaves_the_structure_or_is_deactivated(client, member):
    path = make_link(client)
    Membership.objects.filter(user=member).delete()
    assert Client().get(path).status_code == 404
    Membership.objects.create(user=member, structure=structure("cio", name="CIO d'Albi"), role="conseiller")
    assert Client().get(path).status_code == 200
    member.is_active = False
    member.save()
    assert Client().get(path).status_code == 404


def test_an_unknown_action_is_refused_in_french_and_writes_nothing(client, member):
    for data in ({}, {"action": "tout"}, {"action": "\x00"}):
        response = client.post(f"{CALENDAR}abonnement/", data)
        assert response.status_code == 400 and "Action inconnue" in response.content.decode()
    assert not FeedToken.objects.exists()
    assert client.get(f"{CALENDAR}abonnement/").status_code == 405


def test_a_hostile_token_is_a_404_not_an_error():
    for token in ("x" * 5000, "%00", "é" * 10):
        assert Client().get(f"/agenda/professionnels/{token}/flux.ics").status_code == 404
