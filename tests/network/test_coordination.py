"""Local coordination by territory: territories as data (a site falls in one by its commune, a remote
entry in none), the committee's members, the convention tacitly renewed and its mises en demeure
(remedied, or left unheeded: termination), meetings, and the yearly designation of the coordinator
(majority, tie, a structure voting twice, a structure that left), all through `spro echeances-reseau`
with time frozen."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from spro.directory.models import Site
from spro.labels.models import CommitteeSession
from spro.labels.uploads import UploadRefused
from spro.network import coordination
from spro.network.models import (
    CoordinationPolicy,
    CoordinationTerritory,
    NetworkLog,
    territory_of,
)
from spro.network.workflow import Refused
from spro.territories.models import Commune, LivingArea
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.network.coordination_factories import committee

pytestmark = pytest.mark.django_db
COMMIT = {}


@pytest.fixture(autouse=True)
def mail_on_commit(django_capture_on_commit_callbacks):
    """Mail leaves after commit: each step below is run as if its transaction committed."""
    COMMIT["capture"] = django_capture_on_commit_callbacks


def committed():
    return COMMIT["capture"](execute=True)


def cron(day: str) -> str:
    out = StringIO()
    with time_machine.travel(f"{day} 06:00 +01:00", tick=False), committed():
        call_command("echeances-reseau", stdout=out)
    return out.getvalue()


# --- territories --------------------------------------------------------------------------------------


def test_a_site_falls_in_the_territory_of_its_commune_under_the_regions_grid():
    area = LivingArea.objects.create(code="31555", name="Bassin de vie de Toulouse")
    Commune.objects.filter(code=directory.TOULOUSE).update(living_area=area)
    CoordinationPolicy.objects.create(region_code="76", grid="bassin-vie")
    toulouse = CoordinationTerritory.objects.create(
        region_code="76", code="bv-toulouse", name="Bassin de Toulouse", kind="bassin-vie", reference="31555"
    )
    CoordinationTerritory.objects.create(
        region_code="76", code="haute-garonne", name="Haute-Garonne", kind="departement", reference="31"
    )
    site = directory.site("CIO de Toulouse")
    albi = directory.site("CIO d'Albi", commune_code=directory.ALBI)
    assert territory_of(site) == toulouse
    assert territory_of(albi) is None  # no bassin de vie of the grid covers Albi
    assert toulouse.contains(site.commune) and not toulouse.contains(albi.commune)
    assert toulouse.commune_queryset().filter(code=directory.TOULOUSE).exists()


def test_a_group_of_communes_and_a_remote_entry_that_falls_in_no_territory():
    CoordinationPolicy.objects.create(region_code="76", grid="communes")
    group = CoordinationTerritory.objects.create(
        region_code="76", code="albigeois", name="Albigeois", kind="communes"
    )
    group.communes.add(directory.ALBI)
    albi = directory.site("CIO d'Albi", commune_code=directory.ALBI)
    remote = Site.objects.create(
        structure=albi.structure, name="Ligne téléphonique", kind="a-distance", served_region="76"
    )
    assert territory_of(albi) == group
    assert territory_of(remote) is None
    local = coordination.create_committee(group)
    only_remote = directory.structure("cio", name="Plateforme à distance")
    Site.objects.create(structure=only_remote, name="Tchat", kind="a-distance", served_region="76")
    with pytest.raises(Refused, match="aucun lieu d'accueil dans ce territoire"):
        coordination.add_member(local, only_remote, date(2026, 1, 15))
    assert coordination.add_member(local, albi.structure, date(2026, 1, 15)).left_on is None


def test_the_committee_is_one_committee_of_the_labels_and_a_structure_joins_once():
    world = committee()
    assert world.local.committee.code == "ccl-haute-garonne"
    assert world.local.committee.region_code == "76"
    with pytest.raises(Refused, match="déjà membre"):
        coordination.add_member(world.local, world.structures[0], date(2026, 2, 1))
    assert world.local.members_on(date(2026, 1, 14)).count() == 0
    assert world.local.members_on(date(2026, 1, 15)).count() == 3


# --- convention ----------------------------------------------------------------------------------------


def test_the_convention_is_renewed_tacitly_at_each_anniversary_idempotently():
    world = committee()
    assert world.convention.term_ends_on == date(2027, 1, 15)
    assert "renouvelées tacitement" not in cron("2027-01-14")
    assert "renouvelées tacitement : 1" in cron("2027-01-15")
    assert "renouvelées tacitement" not in cron("2027-01-15")
    world.convention.refresh_from_db()
    assert (world.convention.term_ends_on, world.convention.renewals) == (date(2028, 1, 15), 1)
    assert NetworkLog.objects.filter(subject="convention", action="renouvellement").count() == 1
    with pytest.raises(Refused, match="déjà une convention"):
        coordination.sign_convention(world.local, "CCL-31-BIS", date(2027, 2, 1))


def test_a_mise_en_demeure_remedied_within_two_months_is_closed_and_the_convention_goes_on():
    world = committee()
    mail.outbox = []
    with pytest.raises(Refused, match="structures membres du comité"):
        coordination.send_notice(
            world.convention, directory.structure("cio", name="Étrangère"), date(2026, 6, 1), "R1", "x"
        )
    with pytest.raises(Refused, match="précéder"):
        coordination.send_notice(world.convention, None, date(2025, 6, 1), "R1", "x")
    with time_machine.travel("2026-06-01 10:00 +02:00", tick=False), committed():
        notice = coordination.send_notice(
            world.convention,
            None,
            date(2026, 6, 1),
            "1A 234 567 8901 2",
            "Aucune réunion du comité depuis un an.",
        )
    assert notice.deadline == date(2026, 8, 1)
    assert "Mise en demeure" in mail.outbox[0].subject
    assert "1er" not in mail.outbox[0].body and "01/08/2026" in mail.outbox[0].body
    with pytest.raises(Refused, match="déjà en cours"):
        coordination.send_notice(world.convention, world.structures[0], date(2026, 6, 2), "R2", "x")
    coordination.remedy_notice(notice, date(2026, 7, 20))
    cron("2026-08-15")
    world.convention.refresh_from_db()
    notice.refresh_from_db()
    assert (world.convention.state, notice.outcome, notice.closed_on) == (
        "en-vigueur",
        "levee",
        date(2026, 7, 20),
    )
    actions = list(
        NetworkLog.objects.filter(subject="convention").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["signature", "mise-en-demeure", "mise-en-demeure-levee"]


def test_a_mise_en_demeure_left_unheeded_for_two_months_ends_the_convention():
    world = committee()
    notice = coordination.send_notice(
        world.convention, world.structures[1], date(2026, 6, 1), "R-ML", "Pas de bilan."
    )
    assert "résiliées" not in cron("2026-08-01")  # the last day of the delay: still in force
    mail.outbox = []
    assert "résiliées : 1" in cron("2026-08-02")
    assert "résiliées" not in cron("2026-08-03")
    world.convention.refresh_from_db()
    notice.refresh_from_db()
    assert (world.convention.state, world.convention.terminated_on) == ("resiliee", date(2026, 8, 2))
    assert notice.outcome == "resiliation"
    assert len(mail.outbox) == 3 and all("résiliée" in m.subject for m in mail.outbox)
    with pytest.raises(Refused, match="déjà close"):
        coordination.remedy_notice(notice, date(2026, 8, 1))
    # A terminated convention is no longer renewed, and a new one may be signed.
    cron("2027-01-15")
    world.convention.refresh_from_db()
    assert world.convention.renewals == 0
    assert coordination.sign_convention(world.local, "CCL-31-2027", date(2027, 2, 1)).state == "en-vigueur"


def test_a_signed_convention_is_uploaded_under_the_upload_rules():
    world = committee()
    signed = SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%signee\n", content_type="application/pdf")
    document = coordination.attach(signed, "convention", world.admins[0], convention=world.convention)
    assert (document.kind, document.original_name) == ("pdf", "convention.pdf")
    assert document.file.name.startswith(f"coordination/{world.local.pk}/convention-")
    fake = SimpleUploadedFile("convention.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(UploadRefused, match="type de fichier"):
        coordination.attach(fake, "convention", world.admins[0], convention=world.convention)
    assert world.convention.documents.count() == 1


# --- meetings ------------------------------------------------------------------------------------------


def test_a_meeting_is_a_session_of_the_committee_with_the_structures_present():
    world = committee()
    admin = accounts.region_admin()
    meeting = coordination.record_meeting(
        world.local,
        date(2026, 3, 10),
        "1. Programme de l'année\n2. Forum des métiers",
        admin,
        place="CIO de Toulouse",
        present=world.structures[:2],
        minutes="Présents : deux structures.",
        decisions="Forum le 12 mai.",
    )
    session = CommitteeSession.objects.get(local_meeting=meeting)
    assert session.committee == world.local.committee
    assert session.members_present == "CIO de Toulouse\nMission locale de Toulouse"
    assert set(meeting.present.all()) == set(world.structures[:2])
    with pytest.raises(Refused, match="n'était pas membre"):
        coordination.record_meeting(
            world.local, date(2026, 1, 1), "Avant", admin, present=world.structures[:1]
        )


# --- designation of the local coordinator ---------------------------------------------------------------


def open_2027(world, **policy):
    if policy:
        CoordinationPolicy.objects.filter(region_code="76").update(**policy)
    world.local.coordinator = world.structures[0]
    world.local.save()
    assert "désignations ouvertes" not in cron("2027-01-14")
    mail.outbox = []
    assert "désignations ouvertes : 1" in cron("2027-01-15")
    assert "désignations ouvertes" not in cron("2027-01-16")
    designation = world.local.designations.get()
    assert (designation.opens_on, designation.closes_on) == (date(2027, 1, 15), date(2027, 2, 13))
    assert sorted(m.to[0] for m in mail.outbox) == [f"admin{i}@coord.test" for i in range(len(world.admins))]
    return designation


def vote(world, designation, voter: int, candidate: int | None, day="2027-01-20"):
    with time_machine.travel(f"{day} 10:00 +01:00", tick=False):
        return coordination.cast_vote(
            designation,
            world.structures[voter],
            world.structures[candidate] if candidate is not None else None,
            world.admins[voter],
            candidate_person=world.admins[candidate] if candidate is not None else None,
        )


def test_the_majority_of_the_member_structures_designates_the_coordinator_and_the_region_is_told():
    world = committee()
    region = accounts.region_admin()
    designation = open_2027(world)
    vote(world, designation, 0, 1)
    vote(world, designation, 1, 1)
    vote(world, designation, 2, 0)
    assert "désignations closes" not in cron("2027-02-13")
    mail.outbox = []
    assert "désignations closes : 1" in cron("2027-02-14")
    assert "désignations closes" not in cron("2027-02-15")
    designation.refresh_from_db()
    world.local.refresh_from_db()
    assert (designation.result, designation.elected, designation.elected_person) == (
        "majorite",
        world.structures[1],
        world.admins[1],
    )
    assert designation.tally == {
        "membres": 3,
        "votants": 3,
        "blancs": 0,
        "abstentions": 0,
        "voix": {str(world.structures[1].pk): 2, str(world.structures[0].pk): 1},
    }
    assert (world.local.coordinator, world.local.coordinator_person) == (world.structures[1], world.admins[1])
    assert region.email in mail.outbox[0].to
    assert (
        "Désigné à la majorité" in mail.outbox[0].body and "Mission locale de Toulouse" in mail.outbox[0].body
    )


def test_a_tie_keeps_the_outgoing_coordinator_by_default():
    world = committee(names=("CIO de Toulouse", "Mission locale", "Agence", "Cap emploi"))
    designation = open_2027(world)
    vote(world, designation, 0, 1)
    vote(world, designation, 1, 1)
    vote(world, designation, 2, 2)
    vote(world, designation, 3, 2)
    cron("2027-02-14")
    designation.refresh_from_db()
    world.local.refresh_from_db()
    assert (designation.result, designation.elected) == ("sortant-maintenu", world.structures[0])
    assert world.local.coordinator == world.structures[0]


def test_abstentions_count_against_a_relative_majority():
    world = committee()
    designation = open_2027(world)
    vote(world, designation, 1, 1)  # one vote of three members: no majority of the members
    vote(world, designation, 2, None)  # a blank vote
    cron("2027-02-14")
    designation.refresh_from_db()
    assert designation.result == "sortant-maintenu"
    assert designation.tally["abstentions"] == 1 and designation.tally["blancs"] == 1


def test_under_the_second_round_rule_a_tie_opens_a_second_round_at_the_relative_majority():
    world = committee(names=("CIO de Toulouse", "Mission locale", "Agence", "Cap emploi"))
    designation = open_2027(world, no_majority="second-tour")
    vote(world, designation, 0, 1)
    vote(world, designation, 1, 1)
    vote(world, designation, 2, 2)
    vote(world, designation, 3, 2)
    cron("2027-02-14")
    designation.refresh_from_db()
    assert designation.result == "second-tour"
    second = world.local.designations.get(round=2)
    assert (second.opens_on, second.closes_on, second.state) == (
        date(2027, 2, 14),
        date(2027, 3, 15),
        "ouverte",
    )
    vote(world, second, 0, 2, day="2027-02-20")
    vote(world, second, 2, 2, day="2027-02-20")
    vote(world, second, 3, 1, day="2027-02-20")
    cron("2027-03-16")
    second.refresh_from_db()
    world.local.refresh_from_db()
    assert (second.result, second.elected) == ("majorite", world.structures[2])
    assert world.local.coordinator == world.structures[2]


def test_a_structure_votes_once_only_through_its_administrator_and_while_a_member():
    world = committee()
    designation = open_2027(world)
    vote(world, designation, 0, 1)
    with pytest.raises(Refused, match="déjà voté : une structure ne vote qu'une fois"):
        vote(world, designation, 0, 2)
    adviser = accounts.member(world.structures[1], "conseiller@coord.test")
    with (
        time_machine.travel("2027-01-20 10:00 +01:00", tick=False),
        pytest.raises(Refused, match="administrateur"),
    ):
        coordination.cast_vote(designation, world.structures[1], world.structures[1], adviser)
    member = world.local.members.get(structure=world.structures[2])
    coordination.remove_member(member, date(2027, 1, 18))
    with pytest.raises(Refused, match="ne fait pas \\(ou plus\\) partie du comité"):
        vote(world, designation, 2, 2)
    with pytest.raises(Refused, match="candidate doit être membre"):
        vote(world, designation, 1, 2)
    with pytest.raises(Refused, match="pas ouverte"):
        vote(world, designation, 1, 1, day="2027-02-14")
    cron("2027-02-14")
    designation.refresh_from_db()
    assert designation.tally["membres"] == 2  # the structure that left counts no more
    assert designation.votes.count() == 1


def test_across_a_whole_year_the_cron_renews_opens_and_closes_once_each():
    world = committee()
    from datetime import timedelta

    day = date(2026, 12, 1)
    outputs = []
    while day <= date(2027, 12, 31):
        outputs.append(cron(day.isoformat()))
        day += timedelta(days=7 if day.month not in (1, 2) else 1)
    world.convention.refresh_from_db()
    assert world.convention.renewals == 1
    assert world.local.designations.count() == 1
    assert world.local.designations.get().state == "close"
    assert sum("désignations ouvertes : 1" in out for out in outputs) == 1
    assert sum("désignations closes : 1" in out for out in outputs) == 1
