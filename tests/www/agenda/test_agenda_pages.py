"""The agenda on screen (issue 20): the public search and its filters, an event's page with JSON-LD
and its registration form, the iCalendar files parsed back, members publishing, editing, cancelling
and reading their attendees, the Région's moderation, GET /api/v1/evenements, hostile input."""

import json
import re
from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from icalendar import Calendar

from spro.events import workflow
from spro.events.models import PARIS, Attendee, Audience, Event, Registration, State
from tests.accounts import factories as accounts
from tests.directory.factories import ALBI, TOULOUSE, structure
from tests.events.factories import event, paris
from tests.forms import form_token, post_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2027, 1, 15, 10, 0, tzinfo=PARIS), tick=True):
        yield


def titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="fr-h5 fr-mb-1w"><a href="/agenda/\d+/">([^<]+)</a>', response.content.decode()
    )


def row_counts() -> dict:
    skip = {"core.RateCounter", "core.UsedFormToken", "sessions.Session"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label not in skip}


# --- search ------------------------------------------------------------------------------------------


def test_the_agenda_lists_upcoming_public_events_in_start_order_and_drops_past_and_pro_only_ones(client):
    event("Forum de printemps", start=paris(2027, 4, 2, 9), end=paris(2027, 4, 2, 17))
    event("Atelier CV", kind="atelier", start=paris(2027, 2, 1, 14), end=paris(2027, 2, 1, 16))
    event("Forum passé", start=paris(2026, 11, 5, 9), end=paris(2026, 11, 5, 12))
    event("Réunion de réseau", audience=Audience.PROFESSIONALS)
    response = client.get("/agenda/")
    assert response.status_code == 200
    assert titles(response) == ["Atelier CV", "Forum de printemps"]
    assert "2 événements à venir" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("type=atelier", ["Atelier CV"]),
        ("public=16-25", ["Forum des jeunes"]),
        ("besoin=trouver-emploi", ["Job dating"]),
        ("domaine=D", ["Forum des jeunes"]),
        ("domaine=D11", ["Forum des jeunes"]),
        ("du=2027-03-01", ["Job dating", "Forum des jeunes"]),
        ("au=2027-02-28", ["Atelier CV"]),
        ("du=2027-03-10&au=2027-03-10", ["Job dating"]),
        (f"commune={ALBI}&rayon=10", ["Forum des jeunes"]),
        ("commune=Albi&rayon=10", ["Forum des jeunes"]),
    ],
)
def test_each_filter_of_the_search(client, query, expected):
    event("Atelier CV", kind="atelier", start=paris(2027, 2, 1, 14), end=paris(2027, 2, 1, 16))
    event("Job dating", kind="job-dating", themes=["trouver-emploi"], start=paris(2027, 3, 10, 9))
    event(
        "Forum des jeunes",
        commune_code=ALBI,
        publics=["16-25"],
        rome_domains=["D11"],
        start=paris(2027, 3, 20, 9),
        end=paris(2027, 3, 20, 17),
    )
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("type=inconnu", "Ce type d&#x27;événement n&#x27;existe pas"),
        ("domaine=Z99", "Code ROME invalide"),
        ("du=2027-13-45", "Date invalide"),
        ("commune=Nullepart-sur-Rien", "Commune inconnue"),
        ("rayon=1e999", "Cette distance n&#x27;existe pas"),
        ("du=2027-03-10&au=2027-03-01", "La date de fin doit venir après"),
        ("commune=" + "a" * 100_000, "Assurez-vous"),
        ("type=%00", "n&#x27;existe pas"),
    ],
)
def test_wrong_filters_are_reported_in_french_with_a_400(client, query, message):
    event("Atelier CV", kind="atelier")
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html or message.lower() in html.lower()
    assert titles(response) == []


def test_the_list_is_paginated_and_pages_keep_the_filters(client):
    owner = structure("cio", name="CIO de Toulouse")
    for day in range(1, 26):
        event(
            f"Atelier {day:02d}",
            owner=owner,
            kind="atelier",
            start=paris(2027, 3, day, 9),
            end=paris(2027, 3, day, 10),
        )
    first = client.get("/agenda/?type=atelier")
    assert len(titles(first)) == 20
    assert "type=atelier&amp;page=2" in first.content.decode()
    second = client.get("/agenda/?type=atelier&page=2")
    assert titles(second) == [f"Atelier {day}" for day in range(21, 26)]


