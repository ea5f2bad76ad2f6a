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
    session = CommitteeSession.objects.get()
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
