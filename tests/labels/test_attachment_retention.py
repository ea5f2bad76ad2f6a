"""Attachments are kept as long as the policy says (`uploads.keep_years`, 6 years in Occitanie) after
their dossier ended — its refusal, or the end of the label it led to, never while that label lives —
then `spro echeances-labels` deletes the files and says so in the dossier's history. Idempotent."""

from datetime import date
from pathlib import Path

import pytest
import time_machine

from spro.labels import workflow
from spro.labels.deadlines import run
from spro.labels.models import Attachment
from tests.labels import factories

pytestmark = pytest.mark.django_db


def refused_dossier(day):
    agent = factories.instructor()
    with time_machine.travel(day, tick=False):
        application, admin = factories.draft("76")
        workflow.submit(application, admin, day=day)
        workflow.start_instruction(application, agent)
        workflow.give_opinion(application, factories.session("76", held_on=day), "defavorable", agent)
        workflow.decide(application, "refuse", agent, reasoning="Critères non remplis.", day=day)
    return application, agent


def test_a_refused_dossiers_documents_are_purged_six_years_after_the_refusal():
    application, _ = refused_dossier(date(2026, 5, 12))
    paths = [Path(a.file.path) for a in application.attachments.all()]
    assert paths and all(p.exists() for p in paths)
    with time_machine.travel(date(2032, 5, 11), tick=False):
        assert run(date(2032, 5, 11))["pièces jointes supprimées"] == 0
    assert application.attachments.count() == len(paths)
    with time_machine.travel(date(2032, 5, 12), tick=False):
        counts = run(date(2032, 5, 12))
    assert counts["pièces jointes supprimées"] == len(paths)
    assert not Attachment.objects.filter(application=application).exists()
    assert not any(p.exists() for p in paths)
    log = application.log.get(transition="purger-pieces")
    assert "durée de conservation de 6 an(s) échue le 12/05/2032" in log.comment
    with time_machine.travel(date(2032, 5, 13), tick=False):
        assert run(date(2032, 5, 13))["pièces jointes supprimées"] == 0  # idempotent
    assert application.log.filter(transition="purger-pieces").count() == 1


def test_a_live_labels_documents_are_kept_then_purged_after_it_ends():
    agent = factories.instructor()
    day = date(2026, 5, 12)
    with time_machine.travel(day, tick=False):
        application, admin = factories.draft("76")
        workflow.submit(application, admin, day=day)
        label = factories.grant(application, agent, day=day, held_on=day).label
    assert run(date(2026, 5, 20))["pièces jointes supprimées"] == 0
    with time_machine.travel(date(2027, 2, 1), tick=False):
        workflow.withdraw(label, agent, "Manquement grave.", day=date(2027, 2, 1))
    # Six years after the decision, but the label ended in 2027: still kept.
    with time_machine.travel(date(2032, 6, 1), tick=False):
        assert run(date(2032, 6, 1))["pièces jointes supprimées"] == 0
    with time_machine.travel(date(2033, 2, 1), tick=False):
        assert run(date(2033, 2, 1))["pièces jointes supprimées"] > 0
    assert not application.attachments.exists()
