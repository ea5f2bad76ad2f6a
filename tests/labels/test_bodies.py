"""Regional bodies and their rhythm, as the Région's profile states it (spro/labels/profiles/*.json):
COPIL SPRO at least yearly, GT Orientation every two months in Auvergne-Rhône-Alpes, the CLEFOP group
yearly in Pays de la Loire, and in Occitanie a comité de suivi per Midi-Pyrénées département, at least
yearly and ahead of the COPIL. A late body is flagged on /region/comites/ and the daily
`spro echeances-labels` e-mails the Région once per missed due date, tested across a year with time
frozen. Members and opinions (avis) on texts are recorded from the body's and the session's pages; a
member's departure too (not before they joined, not after today, once), then they are listed apart.
Midi-Pyrénées' Cité des métiers network: a site central, at most two centres associés per département
(a third is refused in French), points relais; each tier's offer and its guarantor on the public page."""

import html
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spro.labels import bodies
from spro.labels.models import BodyReminder, CommitteeMember, CommitteeSession, NetworkTier, TextOpinion
from spro.labels.states import InvalidTransition
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import form_token, post_form
from tests.labels import factories as labels

pytestmark = pytest.mark.django_db

MIDI_PYRENEES = ["09", "12", "31", "32", "46", "65", "81", "82"]


@pytest.fixture
def agent():
    return labels.instructor()


@pytest.fixture
def staff(client, agent):
    accounts.login_verified(client, agent)
    return client


def held(region_code, code, *days):
    committee = bodies.body(region_code, code)
    for day in days:
        CommitteeSession.objects.create(committee=committee, held_on=day)
    return committee


def page_on(client, agent, day, url) -> str:
    """The page at `url` as a Région agent signed in on `day`, time frozen."""
    with time_machine.travel(day, tick=False):
        accounts.login_verified(client, agent)
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def post_from(client, page_url, action_url, data):
    """Post a form of the page at `page_url` to `action_url`, with the page's one-time token."""
    return client.post(action_url, {**data, "form_token": form_token(client, page_url)})


def reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Instance à réunir")]


def daily(region_code, first: date, last: date, settings) -> list[date]:
    """Run `spro echeances-labels` every day from `first` to `last`, time frozen on each; the days it
    e-mailed the Région about a body."""
    settings.SPRO_REGION = region_code
    days = []
    day = first
    while day <= last:
        before = BodyReminder.objects.count()
        with time_machine.travel(day, tick=False):
            call_command("echeances-labels", stdout=open("/dev/null", "w"))
        if BodyReminder.objects.count() > before:
            days.append(day)
        day += timedelta(days=1)
    return days


# --- the rhythm as data ------------------------------------------------------------------------------


def test_each_region_profile_states_its_bodies_rhythm():
    rhythm = {r: {s["code"]: s["every_months"] for s in bodies.body_specs(r)} for r in ("84", "52", "76")}
    assert rhythm["84"]["copil-spro"] == 12
    assert rhythm["84"]["gt-orientation"] == 2
    assert rhythm["52"]["groupe-technique-clefop"] == 12
    assert rhythm["76"]["copil-spro"] == 12
    departmental = [s for s in bodies.body_specs("76") if s["departement"]]
    assert [s["departement"] for s in departmental] == MIDI_PYRENEES
    assert all(s["before"] == "copil-spro" and s["every_months"] == 12 for s in departmental)
    assert departmental[2]["name"] == "Comité de suivi départemental — Haute-Garonne (31)"


def test_the_gt_orientation_is_late_two_months_after_its_last_session():
    held("84", "gt-orientation", date(2027, 1, 15))
    on = {r.spec["code"]: r for r in bodies.rhythms("84", date(2027, 3, 15))}["gt-orientation"]
    assert (on.last, on.due_on, on.overdue) == (date(2027, 1, 15), date(2027, 3, 15), False)
    late = {r.spec["code"]: r for r in bodies.rhythms("84", date(2027, 3, 16))}["gt-orientation"]
    assert late.overdue
    assert late.flags == ["En retard : une séance était attendue au plus tard le 15/03/2027"]
    held("84", "gt-orientation", date(2027, 3, 30))  # planned after the due date: still late
    planned = {r.spec["code"]: r for r in bodies.rhythms("84", date(2027, 3, 16))}["gt-orientation"]
    assert (planned.overdue, planned.next_planned) == (True, date(2027, 3, 30))
    # A body that never met is late until its first session is planned.
    assert {r.spec["code"]: r for r in bodies.rhythms("84", date(2027, 3, 16))}["copil-spro"].overdue
    held("84", "copil-spro", date(2027, 4, 2))
    assert not {r.spec["code"]: r for r in bodies.rhythms("84", date(2027, 3, 16))}["copil-spro"].overdue


