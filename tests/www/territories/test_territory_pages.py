"""Local coordination pages: a member structure's administrator votes through the vote page (once: a
second vote is refused in French), a structure outside the committee sees nothing of it, a document is
served to members only, the coordinator sends the yearly report pre-filled with the territory's figures,
and the Région records a mise en demeure, lifts it and records a meeting with its minutes."""

import html
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spro.activity.models import Reception
from spro.network import coordination
from spro.network.models import CommitteeReport, NetworkLog
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
