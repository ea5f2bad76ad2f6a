"""`spro load-demo` includes the labelling demonstration: members of each status, applications at every
stage, a committee session with opinions, labels with attestations; loading again adds nothing."""

import io

import pytest
from django.core.management import call_command

from spro.labels.models import Adhesion, Application, CommitteeSession, Label, Opinion, SproStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("region", ["76", "84"])
def test_the_demo_shows_the_whole_lifecycle(settings, region):
    settings.SPRO_REGION = region
    out = io.StringIO()
    call_command("load-demo", stdout=out)
    assert "Labellisation de démonstration : dossiers brouillon" in out.getvalue()
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


def test_the_demo_creates_the_bodies_with_a_year_of_sessions_and_the_cite_des_metiers_tiers(settings):
    from datetime import date

    from spro.labels import bodies
    from spro.labels.models import CommitteeMember, NetworkTier, TextOpinion

    settings.SPRO_REGION = "76"
    call_command("load-demo", stdout=io.StringIO())
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
