"""Trainings followed (attendance recorded), per structure and per person, pre-fill the label dossier's
"professionnalisation" and the annual report's "effort de professionnalisation" (Auvergne-Rhône-Alpes,
policy 84); a policy without the question gets nothing."""

import html
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spro.labels import workflow as labels
from spro.labels.models import AnnualReport, Application, Decision, Label, LabelPolicy
from spro.network import professionalisation, workflow
from tests.accounts import factories as accounts
from tests.labels import factories as label_factories
from tests.network.factories import paris, training

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    structure, admin = label_factories.applicant("84")
    admin.first_name, admin.last_name = "Ada", "Martin"
    admin.save()
    bea = accounts.member(structure, "bea@mo.test", first_name="Béa", last_name="Roux")
    return structure, admin, bea


def attend(session, people, structure, present):
    with time_machine.travel(session.start - timedelta(days=10)):
        for person in people:
            workflow.register(session, person, structure, person)
    with time_machine.travel(session.end):
        workflow.record_attendance(
            session, {r.pk for r in session.registrations.filter(user__in=present)}, None
        )


@pytest.fixture
def followed(applicant):
    structure, admin, bea = applicant
    aiguillage = training("L'aiguillage en pratique", start=paris(2026, 3, 10, 9), end=paris(2026, 3, 10, 16))
    cep = training(
        "Le CEP", start=paris(2026, 6, 2, 9), end=paris(2026, 6, 2, 12, 30), label_obligation=True, axis="cep"
    )
    old = training("Ancienne session", start=paris(2023, 5, 2, 9), end=paris(2023, 5, 2, 17))
    attend(aiguillage, [admin, bea], structure, present=[admin, bea])
    attend(cep, [admin, bea], structure, present=[bea])  # Ada was absent
    attend(old, [admin], structure, present=[admin])
    return structure, admin, bea


def test_per_structure_and_per_person_only_attended_sessions_count(followed):
    structure, admin, bea = followed
    year = professionalisation.for_year(structure, 2026)
    assert [(r.training.title, r.user.first_name) for r in year.rows] == [
        ("L'aiguillage en pratique", "Ada"),
        ("L'aiguillage en pratique", "Béa"),
        ("Le CEP", "Béa"),
    ]
    assert year.hours == 7 + 7 + 3.5 and year.people == 2
    assert [r.training.title for r in professionalisation.followed(structure, user=admin).rows] == [
        "Ancienne session",
        "L'aiguillage en pratique",
    ]
    text = year.text()
    assert text.startswith(
        "3 participations à des formations du plan de professionnalisation, 2 personnes, 17,5 h"
    )
    assert "- 02/06/2026 — Le CEP (" in text and "3,5 h, obligation du label) : Béa Roux" in text


def test_the_dossier_section_professionnalisation_is_prefilled_with_the_last_two_years(followed):
    structure, admin, _ = followed
    with time_machine.travel("2026-09-01 10:00:00 +02:00"):
        application = labels.start_application(structure, ["spro"], admin, region_code="84")
    answer = application.answers["professionnalisation"]
    assert "L'aiguillage en pratique" in answer and "Le CEP" in answer
    assert "Ancienne session" not in answer  # 2023: more than two years before
    assert application.answers["territoire"] == ["69"]


def test_a_policy_without_the_question_is_not_prefilled_with_trainings():
    structure, admin = label_factories.applicant("76")
    session = training(start=paris(2026, 3, 10, 9), end=paris(2026, 3, 10, 16))
    attend(session, [admin], structure, present=[admin])
    with time_machine.travel("2026-09-01 10:00:00 +02:00"):
        application = labels.start_application(structure, ["spro"], admin, region_code="76")
    assert "professionnalisation" not in application.answers


def test_the_annual_report_effort_de_professionnalisation_is_prefilled_from_the_year(followed):
    structure, admin, _ = followed
    policy = LabelPolicy.objects.in_force("84")
    application = Application.objects.create(
        structure=structure,
        region_code="84",
        policy=policy,
        volets=["spro"],
        state="accorde",
        created_by=admin,
    )
    decision = Decision.objects.create(
        application=application, outcome="accorde", decided_on=date(2025, 6, 1), decided_by_body="Commission"
    )
    label = Label.objects.create(
        structure=structure,
        region_code="84",
        decision=decision,
        policy=policy,
        volets=["spro"],
        valid_from=date(2025, 6, 1),
        valid_until=date(2028, 6, 1),
    )
    report = AnnualReport.objects.create(label=label, year=2026, due_on=date(2027, 3, 31))
    client = Client()
    accounts.login_verified(client, admin)
    page = html.unescape(client.get(reverse("labellisation:report", args=[report.pk])).content.decode())
    assert "3 participations à des formations du plan de professionnalisation" in page
    assert "Formations du plan de professionnalisation suivies (présences enregistrées) : 3, 17,5 h" in page
    # An answer already written is kept as it is.
    report.answers = {"spro.professionnalisation": "Notre propre bilan."}
    report.save()
    page = html.unescape(client.get(reverse("labellisation:report", args=[report.pk])).content.decode())
    assert "Notre propre bilan." in page and "3 participations" not in page
