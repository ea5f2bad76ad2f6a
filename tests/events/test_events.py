"""Events of the agenda (issue 20): times across daylight-saving changes, validation of places and ROME
domains, moderation of non-members, registration with a place limit, purge once over, iCalendar."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from icalendar import Calendar

from spro.events import ics, workflow
from spro.events.models import Attendee, Audience, Event, Registration, State
from spro.events.rules import validate_rome_domains
from spro.events.search import search
from spro.labels.status import refresh_status
from tests.directory.factories import structure
from tests.events.factories import event, paris

pytestmark = pytest.mark.django_db


def test_a_paris_time_keeps_its_wall_clock_across_the_spring_and_autumn_changes():
    before = event("Avant le changement d'heure", start=paris(2027, 3, 27, 10), end=paris(2027, 3, 27, 12))
    after = event("Après le changement d'heure", start=paris(2027, 3, 28, 10), end=paris(2027, 3, 28, 12))
    autumn = event("Automne", start=paris(2026, 10, 25, 10), end=paris(2026, 10, 25, 12))
    before.refresh_from_db(), after.refresh_from_db(), autumn.refresh_from_db()
    assert before.start.astimezone(UTC).hour == 9  # UTC+1 in winter
    assert after.start.astimezone(UTC).hour == 8  # UTC+2 in summer
    assert autumn.start.astimezone(UTC).hour == 9  # back to UTC+1 on the last Sunday of October
    assert [e.start_local.hour for e in (before, after, autumn)] == [10, 10, 10]


def test_an_event_spanning_the_night_of_the_change_lasts_its_real_duration():
    night = event("Nuit de l'orientation", start=paris(2027, 3, 27, 20), end=paris(2027, 3, 28, 8))
    night.refresh_from_db()
    assert night.end - night.start == timedelta(hours=11)  # one hour goes missing at 2 a.m.


@pytest.mark.parametrize("codes", [["A"], ["N"], ["D11"], ["A", "M18"]])
def test_rome_domains_are_a_grand_domaine_letter_or_a_domaine_professionnel(codes):
    validate_rome_domains(codes)


@pytest.mark.parametrize("codes", [["O"], ["d11"], ["D1"], ["D111"], ["D1101"], "D11", [11], ["A", "A"]])
def test_other_rome_codes_are_refused_in_french(codes):
    with pytest.raises(ValidationError) as error:
        validate_rome_domains(codes)
    assert any("domaine" in message.lower() for message in error.value.messages)


def test_an_event_needs_a_place_or_a_link_and_an_end_after_its_start():
    owner = structure("cio", name="CIO de Toulouse")
    nowhere = Event(
        structure=owner,
        title="Sans lieu",
        kind="atelier",
        start=paris(2027, 1, 5, 10),
        end=paris(2027, 1, 5, 9),
    )
    with pytest.raises(ValidationError) as error:
        nowhere.full_clean()
    assert error.value.message_dict["end"] == ["La fin doit venir après le début."]
    assert "lien en ligne" in error.value.message_dict["commune"][0]


def test_a_spro_registration_needs_a_place_limit_and_an_external_one_a_link():
    with pytest.raises(ValidationError) as error:
        event(registration=Registration.SPRO)
    assert error.value.message_dict["capacity"] == ["Indiquez le nombre de places."]
    with pytest.raises(ValidationError) as error:
        event(registration=Registration.EXTERNAL)
    assert error.value.message_dict["registration_url"] == ["Indiquez le lien où s'inscrire."]


def test_the_place_takes_the_coordinates_of_its_commune_from_the_referential():
    forum = event(commune_code="81004")
    assert (forum.latitude, forum.longitude) == (forum.commune.latitude, forum.commune.longitude)
    assert forum.commune.name == "Albi"


def test_events_of_non_members_wait_for_the_region_when_moderation_is_on(settings):
    settings.SPRO_EVENTS_MODERATION = True
    outsider = structure("association-inconnue", name="Association du quartier")
    assert not workflow.is_member(outsider)
    held = event("Atelier CV", owner=outsider)
    assert held.state == State.PENDING
    assert not Event.objects.visible().filter(pk=held.pk).exists()
    workflow.moderate(held, approve=True, user=None, reason="Partenaire connu")
    assert held.state == State.PUBLISHED
    assert [c.action for c in held.changes.all()] == ["creation", "validation"]
    with pytest.raises(workflow.Refused, match="n'attend pas de validation"):
        workflow.moderate(held, approve=False, user=None)


def test_an_edited_event_of_a_non_member_goes_back_to_the_region(settings):
    settings.SPRO_EVENTS_MODERATION = True
    outsider = structure("association-inconnue", name="Association du quartier")
    held = event("Atelier CV", owner=outsider)
    workflow.moderate(held, approve=True, user=None)
    held.title = "Atelier CV et lettre de motivation"
    workflow.update(held, {"title": ["Atelier CV", held.title]})
    held.refresh_from_db()
    assert held.state == State.PENDING
    assert not Event.objects.visible().filter(pk=held.pk).exists()
    assert held.changes.last().action == "modification"
    assert held.changes.last().detail["state"] == [State.PUBLISHED, State.PENDING]
    workflow.moderate(held, approve=True, user=None)
    assert Event.objects.visible().filter(pk=held.pk).exists()


def test_a_refused_event_edited_by_a_non_member_is_submitted_again(settings):
    settings.SPRO_EVENTS_MODERATION = True
    held = event("Atelier CV", owner=structure("association-inconnue", name="Association du quartier"))
    workflow.moderate(held, approve=False, user=None, reason="Lieu manquant")
    workflow.update(held, {"address": ["", "12 rue du Port"]})
    assert held.state == State.PENDING


def test_an_edited_event_of_a_member_stays_published(settings):
    settings.SPRO_EVENTS_MODERATION = True
    cio = structure("cio", name="CIO de Toulouse")
    refresh_status(cio)  # a CIO is a member of right
    assert workflow.is_member(cio)
    forum = event("Forum des métiers", owner=cio)
    forum.title = "Forum des métiers et de l'alternance"
    workflow.update(forum, {"title": ["Forum des métiers", forum.title]})
    forum.refresh_from_db()
    assert forum.state == State.PUBLISHED
    assert "state" not in forum.changes.last().detail


def test_without_moderation_every_event_is_published_at_once(settings):
    settings.SPRO_EVENTS_MODERATION = False
    assert event(owner=structure("association-inconnue", name="Asso")).state == State.PUBLISHED


def test_registration_stops_when_the_event_is_full():
    forum = event(registration=Registration.SPRO, capacity=2)
    now = paris(2027, 3, 1, 9)
    workflow.register(forum, "Léa Martin", "lea@example.test", consent=True, now=now)
    with pytest.raises(workflow.Refused, match="déjà inscrit"):
        workflow.register(forum, "Léa Martin", "LEA@example.test", consent=True, now=now)
    workflow.register(forum, "Omar Diallo", "omar@example.test", consent=True, now=now)
    with pytest.raises(workflow.Refused, match="complet"):
        workflow.register(forum, "Tom Petit", "tom@example.test", consent=True, now=now)
    assert forum.places_left() == 0
    assert forum.attendees.count() == 2


def test_registration_needs_consent_and_an_open_event():
    forum = event(registration=Registration.SPRO, capacity=10)
    with pytest.raises(workflow.Refused, match="acceptez"):
        workflow.register(forum, "Léa", "lea@example.test", consent=False, now=paris(2027, 3, 1, 9))
    with pytest.raises(workflow.Refused, match="terminé"):
        workflow.register(forum, "Léa", "lea@example.test", consent=True, now=paris(2027, 3, 11, 9))
    workflow.cancel(forum, reason="Salle indisponible")
    with pytest.raises(workflow.Refused, match="pas ouvert"):
        workflow.register(forum, "Léa", "lea@example.test", consent=True, now=paris(2027, 3, 1, 9))
    assert Attendee.objects.count() == 0


def test_registrations_are_purged_once_the_event_is_over_and_the_purge_is_idempotent():
    forum = event(registration=Registration.SPRO, capacity=10)
    later = event(
        "Plus tard",
        registration=Registration.SPRO,
        capacity=10,
        start=paris(2027, 6, 1, 9),
        end=paris(2027, 6, 1, 12),
    )
    for target in (forum, later):
        workflow.register(target, "Léa", "lea@example.test", consent=True, now=paris(2027, 3, 1, 9))
    with time_machine.travel(paris(2027, 3, 10, 16, 59), tick=False):
        call_command("purge-evenements")
        assert forum.attendees.count() == 1  # not over yet
    with time_machine.travel(paris(2027, 3, 10, 17, 0), tick=False):
        call_command("purge-evenements")
        call_command("purge-evenements")
    assert forum.attendees.count() == 0
    assert later.attendees.count() == 1
    assert [c.detail for c in forum.changes.filter(action="purge-inscriptions")] == [{"count": 1}]


def test_the_ics_file_reads_back_with_utc_times_and_cancelled_events_say_so():
    summer = event(
        "Portes ouvertes", kind="portes-ouvertes", start=paris(2027, 6, 5, 9, 30), end=paris(2027, 6, 5, 12)
    )
    cancelled = event("Forum annulé")
    workflow.cancel(cancelled, reason="Intempéries")
    parsed = Calendar.from_ical(ics.calendar([summer, cancelled], "Agenda du SPRO", "https://spro.test"))
    items = {str(item["summary"]): item for item in parsed.walk("VEVENT")}
    assert items["Portes ouvertes"].decoded("dtstart") == datetime(2027, 6, 5, 7, 30, tzinfo=UTC)
    assert str(items["Portes ouvertes"]["status"]) == "CONFIRMED"
    assert str(items["Portes ouvertes"]["url"]) == f"https://spro.test/agenda/{summer.pk}/"
    assert "Toulouse" in str(items["Portes ouvertes"]["location"])
    assert str(items["Forum annulé"]["status"]) == "CANCELLED"
    assert str(parsed["x-wr-calname"]) == "Agenda du SPRO"


def test_the_bounding_box_finds_events_near_a_point_only():
    toulouse = event("À Toulouse")
    albi = event("À Albi", commune_code="81004")
    near = Event.objects.in_box(toulouse.latitude, toulouse.longitude, 20)
    assert list(near) == [toulouse]
    assert set(Event.objects.in_box(toulouse.latitude, toulouse.longitude, 80)) == {toulouse, albi}


def test_past_events_drop_off_the_upcoming_list():
    over = event("Passé", start=paris(2027, 1, 5, 9), end=paris(2027, 1, 5, 12))
    coming = event("À venir")
    assert list(Event.objects.visible().upcoming(paris(2027, 2, 1, 0))) == [coming]
    assert over not in Event.objects.upcoming(paris(2027, 2, 1, 0))


NOW = paris(2027, 2, 1, 9)


def test_the_agenda_filters_by_kind_public_need_domain_and_dates():
    forum = event("Forum", publics=["eleve", "16-25"], themes=["decouvrir-metiers"], rome_domains=["D11"])
    atelier = event(
        "Atelier",
        kind="atelier",
        publics=["demandeur-emploi"],
        themes=["trouver-emploi"],
        rome_domains=["N"],
        start=paris(2027, 4, 2, 9),
        end=paris(2027, 4, 2, 12),
    )

    def titles(**params):
        result = search({key: str(value) for key, value in params.items()}, now=NOW)
        assert result.errors == {}
        return [e.title for e in result.events]

    assert titles() == ["Forum", "Atelier"]
    assert titles(type="atelier") == ["Atelier"]
    assert titles(public="16-25") == ["Forum"]
    assert titles(besoin="trouver-emploi") == ["Atelier"]
    assert titles(domaine="D") == titles(domaine="D11") == ["Forum"]
    assert titles(domaine="D12") == []
    assert titles(du="2027-03-11") == ["Atelier"]
    assert titles(au="2027-03-10") == ["Forum"]  # `au` includes its whole day
    assert titles(du="2027-04-02", au="2027-04-02") == ["Atelier"]
    assert forum and atelier


def test_the_agenda_searches_around_a_commune_within_a_radius():
    event("À Toulouse")
    event("À Albi", commune_code="81004")  # about 67 km from Toulouse
    assert [e.title for e in search({"commune": "31555"}, now=NOW).events] == ["À Toulouse"]
    assert len(search({"commune": "31555", "rayon": "80"}, now=NOW).events) == 2


def test_professionals_only_events_are_listed_for_professionals_only():
    event("Réseau des conseillers", audience=Audience.PROFESSIONALS)
    assert search({}, now=NOW).events == []
    assert [e.title for e in search({}, now=NOW, professionals=True).events] == ["Réseau des conseillers"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"type": "fete"}, "type"),
        ({"public": "x\\x00"}, "public"),
        ({"domaine": "Z99"}, "domaine"),
        ({"du": "demain"}, "du"),
        ({"commune": "99999"}, "commune"),
        ({"rayon": "nan"}, "rayon"),
        ({"rayon": "1e309"}, "rayon"),
        ({"commune": "3" * 100_000}, "commune"),
    ],
)
def test_malformed_filters_are_reported_in_french(params, field):
    result = search(params, now=NOW)
    assert result.events == []
    assert field in result.errors


def test_an_event_begun_long_ago_but_not_over_is_still_listed():
    """The search bounds the start by the longest event not over: a three-week exhibition begun before a
    crowd of short events is found, and disappears once it is over."""
    event("Exposition des métiers", start=paris(2027, 2, 15, 9), end=paris(2027, 3, 8, 18))
    for day in range(1, 20):
        event(f"Atelier du {day}", start=paris(2027, 2, day, 9), end=paris(2027, 2, day, 11))
    event("Atelier de mars", start=paris(2027, 3, 2, 9), end=paris(2027, 3, 2, 11))
    at = paris(2027, 3, 1, 12)
    assert [e.title for e in search({}, now=at).events] == ["Exposition des métiers", "Atelier de mars"]
    assert [e.title for e in search({"du": "2027-03-05"}, now=at).events] == ["Exposition des métiers"]
    assert [e.title for e in search({}, now=paris(2027, 3, 8, 18)).events] == []


@pytest.mark.parametrize("rayon", ["5", "80"])  # the box's index, or the walk in start order
def test_a_page_of_the_search_and_its_total(rayon):
    for day in range(1, 8):
        event(f"Forum {day}", start=paris(2027, 4, day, 9), end=paris(2027, 4, day, 12))
    event("À Albi", commune_code="81004", start=paris(2027, 4, 3, 14), end=paris(2027, 4, 3, 15))
    params = {"commune": "31555", "rayon": rayon}
    first = search(params, now=NOW, limit=3, with_total=True)
    second = search(params, now=NOW, limit=3, offset=3)
    expected = [f"Forum {day}" for day in range(1, 8)]
    if rayon == "80":
        expected.insert(3, "À Albi")
    assert first.total == len(expected)
    assert [e.title for e in first.events + second.events] == expected[:6]
    assert search({}, now=NOW, limit=2, offset=6, with_total=True).total == 8
    assert [e.title for e in search({}, now=NOW, limit=2, offset=6).events] == ["Forum 6", "Forum 7"]


def test_a_date_at_the_end_of_the_calendar_is_refused_not_raised():
    assert "au" in search({"au": "9999-12-31"}, now=NOW).errors