def test_across_a_year_the_region_is_reminded_once_per_missed_due_date(settings, mailoutbox):
    """ARA, 2027: the COPIL meets in January; the GT Orientation meets in January, March and May, then
    skips July (due 15 July), meets in September, then skips November (due 15 November)."""
    accounts.region_instructor("agent@region.test")
    held("84", "copil-spro", date(2027, 1, 20))
    held("84", "gt-orientation", date(2027, 1, 15), date(2027, 3, 15), date(2027, 5, 15), date(2027, 9, 1))
    days = daily("84", date(2027, 1, 1), date(2027, 12, 31), settings)
    keys = sorted(BodyReminder.objects.values_list("body_code", "key"))
    assert keys == [
        ("gt-orientation", "2027-07-15"),
        ("gt-orientation", "2027-11-01"),
    ]
    assert days == [date(2027, 7, 16), date(2027, 11, 2)]
    sent = reminders(mailoutbox)
    assert len(sent) == 2
    assert sent[0].to == ["agent@region.test"]
    assert sent[0].subject == "Instance à réunir : Groupe de travail Orientation"
    assert "une séance était attendue au plus tard le 15/07/2027" in sent[0].body
    assert "tous les 2 mois" in sent[0].body
    # Run again on a day already done: nothing more.
    assert daily("84", date(2027, 11, 2), date(2027, 11, 2), settings) == []
    assert len(reminders(mailoutbox)) == 2
    # The COPIL of January 2028 is late from 21 January 2028 on.
    assert daily("84", date(2028, 1, 20), date(2028, 1, 22), settings) == [date(2028, 1, 21)]


def test_a_body_that_never_met_is_flagged_and_reminded_once(settings, mailoutbox):
    accounts.region_instructor("agent@region.test")
    assert daily("52", date(2027, 2, 1), date(2027, 2, 3), settings) == [date(2027, 2, 1)]
    assert set(BodyReminder.objects.values_list("body_code", "key")) == {
        ("copil-spro", "aucune-seance"),
        ("groupe-technique-clefop", "aucune-seance"),
    }
    assert len(reminders(mailoutbox)) == 2


def test_the_committees_page_flags_a_late_body(client, agent, settings):
    settings.SPRO_REGION = "84"
    held("84", "gt-orientation", date(2027, 1, 15))
    held("84", "copil-spro", date(2027, 1, 20))
    page = page_on(client, agent, date(2027, 4, 1), reverse("comites:index"))
    assert "Rythme des instances" in page
    assert "Une instance est en retard sur son rythme minimal" in page
    assert "En retard : une séance était attendue au plus tard le 15/03/2027" in page
    assert page.count("À jour") == 1  # the COPIL; the Commission OMSPP has no rhythm of its own
    assert "Selon les dossiers" in page


# --- departmental committees ahead of the COPIL (Midi-Pyrénées) ----------------------------------------


def test_a_departement_with_no_meeting_ahead_of_the_copil_is_flagged_and_reminded(
    client, agent, settings, mailoutbox
):
    settings.SPRO_REGION = "76"
    accounts.region_instructor("agent@region.test")
    held("76", "copil-spro", date(2026, 6, 10), date(2027, 6, 15))
    for code in MIDI_PYRENEES:
        held("76", f"comite-suivi-departemental-{code}", date(2026, 11, 5))
    held("76", "comite-suivi-departemental-31", date(2027, 3, 1))
    page = page_on(client, agent, date(2027, 4, 1), reverse("comites:index"))
    assert page.count("Aucune séance enregistrée avant le COPIL du 15/06/2027") == 0  # within a year
    # A year before the COPIL of 15 June 2027 starts on 15 June 2026: the November meetings count.
    CommitteeSession.objects.filter(
        committee__code__startswith="comite-suivi-departemental-", held_on=date(2026, 11, 5)
    ).exclude(committee__code="comite-suivi-departemental-81").update(held_on=date(2026, 5, 5))
    page = page_on(client, agent, date(2027, 4, 1), reverse("comites:index"))
    # 31 met in March 2027, 81 in November 2026; the six others last met in May 2026.
    assert page.count("Aucune séance enregistrée avant le COPIL du 15/06/2027") == 6
    rhythms = {
        r.spec["departement"]: r for r in bodies.rhythms("76", date(2027, 4, 1)) if r.spec["departement"]
    }
    assert sorted(d for d, r in rhythms.items() if r.before_gap) == ["09", "12", "32", "46", "65", "82"]
    # Reminded from 60 days before the COPIL (16 April 2027), once per département.
    days = daily("76", date(2027, 4, 1), date(2027, 6, 15), settings)
    ahead = BodyReminder.objects.filter(key="avant-2027-06-15")
    assert ahead.count() == 6
    assert {r.sent_on for r in ahead} == {date(2027, 4, 16)}
    assert date(2027, 4, 16) in days
    message = next(m for m in reminders(mailoutbox) if "Ariège" in m.subject)
    assert "Aucune séance enregistrée avant le COPIL du 15/06/2027" in message.body
    # A meeting recorded in Ariège clears its flag.
    held("76", "comite-suivi-departemental-09", date(2027, 6, 1))
    rhythms = {
        r.spec["departement"]: r for r in bodies.rhythms("76", date(2027, 6, 2)) if r.spec["departement"]
    }
    assert rhythms["09"].before_gap is None
    assert rhythms["12"].before_gap == date(2027, 6, 15)


