"""`spro load-demo` includes the labelling demonstration: members of each status, applications at every
stage, a committee session with opinions, labels with attestations; loading again adds nothing."""

import io

import pytest
from django.core.management import call_command

from spro.labels.models import Adhesion, Application, CommitteeSession, Label, Opinion, SproStatus
from tests.conftest import demo_of_occitanie_shared_by_the_class, load_demo

pytestmark = pytest.mark.django_db


def assert_the_whole_lifecycle(output: str):
    assert "Labellisation de démonstration : dossiers brouillon" in output
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {
        "brouillon",
        "depose",
        "en-instruction",
        "complement-demande",
        "complete",
        "avis-rendu",
        "accorde",
        "refuse",
        "ajourne",
    }
    statuses = set(SproStatus.objects.values_list("status", flat=True))
    assert {"membre-de-droit", "reconnu", "labellise", "partenaire-local"} <= statuses
    # The label committee's session of today (the regional bodies have a year of sessions besides).
    session = CommitteeSession.objects.filter(agenda_items__isnull=False).distinct().get()
    assert Opinion.objects.filter(session=session).count() == 5
    # Its agenda: the five dossiers with its opinion and the completed one awaiting it.
    assert session.agenda.count() == 6
    assert session.agenda.filter(opinions__isnull=True).get().state == "complete"
    assert Label.objects.count() == 2
    assert Adhesion.objects.count() == 2
    again = io.StringIO()
    call_command("demo-labellisation", stdout=again)
    assert again.getvalue() == "Démonstration de la labellisation déjà chargée.\n"
    assert Application.objects.count() == 10


class TestTheDemoOfOccitanie:
    """One load of the demo of Occitanie, read by each test (the load takes half a minute)."""

    demo = demo_of_occitanie_shared_by_the_class(autouse=True)

    @pytest.fixture(autouse=True)
    def occitanie(self, settings):
        settings.SPRO_REGION = "76"

    def test_the_demo_shows_the_whole_lifecycle(self, demo):
        assert_the_whole_lifecycle(demo)

    def test_the_demo_creates_the_bodies_with_a_year_of_sessions_and_the_cite_des_metiers_tiers(self):
        from datetime import date

        from spro.labels import bodies
        from spro.labels.models import CommitteeMember, NetworkTier, TextOpinion

        today = date.today()
        for spec in bodies.body_specs("76"):
            held = CommitteeSession.objects.filter(committee__code=spec["code"])
            assert held.exists(), spec["code"]
        assert CommitteeMember.objects.filter(committee__code="copil-spro").count() == 3
        assert TextOpinion.objects.filter(document="charte", value="favorable").count() == 1
        rhythms = {r.spec["code"]: r for r in bodies.rhythms("76", today)}
        assert rhythms["comite-suivi-departemental-46"].overdue
        assert rhythms["comite-suivi-departemental-46"].before_gap == today  # the COPIL of today
        assert not rhythms["comite-suivi-departemental-31"].flags
        assert NetworkTier.objects.filter(tier="site-central").count() == 1
        tiers = set(NetworkTier.objects.values_list("tier", flat=True))
        assert "site-central" in tiers and len(tiers) >= 2


def test_the_demo_shows_the_whole_lifecycle_in_another_region_too(settings):
    settings.SPRO_REGION = "84"
    assert_the_whole_lifecycle(load_demo())
