"""Local coordination pages: a member structure's administrator votes through the vote page (once: a
second vote is refused in French), a structure outside the committee sees nothing of it, a document is
served to members only, the coordinator sends the yearly report pre-filled with the territory's figures,
and the Région records a mise en demeure, lifts it and records a meeting with its minutes. The Région edits
its rules (the rule without a majority, followed by the next designation counted; the grid only while it
has no territory); a member may not, and hostile values are refused in French with nothing written."""

import html
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spro.activity.models import Reception
from spro.network import coordination
from spro.network.models import CommitteeReport, CoordinationPolicy, NetworkLog
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import form_token
from tests.network.coordination_factories import committee

pytestmark = pytest.mark.django_db
NOW = "2027-01-20 10:00 +01:00"


@pytest.fixture
def w(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = committee()
    world.local.coordinator = world.structures[0]
    world.local.save()
    world.designation = coordination._open(world.local, 2027, 1, date(2027, 1, 15))
    return world


def text(response) -> str:
    return html.unescape(response.content.decode())


def logged(client, person):
    accounts.login_verified(client, person)
    return client


def test_an_administrator_votes_once_for_their_structure(client, w):
    url = reverse("territoires:vote", args=[w.designation.pk])
    with time_machine.travel(NOW, tick=False):
        logged(client, w.admins[0])
        page = client.get(url)
        assert "Désignation du coordinateur local 2027" in text(page)
        token = form_token(client, url)
        data = {"voter": w.structures[0].pk, "candidate": w.structures[1].pk, "person": w.admins[1].pk}
        response = client.post(url, {**data, "form_token": token}, follow=True)
        assert "Le vote de votre structure est enregistré" in text(response)
        vote = w.designation.votes.get()
        assert (vote.voter, vote.candidate, vote.candidate_person) == (
            w.structures[0],
            w.structures[1],
            w.admins[1],
        )
        # The page no longer offers a vote to this structure; a replayed post writes nothing more.
        assert "Aucune de vos structures n'a de vote à exprimer" in text(client.get(url))
        client.post(url, {**data, "form_token": token})
        assert w.designation.votes.count() == 1


def test_a_second_vote_of_the_same_structure_from_another_tab_is_refused_in_french(client, w):
    url = reverse("territoires:vote", args=[w.designation.pk])
    with time_machine.travel(NOW, tick=False):
        logged(client, w.admins[0])
        first, second = form_token(client, url), form_token(client, url)  # two tabs open
        data = {"voter": w.structures[0].pk, "candidate": w.structures[1].pk}
        client.post(url, {**data, "form_token": first})
        response = client.post(url, {**data, "candidate": w.structures[2].pk, "form_token": second})
    assert response.status_code == 400
    assert "Votre structure a déjà voté : une structure ne vote qu'une fois." in text(response)
    assert w.designation.votes.get().candidate == w.structures[1]
    assert NetworkLog.objects.filter(subject="designation", action="vote").count() == 1


def test_a_vote_with_a_hostile_or_foreign_value_is_refused_in_french(client, w):
    url = reverse("territoires:vote", args=[w.designation.pk])
    with time_machine.travel(NOW, tick=False):
        logged(client, w.admins[1])
        for data in (
            {"voter": w.structures[0].pk, "candidate": w.structures[1].pk},  # a structure they do not run
            {"voter": w.structures[1].pk, "candidate": "99999"},
            {"voter": w.structures[1].pk, "candidate": "ab\x00cd"},
            {"voter": w.structures[1].pk, "candidate": w.structures[1].pk, "person": "9" * 5000},
        ):
            response = client.post(url, {**data, "form_token": form_token(client, url)})
            assert response.status_code == 422
            assert "Sélectionnez un choix valide" in text(response)
    assert w.designation.votes.count() == 0


def test_a_structure_outside_the_committee_sees_nothing_of_it(client, w):
    outsider = directory.structure("cio", name="CIO d'ailleurs")
    person = accounts.member(outsider, "ailleurs@coord.test", role="administrateur")
    logged(client, person)
    assert "Aucune de vos structures" in text(client.get(reverse("territoires:index")))
    assert client.get(reverse("territoires:committee", args=[w.local.pk])).status_code == 404
    assert client.get(reverse("territoires:vote", args=[w.designation.pk])).status_code == 404


def test_a_signed_convention_is_served_to_the_committees_members_only(client, w):
    signed = SimpleUploadedFile("convention-signee.pdf", b"%PDF-1.4\n%signee\n")
    document = coordination.attach(signed, "convention", w.admins[0], convention=w.convention)
    url = reverse("territoires:document", args=[document.pk])
    logged(client, w.admins[2])
    committee_page = text(client.get(reverse("territoires:committee", args=[w.local.pk])))
    assert url in committee_page and "Convention signée : convention-signee.pdf" in committee_page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert response["Cache-Control"] == "private, no-store"
    stranger = accounts.member(directory.structure("cio", name="Autre"), "autre@coord.test")
    client.logout()
    logged(client, stranger)
    assert client.get(url).status_code == 404


def test_the_coordinator_sends_the_yearly_report_prefilled_with_the_territorys_figures(client, w):
    site = w.structures[1].sites.get()
    values = {"mode": "sur-place", "sexe": "femme", "age_band": "18-25", "statut": "eleve"}
    values |= {"need": "trouver-formation", "answer": "information"}
    for day in range(12):
        Reception.objects.create(structure=site.structure, site=site, date=date(2026, 3, 1 + day), **values)
    url = reverse("territoires:report", args=[w.local.pk])
    with time_machine.travel(NOW, tick=False):
        logged(client, w.admins[0])
        page = text(client.get(url))
        assert (
            "Indicateurs du territoire en 2026" in page and "Personnes reçues en premier accueil : 12" in page
        )
        data = {"programme": "Forum des métiers en mai.", "activity": "Quatre réunions."}
        response = client.post(url, {**data, "form_token": form_token(client, url)}, follow=True)
        assert "transmis à la Région" in text(response)
    report = CommitteeReport.objects.get()
    assert (report.year, report.indicators["personnes_recues"], report.submitted_by) == (
        2026,
        12,
        w.admins[0],
    )
    client.logout()
    with time_machine.travel(NOW, tick=False):
        logged(client, w.admins[1])  # not the coordinator's structure: reads, does not write
        page = text(client.get(url))
    assert "Forum des métiers en mai." in page and "Transmettre à la Région" not in page


def test_the_region_records_a_mise_en_demeure_then_lifts_it(client, w, django_capture_on_commit_callbacks):
    instructor = accounts.region_instructor()
    page_url = reverse("region_territoires:committee", args=[w.local.pk])
    logged(client, instructor)
    assert client.get(reverse("region_territoires:index")).status_code == 200
    token = form_token(client, page_url)
    letter = SimpleUploadedFile("lettre.pdf", b"%PDF-1.4\n%lettre\n")
    data = {
        "party": "region",
        "sent_on": "2026-06-01",
        "letter_reference": "1A 000 000 0000 1",
        "grounds": "Aucune réunion depuis un an.",
        "letter": letter,
        "form_token": token,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("region_territoires:notice", args=[w.convention.pk]), data, follow=True
        )
    assert "La mise en demeure est enregistrée" in text(response)
    notice = w.convention.notices.get()
    assert notice.deadline == date(2026, 8, 1) and w.convention.documents.get().purpose == "mise-en-demeure"
    assert any("Mise en demeure" in m.subject for m in mail.outbox)
    token = form_token(client, page_url)
    late = client.post(
        reverse("region_territoires:remedy", args=[notice.pk]),
        {"remedied_on": "2026-09-01", "form_token": token},
    )
    assert late.status_code == 400 and "Le délai de la mise en demeure est passé" in text(late)
    token = form_token(client, page_url)
    client.post(
        reverse("region_territoires:remedy", args=[notice.pk]),
        {"remedied_on": "2026-07-01", "form_token": token},
    )
    notice.refresh_from_db()
    assert notice.outcome == "levee"


def test_the_region_records_a_meeting_with_its_minutes_and_a_refused_file_writes_nothing(client, w):
    instructor = accounts.region_instructor()
    page_url = reverse("region_territoires:committee", args=[w.local.pk])
    meeting_url = reverse("region_territoires:meeting", args=[w.local.pk])
    logged(client, instructor)
    data = {
        "held_on": "2026-03-10",
        "place": "CIO de Toulouse",
        "agenda": "Programme de l'année",
        "present": [w.structures[0].pk, w.structures[1].pk],
        "minutes": "Tour de table.",
        "decisions": "Forum en mai.",
    }
    fake = SimpleUploadedFile("compte-rendu.pdf", b"MZ not a pdf")
    refused = client.post(
        meeting_url, {**data, "minutes_file": fake, "form_token": form_token(client, page_url)}
    )
    assert refused.status_code == 400 and "type de fichier n'est pas accepté" in text(refused)
    assert not w.local.meetings.exists()
    minutes = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\n%cr\n")
    client.post(meeting_url, {**data, "minutes_file": minutes, "form_token": form_token(client, page_url)})
    meeting = w.local.meetings.get()
    assert set(meeting.present.all()) == set(w.structures[:2]) and meeting.documents.count() == 1
    assert meeting.session.committee == w.local.committee
    client.logout()
    logged(client, w.admins[2])
    page = text(client.get(reverse("territoires:committee", args=[w.local.pk])))
    assert "Réunion du 10/03/2026" in page and "Forum en mai." in page


def test_the_region_joins_the_signed_convention_checked_on_its_content(client, w):
    logged(client, accounts.region_instructor())
    page_url = reverse("region_territoires:committee", args=[w.local.pk])
    url = reverse("region_territoires:convention_document", args=[w.convention.pk])
    renamed = SimpleUploadedFile("convention.pdf", b"\x89PNG\r\n\x1a\n0000")
    refused = client.post(url, {"document": renamed, "form_token": form_token(client, page_url)})
    assert refused.status_code == 400 and "ne correspond pas à son contenu" in text(refused)
    signed = SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%signee\n")
    response = client.post(url, {"document": signed, "form_token": form_token(client, page_url)}, follow=True)
    assert "La convention signée est déposée" in text(response)
    assert w.convention.documents.get().purpose == "convention"


def test_the_region_creates_a_territory_adds_a_member_records_a_departure_and_signs_a_convention(client):
    from spro.network.models import CoordinationPolicy, LocalCommittee

    CoordinationPolicy.objects.create(region_code="76", grid="departement")
    albi = directory.site("CIO d'Albi", commune_code=directory.ALBI).structure
    logged(client, accounts.region_instructor())
    index = reverse("region_territoires:index")
    create = reverse("region_territoires:create")
    data = {"name": "Tarn", "code": "tarn", "kind": "departement", "reference": ""}
    other_grid = {**data, "kind": "bassin-vie", "reference": "81004"}
    refused = client.post(create, {**other_grid, "form_token": form_token(client, index)})
    assert refused.status_code == 400 and "Le maillage de la Région est : département" in text(refused)
    missing = client.post(create, {**data, "form_token": form_token(client, index)})
    assert missing.status_code == 422 and "Indiquez le code de la zone" in text(missing)
    client.post(create, {**data, "reference": "81", "form_token": form_token(client, index)})
    local = LocalCommittee.objects.get(territory__code="tarn")
    again = client.post(create, {**data, "reference": "81", "form_token": form_token(client, index)})
    assert again.status_code == 400 and "Un territoire porte déjà ce code" in text(again)
    page = reverse("region_territoires:committee", args=[local.pk])
    assert "CIO d'Albi" in text(client.get(page))  # offered: it has a site in the Tarn
    add = reverse("region_territoires:member_add", args=[local.pk])
    client.post(
        add, {"structure": albi.pk, "joined_on": "2026-01-15", "form_token": form_token(client, page)}
    )
    member = local.members.get()
    sign = reverse("region_territoires:convention_sign", args=[local.pk])
    data = {"reference": "CCL-81", "starts_on": "2026-01-15", "form_token": form_token(client, page)}
    client.post(sign, data)
    assert local.conventions.get().term_ends_on == date(2027, 1, 15)
    leave = reverse("region_territoires:member_leave", args=[member.pk])
    early = client.post(leave, {"left_on": "2025-01-01", "form_token": form_token(client, page)})
    assert early.status_code == 400 and "précède la date d'adhésion" in text(early)
    client.post(leave, {"left_on": "2026-06-30", "form_token": form_token(client, page)})
    member.refresh_from_db()
    assert member.left_on == date(2026, 6, 30)


# --- the Région's rules of local coordination -----------------------------------------------------------

RULES = {"convention_months": "12", "notice_months": "2", "vote_days": "30", "no_majority": "sortant"}


def rules_logged():
    return NetworkLog.objects.filter(subject="regles-coordination")


def test_the_region_chooses_a_second_round_and_the_next_designation_counted_follows_it(client, w):
    instructor = accounts.region_instructor()
    index = reverse("region_territoires:index")
    logged(client, instructor)
    data = {**RULES, "vote_days": "20", "no_majority": "second-tour"}
    response = client.post(
        reverse("region_territoires:policy"), {**data, "form_token": form_token(client, index)}, follow=True
    )
    assert "Les règles de la coordination locale sont enregistrées" in text(response)
    policy = CoordinationPolicy.objects.get(region_code="76")
    assert (policy.no_majority, policy.vote_days, policy.grid) == ("second-tour", 20, "departement")
    entry = rules_logged().get()
    assert (entry.action, entry.by, entry.object_id) == ("modification", instructor, policy.pk)
    assert entry.detail["before"] == {"vote_days": 30, "no_majority": "sortant"}
    assert entry.detail["after"] == {"vote_days": 20, "no_majority": "second-tour"}
    # A tie in the designation opened before the change: counted afterwards, it follows the new rule.
    with time_machine.travel(NOW, tick=False):
        coordination.cast_vote(w.designation, w.structures[0], w.structures[1], w.admins[0])
        coordination.cast_vote(w.designation, w.structures[1], w.structures[2], w.admins[1])
    with time_machine.travel("2027-02-14 06:00 +01:00", tick=False):
        assert coordination.close_designations(date(2027, 2, 14)) == 1
    w.designation.refresh_from_db()
    assert w.designation.result == "second-tour"
    second = w.local.designations.get(round=2)
    assert (second.opens_on, second.closes_on) == (date(2027, 2, 14), date(2027, 3, 5))  # 20 days
    # The same post again changes nothing and logs nothing more.
    client.post(reverse("region_territoires:policy"), {**data, "form_token": form_token(client, index)})
    assert rules_logged().count() == 1


def test_the_grid_cannot_change_once_the_region_has_a_territory(client, w):
    index = reverse("region_territoires:index")
    logged(client, accounts.region_instructor())
    page = text(client.get(index))
    assert "Maillage des territoires : <strong>département</strong>. Il ne peut plus changer" in page
    assert 'name="grid"' not in page and 'name="no_majority"' in page
    data = {**RULES, "grid": "communes", "vote_days": "45", "form_token": form_token(client, index)}
    refused = client.post(reverse("region_territoires:policy"), data)
    assert refused.status_code == 422
    assert "Le maillage ne peut plus changer : la Région a déjà des territoires de coordination" in text(
        refused
    )
    policy = CoordinationPolicy.objects.get(region_code="76")
    assert (policy.grid, policy.vote_days) == ("departement", 30)
    assert not rules_logged().exists()
    with pytest.raises(coordination.Refused):
        coordination.update_policy("76", grid="communes")
    assert CoordinationPolicy.objects.get(region_code="76").grid == "departement"


def test_before_any_territory_the_region_chooses_its_grid_and_territories_follow_it(client):
    index = reverse("region_territoires:index")
    logged(client, accounts.region_instructor())
    assert 'name="grid"' in text(client.get(index))
    data = {**RULES, "grid": "zone-emploi", "form_token": form_token(client, index)}
    client.post(reverse("region_territoires:policy"), data)
    policy = CoordinationPolicy.objects.get(region_code="76")
    assert policy.grid == "zone-emploi"
    entry = rules_logged().get()
    assert entry.action == "creation" and entry.detail["before"] == {"grid": "bassin-vie"}
    territory = {"name": "Tarn", "code": "tarn", "kind": "departement", "reference": "81"}
    refused = client.post(
        reverse("region_territoires:create"), {**territory, "form_token": form_token(client, index)}
    )
    assert refused.status_code == 400 and "Le maillage de la Région est : zone d'emploi" in text(refused)


def test_a_member_of_a_committee_cannot_change_the_rules(client, w):
    logged(client, w.admins[0])
    token = form_token(client, reverse("territoires:report", args=[w.local.pk]))  # a page of theirs
    response = client.post(
        reverse("region_territoires:policy"), {**RULES, "no_majority": "second-tour", "form_token": token}
    )
    assert response.status_code == 403
    assert CoordinationPolicy.objects.get(region_code="76").no_majority == "sortant"
    assert not rules_logged().exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("convention_months", "0", "supérieure ou égale à 1"),
        ("convention_months", "61", "inférieure ou égale à 60"),
        ("notice_months", "13", "inférieure ou égale à 12"),
        ("vote_days", "-5", "supérieure ou égale à"),
        ("vote_days", "91", "inférieure ou égale à 90"),
        ("vote_days", "1e999", "Saisissez un nombre entier"),
        ("notice_months", "9" * 5000, "Saisissez un nombre entier"),
        ("convention_months", "NaN", "Saisissez un nombre entier"),
        ("vote_days", "3\x000", "Saisissez un nombre entier"),
        ("no_majority", "sortant\x00", "Sélectionnez un choix valide"),
        ("no_majority", "a" * 100_000, "Sélectionnez un choix valide"),
    ],
)
def test_hostile_rules_are_refused_in_french_and_nothing_is_written(client, w, field, value, message):
    index = reverse("region_territoires:index")
    logged(client, accounts.region_instructor())
    data = {**RULES, "no_majority": "second-tour", field: value, "form_token": form_token(client, index)}
    response = client.post(reverse("region_territoires:policy"), data)
    assert response.status_code == 422
    assert message in text(response)
    policy = CoordinationPolicy.objects.get(region_code="76")
    assert (policy.convention_months, policy.notice_months, policy.vote_days, policy.no_majority) == (
        12,
        2,
        30,
        "sortant",
    )
    assert not rules_logged().exists()