# --- members, sessions and opinions on texts, from the pages ------------------------------------------


def test_a_member_is_added_to_a_body_from_its_page(staff, settings):
    settings.SPRO_REGION = "76"
    url = reverse("comites:body", args=["copil-spro"])
    response = post_from(
        staff,
        url,
        reverse("comites:member_add", args=["copil-spro"]),
        {
            "name": "Claire Martin",
            "function": "Vice-présidente",
            "institution": "Région",
            "joined_on": "2027-01-10",
        },
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get()
    assert (member.name, member.committee.code, member.joined_on) == (
        "Claire Martin",
        "copil-spro",
        date(2027, 1, 10),
    )
    page = staff.get(url).content.decode()
    assert "Claire Martin" in page and "Vice-présidente" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "joined_on": "2027-01-10"}, "Ce champ est obligatoire."),
        ({"name": "A\x00B", "joined_on": "2027-01-10"}, "caractère nul"),
        ({"name": "x" * 100_000, "joined_on": "2027-01-10"}, "150 caractères"),
        ({"name": "Claire", "joined_on": "9999-01-01"}, "entre l'an 2000 et l'an 2100"),
    ],
)
def test_a_refused_member_is_redisplayed_in_french_and_nothing_is_written(staff, settings, data, message):
    settings.SPRO_REGION = "76"
    url = reverse("comites:member_add", args=["copil-spro"])
    response = staff.post(
        url, {**data, "form_token": form_token(staff, reverse("comites:body", args=["copil-spro"]))}
    )
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not CommitteeMember.objects.exists()


def test_an_unknown_body_is_not_found(staff, settings):
    settings.SPRO_REGION = "76"
    assert staff.get(reverse("comites:body", args=["gt-orientation"])).status_code == 404


def test_a_departmental_committee_session_is_planned_with_the_shared_form(staff, settings):
    settings.SPRO_REGION = "76"
    url = reverse("comites:create")
    page = staff.get(url + "?instance=comite-suivi-departemental-31").content.decode()
    assert 'value="comite-suivi-departemental-31" selected' in page
    response = post_form(staff, url, {"committee": "comite-suivi-departemental-31", "held_on": "2027-03-01"})
    assert response.status_code == 302
    session = CommitteeSession.objects.get()
    assert session.committee.departement == "31"
    assert session.committee.name == "Comité de suivi départemental — Haute-Garonne (31)"


def test_the_crefop_opinion_on_a_charter_is_recorded_on_the_session(staff, settings):
    settings.SPRO_REGION = "76"
    session = CommitteeSession.objects.create(
        committee=bodies.body("76", "copil-spro"), held_on=date(2027, 2, 3)
    )
    url = reverse("comites:session", args=[session.pk])
    response = staff.post(
        reverse("comites:text_opinion", args=[session.pk]),
        {
            "texte-document": "charte",
            "texte-title": "Charte Occitanie Orientation",
            "texte-version": "v2",
            "texte-value": "favorable-reserves",
            "texte-comment": "Préciser l'accueil des mineurs.",
            "form_token": form_token(staff, url),
        },
    )
    assert response.status_code == 302
    given = TextOpinion.objects.get()
    assert (given.session, given.document, given.value, given.given_on) == (
        session,
        "charte",
        "favorable-reserves",
        date(2027, 2, 3),
    )
    body_page = staff.get(reverse("comites:body", args=["copil-spro"])).content.decode()
    assert "Charte Occitanie Orientation (v2)" in body_page
    assert "Avis favorable avec réserves" in body_page
    refused = staff.post(
        reverse("comites:text_opinion", args=[session.pk]),
        {
            "texte-document": "charte",
            "texte-title": "",
            "texte-value": "bof",
            "form_token": form_token(staff, url),
        },
    )
    assert refused.status_code == 422
    assert TextOpinion.objects.count() == 1