def test_a_cancelled_event_stays_listed_and_says_so(client):
    gone = event("Salon annulé")
    workflow.cancel(gone, reason="Salle indisponible")
    html = client.get("/agenda/").content.decode()
    assert "Salon annulé" in html and "Annulé" in html
    page = client.get(f"/agenda/{gone.pk}/").content.decode()
    assert "Cet événement est annulé" in page and "Salle indisponible" in page


# --- the event page ----------------------------------------------------------------------------------


def test_the_event_page_shows_place_dates_publics_organiser_and_json_ld(client):
    shown = event(
        "Forum des métiers",
        publics=["16-25"],
        themes=["trouver-emploi"],
        accessibility=["fauteuil"],
        start=paris(2027, 3, 28, 9),
        end=paris(2027, 3, 28, 17),
    )
    response = client.get(f"/agenda/{shown.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Forum des métiers</h1>" in html
    assert "dimanche 28 mars 2027, de 09h00" in html and "17h00" in html
    assert "Place du Capitole, Toulouse" in html
    assert "16 à 25 ans" in html and "Accessible en fauteuil roulant" in html
    assert shown.structure.name in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Event" and data["name"] == "Forum des métiers"
    assert data["startDate"] == "2027-03-28T09:00:00+02:00"  # summer time from that morning on
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["address"]["addressLocality"] == "Toulouse"


def test_pending_refused_and_pro_only_events_are_hidden_from_the_public(client, settings):
    settings.SPRO_EVENTS_MODERATION = True
    held = event("En attente", owner=structure("association-inconnue", name="Asso du quartier"))
    pro = event("Rencontre de réseau", audience=Audience.PROFESSIONALS)
    assert held.state == State.PENDING
    assert client.get(f"/agenda/{held.pk}/").status_code == 404
    assert client.get(f"/agenda/{pro.pk}/").status_code == 404
    member = accounts.member(pro.structure, "conseiller@cio.test")
    client.force_login(member)
    assert client.get(f"/agenda/{pro.pk}/").status_code == 200
    assert client.get(f"/agenda/{held.pk}/").status_code == 404  # another structure's pending event


# --- registration ------------------------------------------------------------------------------------


def open_event(capacity=2, **fields):
    return event("Atelier inscription", registration=Registration.SPRO, capacity=capacity, **fields)


def test_a_person_registers_with_name_email_and_consent(client):
    workshop = open_event()
    url = f"/agenda/{workshop.pk}/"
    assert "2 places restantes" in client.get(url).content.decode()
    response = post_form(
        client, url, {"name": "Camille Martin", "email": "Camille@Exemple.fr", "consent": "on"}
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/agenda/{workshop.pk}/inscription-enregistree/"
    )
    person = Attendee.objects.get()
    assert (person.name, person.email, person.event) == ("Camille Martin", "camille@exemple.fr", workshop)
    assert "Vous êtes inscrit ou inscrite" in client.get(response["Location"]).content.decode()


def test_without_consent_nothing_is_written(client):
    workshop = open_event()
    response = post_form(client, f"/agenda/{workshop.pk}/", {"name": "Camille", "email": "c@exemple.fr"})
    assert response.status_code == 422
    assert "acceptez que l&#x27;organisateur reçoive votre nom" in response.content.decode()
    assert not Attendee.objects.exists()


def test_a_double_submit_registers_once(client):
    workshop = open_event()
    url = f"/agenda/{workshop.pk}/"
    data = {
        "name": "Camille",
        "email": "c@exemple.fr",
        "consent": "on",
        "form_token": form_token(client, url),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Attendee.objects.count() == 1


def test_the_same_email_cannot_register_twice(client):
    workshop = open_event()
    url = f"/agenda/{workshop.pk}/"
    post_form(client, url, {"name": "Camille", "email": "c@exemple.fr", "consent": "on"})
    again = post_form(client, url, {"name": "Camille", "email": "C@exemple.fr", "consent": "on"})
    assert again.status_code == 422
    assert "déjà inscrit" in again.content.decode()
    assert Attendee.objects.count() == 1


def test_a_full_event_refuses_registrations(client):
    workshop = open_event(capacity=1)
    url = f"/agenda/{workshop.pk}/"
    token = form_token(client, url)
    post_form(client, url, {"name": "Première", "email": "p@exemple.fr", "consent": "on"})
    assert "complet" in client.get(url).content.decode()
    late = client.post(
        url, {"name": "Seconde", "email": "s@exemple.fr", "consent": "on", "form_token": token}
    )
    assert late.status_code == 422
    assert "complet" in late.content.decode()
    assert Attendee.objects.count() == 1


def test_a_cancelled_event_takes_no_registration(client):
    workshop = open_event()
    url = f"/agenda/{workshop.pk}/"
    token = form_token(client, url)
    workflow.cancel(workshop)
    assert 'name="email"' not in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Camille", "email": "c@exemple.fr", "consent": "on", "form_token": token}
    )
    assert response.status_code == 400
    assert not Attendee.objects.exists()


def test_registrations_are_rate_limited(settings):
    settings.SPRO_FORM_MAX_PER_SESSION = 2
    workshop = open_event(capacity=50)
    url = f"/agenda/{workshop.pk}/"
    visitor = Client()
    statuses = [
        post_form(visitor, url, {"name": f"P{n}", "email": f"p{n}@exemple.fr", "consent": "on"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Attendee.objects.count() == 2


@pytest.mark.parametrize("name", ["\x00", "ab\x00cd", "a" * 100_000])
def test_hostile_names_are_refused_and_nothing_is_written(client, name):
    workshop = open_event()
    before = row_counts()
    response = post_form(
        client, f"/agenda/{workshop.pk}/", {"name": name, "email": "c@exemple.fr", "consent": "on"}
    )
    assert response.status_code == 422
    assert row_counts() == before


# --- iCalendar ---------------------------------------------------------------------------------------


def test_the_event_file_and_the_feed_parse_back_with_their_times_and_statuses(client):
    kept = event("Forum", start=paris(2027, 3, 27, 10), end=paris(2027, 3, 27, 12))
    gone = event("Salon", start=paris(2027, 3, 28, 10), end=paris(2027, 3, 28, 12))
    workflow.cancel(gone)
    event("Pour les pros", audience=Audience.PROFESSIONALS)
    single = client.get(f"/agenda/{kept.pk}/evenement.ics")
    assert single["Content-Type"].startswith("text/calendar")
    assert "attachment" in single["Content-Disposition"]
    (item,) = Calendar.from_ical(single.content).walk("VEVENT")
    assert item.decoded("dtstart") == paris(2027, 3, 27, 10)
    feed = Calendar.from_ical(client.get("/agenda/flux.ics").content)
    statuses = {str(e["summary"]): str(e["status"]) for e in feed.walk("VEVENT")}
    assert statuses == {"Forum": "CONFIRMED", "Salon": "CANCELLED"}
    assert [e.decoded("dtstart").astimezone(PARIS).hour for e in feed.walk("VEVENT")] == [10, 10]


def test_the_feed_takes_the_filters_of_the_search_and_refuses_wrong_ones(client):
    event("Atelier", kind="atelier")
    event("Forum à Albi", commune_code=ALBI)
    feed = Calendar.from_ical(client.get(f"/agenda/flux.ics?commune={TOULOUSE}&rayon=20").content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Atelier"]
    wrong = client.get("/agenda/flux.ics?type=inconnu")
    assert wrong.status_code == 400 and "Filtres invalides" in wrong.content.decode()


def test_a_structure_has_its_own_feed(client):
    mine = event("Le mien")
    event("Un autre")
    feed = Calendar.from_ical(client.get(f"/agenda/structures/{mine.structure_id}/flux.ics").content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Le mien"]


# --- members -----------------------------------------------------------------------------------------


EVENT_DATA = {
    "title": "Portes ouvertes du CIO",
    "kind": "portes-ouvertes",
    "description": "Venez découvrir le CIO.",
    "start": "2027-03-28T10:00",
    "end": "2027-03-28T16:00",
    "address": "2 rue du Taur",
    "commune": "Toulouse",
    "audience": "public",
    "publics": ["16-25", "eleve"],
    "themes": ["orientation-etudes"],
    "rome_domains": "d11, A",
    "registration": "spro",
    "capacity": "30",
}


@pytest.fixture
def cio():
    return structure("cio", name="CIO de Toulouse")


@pytest.fixture
def adviser(client, cio):
    client.force_login(accounts.member(cio, "conseiller@cio.test"))
    return client


def test_a_member_publishes_an_event_of_their_structure(adviser, cio, settings):
    settings.SPRO_EVENTS_MODERATION = False
    url = f"/espace-pro/agenda/structures/{cio.pk}/nouveau/"
    response = post_form(adviser, url, EVENT_DATA)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Event.objects.get()
    assert created.structure == cio and created.state == State.PUBLISHED
    assert created.start == paris(2027, 3, 28, 10)  # read in Paris time
    assert created.commune_id == TOULOUSE and created.latitude is not None
    assert created.rome_domains == ["D11", "A"]
    assert [c.action for c in created.changes.all()] == ["creation"]


def test_a_wrong_event_is_refused_with_422_and_nothing_is_written(adviser, cio):
    url = f"/espace-pro/agenda/structures/{cio.pk}/nouveau/"
    bad = {**EVENT_DATA, "end": "2027-03-28T09:00", "rome_domains": "Z1", "capacity": "1e999"}
    response = post_form(adviser, url, bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Code ROME de domaine invalide" in html
    assert not Event.objects.exists()
    no_place = {**EVENT_DATA, "commune": "", "address": ""}
    response = post_form(adviser, url, no_place)
    assert response.status_code == 422 and "Indiquez un lieu" in response.content.decode()


def test_events_of_a_non_member_wait_for_the_region_then_are_moderated(client, settings):
    settings.SPRO_EVENTS_MODERATION = True
    outsider = structure("association-inconnue", name="Association du quartier")
    client.force_login(accounts.member(outsider, "benevole@asso.test"))
    post_form(client, f"/espace-pro/agenda/structures/{outsider.pk}/nouveau/", EVENT_DATA)
    held = Event.objects.get()
    assert held.state == State.PENDING
    assert titles(Client().get("/agenda/")) == []
    region = Client()
    agent = accounts.region_instructor()
    accounts.login_verified(region, agent)
    page = region.get("/region/agenda/").content.decode()
    assert "Portes ouvertes du CIO" in page
    refused = region.post(f"/region/agenda/{held.pk}/moderer/", {f"e{held.pk}-decision": "refuser"})
    assert refused.status_code == 422 and "Indiquez le motif du refus" in refused.content.decode()
    approved = region.post(f"/region/agenda/{held.pk}/moderer/", {f"e{held.pk}-decision": "valider"})
    assert approved.status_code == 302
    held.refresh_from_db()
    assert held.state == State.PUBLISHED
    assert [c.action for c in held.changes.all()] == ["creation", "validation"]
    assert titles(Client().get("/agenda/")) == ["Portes ouvertes du CIO"]


def test_an_approved_event_of_a_non_member_edited_waits_for_the_region_again(client, settings):
    settings.SPRO_EVENTS_MODERATION = True
    outsider = structure("association-inconnue", name="Association du quartier")
    client.force_login(accounts.member(outsider, "benevole@asso.test"))
    post_form(client, f"/espace-pro/agenda/structures/{outsider.pk}/nouveau/", EVENT_DATA)
    held = Event.objects.get()
    workflow.moderate(held, approve=True, user=None)
    assert titles(Client().get("/agenda/")) == ["Portes ouvertes du CIO"]
    edited = {**EVENT_DATA, "title": "Portes ouvertes et ateliers"}
    response = client.post(f"/espace-pro/agenda/{held.pk}/modifier/", edited, follow=True)
    assert "sera de nouveau publié quand la Région" in response.content.decode()
    held.refresh_from_db()
    assert held.state == State.PENDING
    assert titles(Client().get("/agenda/")) == []
    assert [c.action for c in held.changes.all()] == ["creation", "validation", "modification"]


def test_a_member_edits_then_cancels_and_each_change_is_logged(adviser, cio):
    mine = event("Atelier CV", owner=cio, kind="atelier")
    edit = f"/espace-pro/agenda/{mine.pk}/modifier/"
    assert adviser.get(edit).status_code == 200
    data = {**EVENT_DATA, "title": "Atelier CV et lettre", "registration": "libre", "capacity": ""}
    assert adviser.post(edit, data).status_code == 302
    mine.refresh_from_db()
    assert mine.title == "Atelier CV et lettre"
    change = mine.changes.get(action="modification")
    assert change.detail["changes"]["title"] == ["Atelier CV", "Atelier CV et lettre"]
    assert (
        adviser.post(
            f"/espace-pro/agenda/{mine.pk}/annuler/", {"reason": "Intervenant malade", "confirm": "on"}
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.state == State.CANCELLED
    assert adviser.get(edit).status_code == 400


def test_another_structure_cannot_touch_the_event(client, cio):
    theirs = event("Atelier", owner=cio)
    other = structure("mission-locale", name="Mission locale")
    client.force_login(accounts.member(other, "conseiller@ml.test"))
    for url in (f"/espace-pro/agenda/{theirs.pk}/modifier/", f"/espace-pro/agenda/{theirs.pk}/inscrits/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/espace-pro/agenda/{theirs.pk}/annuler/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.PUBLISHED


def test_members_read_and_export_their_attendees_and_the_region_does_not(adviser, cio):
    workshop = open_event(owner=cio)
    workflow.register(workshop, "Camille Martin", "camille@exemple.fr", True)
    workflow.register(workshop, '=HYPERLINK("x")', "formule@exemple.fr", True)
    url = f"/espace-pro/agenda/{workshop.pk}/inscrits/"
    html = adviser.get(url).content.decode()
    assert "Camille Martin" in html and "camille@exemple.fr" in html
    export = adviser.get(url + "?format=csv")
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    text = export.content.decode("utf-8-sig")
    assert "Camille Martin" in text and "'=HYPERLINK" in text
    assert adviser.get(url + "?format=exe").status_code == 400
    region = Client()
    accounts.login_verified(region, accounts.region_admin())
    assert region.get(url).status_code == 403


# --- API ---------------------------------------------------------------------------------------------


def test_the_api_lists_events_with_the_same_filters(client):
    event("Atelier CV", kind="atelier", start=paris(2027, 2, 1, 14), end=paris(2027, 2, 1, 16))
    event("Forum à Albi", commune_code=ALBI)
    body = client.get("/api/v1/evenements").json()
    assert body["total"] == 2
    assert [item["titre"] for item in body["items"]] == ["Atelier CV", "Forum à Albi"]
    first = body["items"][0]
    assert first["debut"] == "2027-02-01T14:00:00+01:00" and first["type"] == "atelier"
    assert first["url"].endswith(f"/agenda/{Event.objects.get(title='Atelier CV').pk}/")
    near = client.get(f"/api/v1/evenements?commune={ALBI}&rayon=10").json()
    assert [item["titre"] for item in near["items"]] == ["Forum à Albi"]
    wrong = client.get("/api/v1/evenements?domaine=Z")
    assert wrong.status_code == 422 and wrong.json()["erreurs"][0]["champ"] == "domaine"
    assert client.get("/api/v1/evenements?type=%00").status_code == 422


def test_the_professional_calendar_also_lists_pro_only_events(adviser, cio):
    event("Forum public")
    event("Rencontre du réseau", audience=Audience.PROFESSIONALS, kind="professionnels")
    assert titles(adviser.get("/espace-pro/agenda/calendrier/")) == ["Forum public", "Rencontre du réseau"]
    assert adviser.get("/api/v1/evenements").json()["total"] == 1  # the open data stays public


def test_a_member_sees_the_events_of_their_structures(adviser, cio):
    event("Le nôtre", owner=cio)
    event("Celui des autres")
    html = adviser.get("/espace-pro/agenda/").content.decode()
    assert "Le nôtre" in html and "Celui des autres" not in html
    assert f"/espace-pro/agenda/structures/{cio.pk}/nouveau/" in html


def test_the_home_page_shows_the_next_public_events_and_links_to_the_agenda(client):
    for day in (3, 1, 2, 4):
        event(f"Forum {day}", start=paris(2027, 2, day, 9), end=paris(2027, 2, day, 12))
    event("Réseau des conseillers", audience=Audience.PROFESSIONALS, start=paris(2027, 1, 20, 9))
    html = client.get("/").content.decode()
    section = html.split('id="entree-agenda"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="/agenda/\d+/">([^<]+)</a>', section) == ["Forum 1", "Forum 2", "Forum 3"]
    assert "lundi 1 février 2027, Toulouse" in section
    assert 'href="/agenda/">Voir tout l&#x27;agenda</a>' in section or "Voir tout l'agenda</a>" in section


def test_the_main_navigation_leads_to_the_agenda_and_the_metiers(client):
    nav = client.get("/").content.decode().split('id="navigation-principale"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/agenda/"' in nav and 'href="/metiers/"' in nav
    current = client.get("/agenda/").content.decode().split('id="navigation-principale"', 1)[1]
    assert 'href="/agenda/" aria-current="page">Agenda</a>' in current
