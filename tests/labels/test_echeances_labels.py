"""`spro echeances-labels`, walked day by day across whole years for each shipped profile: reminders
and late reports, tacit renewals, a decision asked of the Région when an obligation is unmet, the
three-year renewal (Occitanie), the two campaigns and the 2028 end (Auvergne-Rhône-Alpes), the
convention and its mise en demeure (Centre), the adhesion without end (Pays de la Loire)."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from spro.labels import workflow
from spro.labels.deadlines import run
from spro.labels.models import AnnualReport, Campaign, Label
from tests.labels import factories

pytestmark = pytest.mark.django_db


def walk(first: date, last: date, daily: bool = False):
    """Run the command, the clock at that day, on every day from `first` to `last` (`daily`), or on
    the 1st and the 16th of each month and on `last`: every step of the four profiles falls on a 1st
    (1 January, 1 April, the day after a validity ends…), and the days between check that a run after
    days without running catches up."""
    day = first
    while day <= last:
        if daily or day.day in (1, 16) or day == last:
            with time_machine.travel(day, tick=False):
                run(day)
        day += timedelta(days=1)


def sent(subject_start: str) -> list:
    return [m for m in mail.outbox if m.subject.startswith(subject_start)]


def submit_report(label, year, admin, day):
    report = AnnualReport.objects.get(label=label, year=year)
    policy = label.policy.policy
    answers = {
        f"{volet}.{q['code']}": factories.answer_for(q, policy)
        for volet, q in policy.report_questions(label.volets)
    }
    with time_machine.travel(day, tick=False):
        workflow.submit_report(report, answers, admin)


def granted(region_code, day, volets=("spro",), name="Maison de l'orientation"):
    agent = factories.instructor(f"agent-{name[:5].lower().replace(' ', '')}@region.test")
    with time_machine.travel(day, tick=False):
        application, admin = factories.draft(region_code, volets=volets, name=name)
        workflow.submit(application, admin, day=day)
        label = factories.grant(application, agent, day=day, held_on=day).label
    return label, admin, agent


# --- Occitanie ---------------------------------------------------------------------------------------


def test_occitanie_label_is_renewed_twice_then_to_renew_then_expires_without_a_new_dossier():
    label, admin, _ = granted("76", date(2026, 5, 12))
    assert label.valid_until == date(2027, 12, 31)

    walk(date(2026, 5, 13), date(2027, 3, 31))
    assert list(label.reports.values_list("year", "due_on")) == [(2026, date(2027, 3, 31))]
    assert len(sent("Bilan annuel 2026 à remettre avant le 31/03/2027")) == 1
    submit_report(label, 2026, admin, date(2027, 3, 20))

    walk(date(2027, 4, 1), date(2028, 1, 1))
    label.refresh_from_db()
    assert (label.state, label.renewals, label.valid_until) == ("reconduit", 1, date(2028, 12, 31))
    submit_report(label, 2027, admin, date(2028, 2, 1))

    walk(date(2028, 1, 2), date(2029, 1, 1))
    label.refresh_from_db()
    assert (label.state, label.renewals, label.valid_until) == ("reconduit", 2, date(2029, 12, 31))
    submit_report(label, 2028, admin, date(2029, 3, 1))

    walk(date(2029, 1, 2), date(2030, 1, 1))
    label.refresh_from_db()
    assert (label.state, label.valid_until) == ("a-renouveler", date(2030, 3, 31))
    assert len(sent("Votre label est à renouveler avant le 31/03/2030")) == 1
    assert label.structure.spro_status.status == "labellise"
    submit_report(label, 2029, admin, date(2030, 3, 1))

    walk(date(2030, 1, 2), date(2030, 4, 1))
    label.refresh_from_db()
    assert label.state == "expire"
    assert label.end_reason == "Pas de dossier de renouvellement reçu au 31/03/2030."
    label.structure.spro_status.refresh_from_db()
    assert label.structure.spro_status.status == ""
    assert list(label.log.values_list("transition", flat=True)) == [
        "accorder",
        "reconduire",
        "reconduire",
        "a-renouveler",
        "expirer",
    ]
    assert not sent("Bilan annuel") or all("en retard" not in m.subject for m in mail.outbox)


def test_occitanie_unmet_report_asks_the_region_instead_of_renewing():
    label, admin, agent = granted("76", date(2026, 5, 12))
    walk(date(2026, 5, 13), date(2027, 6, 1))
    late = sent("Bilan annuel 2026 en retard")
    assert len(late) == 3  # 1 April, 1 May, 1 June: every 30 days at least
    walk(date(2027, 6, 2), date(2028, 1, 10))
    label.refresh_from_db()
    assert (label.state, label.renewals, label.decision_requested_on) == ("actif", 0, date(2028, 1, 1))
    asked = sent("Label de Maison de l'orientation : une obligation n'est pas remplie")
    assert len(asked) == 1
    assert "Bilan annuel 2026 attendu le 31/03/2027" in asked[0].body
    assert agent.email in asked[0].to
    assert not label.is_valid_on(date(2028, 1, 10))
    with time_machine.travel(date(2028, 1, 12), tick=False):
        workflow.confirm_renewal(label, agent, "Bilan reçu par courrier.", day=date(2028, 1, 12))
    label.refresh_from_db()
    assert (label.state, label.valid_until, label.decision_requested_on) == (
        "reconduit",
        date(2028, 12, 31),
        None,
    )
    assert label.log.get(transition="confirmer-reconduction").by == agent


def test_occitanie_renewal_dossier_keeps_the_label_until_its_decision_then_replaces_it():
    label, admin, agent = granted("76", date(2026, 5, 12))
    for year in (2026, 2027, 2028):
        walk(date(year + 1, 1, 1), date(year + 1, 1, 1))
        submit_report(label, year, admin, date(year + 1, 2, 1))
    walk(date(2030, 1, 1), date(2030, 1, 1))
    label.refresh_from_db()
    assert label.state == "a-renouveler"
    with time_machine.travel(date(2030, 3, 15), tick=False):
        renewal = workflow.start_application(
            label.structure, ["spro"], admin, region_code="76", renewal_of=label
        )
        factories.fill(renewal, admin)
        workflow.submit(renewal, admin, day=date(2030, 3, 15))
    walk(date(2030, 3, 16), date(2030, 5, 1))
    label.refresh_from_db()
    assert (label.state, label.valid_until) == ("a-renouveler", None)
    assert label.is_valid_on(date(2030, 5, 1))
    with time_machine.travel(date(2030, 5, 20), tick=False):
        new = factories.grant(renewal, agent, day=date(2030, 5, 20)).label
    label.refresh_from_db()
    assert (label.state, label.end_reason) == ("expire", "Renouvellement accordé.")
    assert (new.state, new.valid_until) == ("actif", date(2031, 12, 31))
    assert label.structure.spro_status.attestation == new.reference


# --- Auvergne-Rhône-Alpes ----------------------------------------------------------------------------


def test_ara_two_campaigns_give_entries_on_1_january_and_1_september_and_labels_end_in_2028(settings):
    settings.SPRO_REGION = "84"
    walk(date(2026, 8, 25), date(2026, 9, 2), daily=True)
    january = Campaign.objects.get(region_code="84", code="janvier", entry_on=date(2027, 1, 1))
    assert january.state == "ouverte" and january.opened_at is not None
    first, admin_first, _ = granted("84", date(2026, 9, 20), name="Espace orientation Lyon")
    assert (first.valid_from, first.valid_until) == (date(2027, 1, 1), date(2028, 12, 31))
    assert first.structure.spro_status.status == ""  # not before its entry date

    walk(date(2026, 9, 3), date(2027, 1, 1))
    january.refresh_from_db()
    assert january.state == "close"
    first.structure.spro_status.refresh_from_db()
    assert first.structure.spro_status.status == "labellise"

    walk(date(2027, 1, 2), date(2027, 3, 1))
    september = Campaign.objects.get(region_code="84", code="septembre", entry_on=date(2027, 9, 1))
    assert september.state == "ouverte"
    second, _, _ = granted("84", date(2027, 3, 10), name="Point information Villeurbanne")
    assert (second.valid_from, second.valid_until) == (date(2027, 9, 1), date(2028, 12, 31))

    walk(date(2027, 3, 2), date(2028, 3, 1))
    submit_report(first, 2027, admin_first, date(2028, 3, 1))
    walk(date(2028, 3, 2), date(2029, 1, 1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.end_reason) == ("expire", "Fin de validité au 31/12/2028.")
    assert first.decision_requested_on is None
    # The second structure never sent its 2027 report: the Région was asked to decide, once.
    assert second.state == "expire"
    assert second.decision_requested_on == date(2028, 4, 1)
    assert len(sent("Label de Point information Villeurbanne : une obligation n'est pas remplie")) == 1


# --- Centre-Val de Loire -----------------------------------------------------------------------------


def test_centre_convention_is_renewed_each_year_and_a_remedied_mise_en_demeure_keeps_it():
    label, _, agent = granted("24", date(2026, 2, 1))
    assert label.valid_until == date(2027, 1, 31)
    walk(date(2026, 2, 2), date(2028, 2, 1))
    label.refresh_from_db()
    assert (label.state, label.renewals, label.valid_until) == ("reconduit", 2, date(2029, 1, 31))
    with time_machine.travel(date(2028, 3, 1), tick=False):
        notice = workflow.send_formal_notice(
            label, agent, "Rapport d'activité non transmis", date(2028, 3, 1)
        )
    walk(date(2028, 3, 1), date(2028, 4, 15))
    workflow.remedy(notice, agent, date(2028, 4, 15))
    walk(date(2028, 4, 16), date(2028, 6, 1))
    label.refresh_from_db()
    assert label.state == "reconduit"


def test_centre_mise_en_demeure_unheeded_for_two_months_ends_the_convention():
    label, _, agent = granted("24", date(2026, 2, 1))
    with time_machine.travel(date(2026, 6, 1), tick=False):
        workflow.send_formal_notice(label, agent, "Absence au comité de coordination", date(2026, 6, 1))
    walk(date(2026, 6, 1), date(2026, 7, 31), daily=True)
    label.refresh_from_db()
    assert label.state == "actif"
    walk(date(2026, 8, 1), date(2026, 8, 2), daily=True)
    label.refresh_from_db()
    assert label.state == "retire"
    assert label.ended_on == date(2026, 8, 1)
    assert label.end_reason.startswith("Convention dénoncée : la mise en demeure du 01/06/2026")
    assert label.structure.spro_status.status == ""


# --- Pays de la Loire --------------------------------------------------------------------------------


def test_pays_de_la_loire_adhesion_has_no_end_and_no_annual_report():
    label, _, _ = granted("52", date(2026, 3, 1))
    assert label.valid_until is None
    walk(date(2026, 3, 1), date(2031, 3, 1))
    label.refresh_from_db()
    assert label.state == "actif"
    assert label.is_valid_on(date(2031, 3, 1))
    assert not AnnualReport.objects.exists()
    assert list(label.log.values_list("transition", flat=True)) == ["accorder"]


# --- the command -------------------------------------------------------------------------------------


def test_a_second_run_the_same_day_does_nothing_more():
    label, _, _ = granted("76", date(2026, 5, 12))
    with time_machine.travel(date(2027, 3, 1), tick=False):
        first, second = StringIO(), StringIO()
        call_command("echeances-labels", stdout=first)
        outbox = len(mail.outbox)
        call_command("echeances-labels", stdout=second)
    assert "rappels avant échéance : 1" in first.getvalue()
    assert second.getvalue() == "Rien à faire aujourd'hui.\n"
    assert len(mail.outbox) == outbox


def test_a_run_after_days_without_running_catches_up_once():
    label, _, _ = granted("24", date(2026, 2, 1))
    with time_machine.travel(date(2029, 6, 1), tick=False):
        out = StringIO()
        call_command("echeances-labels", stdout=out)
    label.refresh_from_db()
    assert (label.renewals, label.valid_until) == (3, date(2030, 1, 31))
    assert "reconductions tacites : 3" in out.getvalue()


def test_a_bad_date_is_refused_in_french():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-JJ") as raised:
        call_command("echeances-labels", "--date", "31/03/2027")
    assert raised.value.returncode == 2


def test_only_live_labels_are_looked_at():
    label, _, agent = granted("52", date(2026, 3, 1))
    workflow.withdraw(label, agent, "Fin d'activité")
    assert Label.objects.live().count() == 0