def test_only_region_staff_record_members_and_opinions(agent):
    adviser = accounts.user("conseil@example.org")
    committee = bodies.body("76", "copil-spro")
    session = CommitteeSession.objects.create(committee=committee, held_on=date(2027, 2, 3))
    for someone in (None, adviser):
        with pytest.raises(InvalidTransition, match="agents de la Région"):
            bodies.add_member(committee, someone, "Claire")
        with pytest.raises(InvalidTransition, match="agents de la Région"):
            bodies.record_text_opinion(session, someone, "charte", "Charte", "favorable")


def copil_member(agent, name="Claire Martin", days_ago=400):
    committee = bodies.body("76", "copil-spro")
    joined = timezone.localdate() - timedelta(days=days_ago)
    return bodies.add_member(committee, agent, name, function="Vice-présidente", joined_on=joined)


def post_leave(client, member, left_on, code="copil-spro"):
    """Post the departure form of `member` from the body's page, with the page's one-time token."""
    return post_from(
        client,
        reverse("comites:body", args=["copil-spro"]),
        reverse("comites:member_leave", args=[code, member.pk]),
        {f"depart-{member.pk}-left_on": left_on},
    )


def test_a_member_leaving_is_recorded_and_listed_apart_among_former_members(staff, agent, settings):
    settings.SPRO_REGION = "76"
    leaving = copil_member(agent)
    staying = copil_member(agent, "Paul Durand")
    left_on = timezone.localdate() - timedelta(days=10)
    page = staff.get(reverse("comites:body", args=["copil-spro"])).content.decode()
    assert "Aucun membre n'a quitté l'instance." in page
    assert f'id="id_depart-{leaving.pk}-left_on"' in page and f'id="id_depart-{staying.pk}-left_on"' in page

    response = post_leave(staff, leaving, left_on.isoformat())

    assert response.status_code == 302
    assert response["Location"].endswith("#anciens-membres")
    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert (leaving.left_on, staying.left_on) == (left_on, None)
    page = html.unescape(staff.get(response["Location"]).content.decode())
    assert f"Le départ de Claire Martin le {left_on:%d/%m/%Y} est enregistré." in page
    current, former = page.split('id="anciens-membres"')
    former = former.split("Ajouter un membre")[0]
    assert "Claire Martin" in former and f"{left_on:%d/%m/%Y}" in former
    assert "Paul Durand" not in former
    # Among current members, only Paul Durand is left, with his departure form.
    assert "Claire Martin" not in current.split("Membres en fonction")[1]
    assert f'id="id_depart-{leaving.pk}-left_on"' not in page


@pytest.mark.parametrize(
    "days_after_joining, message",
    [
        (-1, "La date de départ précède l'arrivée du membre"),
        (401, "La date de départ ne peut pas être postérieure à aujourd'hui."),
    ],
)
def test_a_departure_before_joining_or_after_today_is_refused_and_nothing_is_written(
    staff, agent, settings, days_after_joining, message
):
    settings.SPRO_REGION = "76"
    member = copil_member(agent, days_ago=400)
    response = post_leave(staff, member, (member.joined_on + timedelta(days=days_after_joining)).isoformat())
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert message in page
    assert "<title>Erreur : 1 erreur" in page
    member.refresh_from_db()
    assert member.left_on is None


def test_a_member_leaving_twice_is_refused_and_the_first_date_is_kept(staff, agent, settings):
    settings.SPRO_REGION = "76"
    member = copil_member(agent)
    first = timezone.localdate() - timedelta(days=30)
    assert post_leave(staff, member, first.isoformat()).status_code == 302
    # The same form posted again from a page opened before (another tab), with a fresh token.
    again = post_leave(staff, member, timezone.localdate().isoformat())
    assert again.status_code == 422
    assert f"Claire Martin a déjà quitté l'instance le {first:%d/%m/%Y}" in html.unescape(
        again.content.decode()
    )
    member.refresh_from_db()
    assert member.left_on == first
    with pytest.raises(InvalidTransition, match="déjà quitté"):
        bodies.member_leaves(member, agent, timezone.localdate())


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Ce champ est obligatoire."),
        ("2026-01\x00-01", "Saisissez une date valide."),
        ("x" * 100_000, "Saisissez une date valide."),
        ("NaN", "Saisissez une date valide."),
        ("9" * 5000, "Saisissez une date valide."),
        ("9999-01-01", "entre l'an 2000 et l'an 2100"),
        ("1999-12-31", "entre l'an 2000 et l'an 2100"),
    ],
)
def test_a_hostile_departure_date_gets_a_french_422_and_nothing_is_written(
    staff, agent, settings, value, message
):
    settings.SPRO_REGION = "76"
    member = copil_member(agent)
    response = post_leave(staff, member, value)
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    member.refresh_from_db()
    assert member.left_on is None


def test_a_member_of_another_body_is_not_found_through_this_one(staff, agent, settings):
    settings.SPRO_REGION = "76"
    member = copil_member(agent)
    response = post_leave(
        staff, member, timezone.localdate().isoformat(), code="comite-suivi-departemental-31"
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.left_on is None


def test_only_region_staff_record_a_departure(staff, agent, settings):
    settings.SPRO_REGION = "76"
    member = copil_member(agent)
    token = form_token(staff, reverse("comites:body", args=["copil-spro"]))
    adviser = Client()
    accounts.login_verified(adviser, accounts.user("conseil@example.org"))
    response = adviser.post(
        reverse("comites:member_leave", args=["copil-spro", member.pk]),
        {f"depart-{member.pk}-left_on": timezone.localdate().isoformat(), "form_token": token},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.left_on is None
    with pytest.raises(InvalidTransition, match="agents de la Région"):
        bodies.member_leaves(member, None, timezone.localdate())


# --- the Cité des métiers tiers of Midi-Pyrénées -------------------------------------------------------


def cite(name, commune_code):
    return directory.site(name, network_code="cite-des-metiers", commune_code=commune_code)


def test_a_third_centre_associe_in_a_departement_is_refused_in_french(staff, settings):
    settings.SPRO_REGION = "76"
    first, second, third = cite("Muret", "31395"), cite("Colomiers", "31149"), cite("Blagnac", "31069")
    albi = cite("Albi", "81004")
    url, assign = reverse("comites:tiers"), reverse("comites:tier_assign")
    for site in (first, second, albi):
        response = post_from(staff, url, assign, {"site": site.pk, "tier": "centre-associe"})
        assert response.status_code == 302, response.content.decode()
    response = staff.post(
        reverse("comites:tier_assign"),
        {"site": third.pk, "tier": "centre-associe", "form_token": form_token(staff, url)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "Le département 31 compte déjà 2 « Centre associé » (Colomiers, Muret) : "
        "pas plus de 2 par département." in page
    )
    assert not NetworkTier.objects.filter(site=third).exists()
    # Another tier stays open to it; a second site central is refused.
    toulouse = cite("Cité des métiers de Toulouse", directory.TOULOUSE)
    assert post_from(staff, url, assign, {"site": toulouse.pk, "tier": "site-central"}).status_code == 302
    refused = staff.post(
        reverse("comites:tier_assign"),
        {"site": third.pk, "tier": "site-central", "form_token": form_token(staff, url)},
    )
    assert "Le réseau compte déjà 1 « Site central »" in refused.content.decode()
    assert post_from(staff, url, assign, {"site": third.pk, "tier": "point-relais"}).status_code == 302


def test_a_site_outside_the_network_is_refused(agent):
    cio = directory.site("CIO de Toulouse", network_code="cio")
    with pytest.raises(InvalidTransition, match="pas une structure du réseau des Cités des métiers"):
        bodies.assign_tier(cio, "76", "point-relais", agent)


def test_the_public_page_lists_the_tier_offer_and_its_guarantor(client, agent):
    central = cite("Cité des métiers de Toulouse", directory.TOULOUSE)
    relay = cite("Point relais d'Albi", "81004")
    bodies.assign_tier(central, "76", "site-central", agent)
    bodies.assign_tier(relay, "76", "point-relais", agent)
    page = client.get(reverse("annuaire:site", args=[relay.pk])).content.decode()
    assert "Point relais du réseau Cité des métiers" in page
    assert "Accueil de premier niveau et orientation vers le centre associé" in page
    assert "Le site central" in page and "Cité des métiers de Toulouse</a> est garant de cette offre" in page
    head = client.get(reverse("annuaire:site", args=[central.pk])).content.decode()
    assert "Site central du réseau Cité des métiers" in head
    assert "Ce site central est garant de l'offre des centres associés et des points relais" in head
    other = client.get(reverse("annuaire:site", args=[cite("Sans niveau", "81004").pk])).content.decode()
    assert "niveau-reseau" not in other
