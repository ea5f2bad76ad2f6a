"""Every time-driven step of labelling, run once a day by `spro echeances-labels` (idempotent: run it
twice the same day, or after days without running, and each step happens once).

- campaigns of the policies in force are created for this year and the next, opened and closed;
- annual reports are expected for each year a live label covered, reminded before they are due and
  every `late_reminder_every_days` once late;
- when a label's period ends: tacit renewal if no obligation is recorded as unmet (Occitanie, Centre),
  else a decision asked of the Région (the label is not renewed by itself); « à renouveler » at the end
  of the tacit renewals, with the new dossier due by the policy's deadline (Occitanie: 31 March), then
  expiry unless a renewal dossier is being instructed; expiry at the fixed end (ARA: 31 December 2028);
- Centre: a mise en demeure left unheeded for `formal_notice_months` ends the convention;
- every structure with a live label gets its SPRO status refreshed (a label granted in a campaign starts
  on its entry date);
- attachments are purged `uploads.keep_years` after their dossier ended: its refusal or postponement,
  or the end of the label it led to (never while that label lives); the purge is logged on the dossier;
- the Région is reminded, once per due date, of a regional body late on its rhythm and of a département
  with no comité de suivi ahead of the COPIL (spro.labels.bodies).
"""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from spro.labels import bodies, emails
from spro.labels.models import (
    AnnualReport,
    Application,
    ApplicationLog,
    Breach,
    Campaign,
    Label,
    LabelLog,
    LabelPolicy,
)
from spro.labels.policy import PolicyError, parse_month_day
from spro.labels.states import (
    LIVE_LABEL_STATES,
    PENDING_APPLICATION_STATES,
    CampaignState,
    LabelState,
    SproStatusCode,
)
from spro.labels.status import refresh_status
from spro.labels.validity import add_months, renewal_deadline, renewed_until
from spro.labels.workflow import move_label, volets_text

MAX_CATCH_UP = 50  # periods one run may walk through after a long stop


def run(day: date | None = None) -> Counter:
    day = day or timezone.localdate()
    counts: Counter = Counter()
    regions = set(Label.objects.values_list("region_code", flat=True)) | {settings.SPRO_REGION}
    for region_code in sorted(regions):
        _campaigns(region_code, day, counts)
    for label_id in Label.objects.live().order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            label = (
                Label.objects.select_for_update(of=("self",))
                .select_related("structure__spro_status", "structure__network", "policy")
                .get(pk=label_id)
            )
            seen = (label.state, label.valid_until)
            if label.state in LIVE_LABEL_STATES:
                _label(label, day, counts)
                _reports(label, day, counts)
            current = getattr(label.structure, "spro_status", None)
            shown_as_labelled = current is not None and current.status == SproStatusCode.LABELLISE
            # The status moves when the label did, or when its validity starts or ends (entry date).
            if (label.state, label.valid_until) != seen or shown_as_labelled != label.is_valid_on(day):
                before = current.status if current else None
                if refresh_status(label.structure, reason="Échéance du label", day=day).status != before:
                    counts["statuts mis à jour"] += 1
    _purge_attachments(day, counts)
    bodies.remind(day, settings.SPRO_REGION, counts)
    return counts


# --- retention of attachments ------------------------------------------------------------------------


def dossier_ended_on(application: Application) -> date | None:
    """The day a decided dossier's documents stop being needed (None: still needed)."""
    label = Label.objects.filter(decision__application=application).first()
    if label is not None:
        return label.ended_on if label.state not in LIVE_LABEL_STATES else None
    if application.decided_at is not None:
        return timezone.localdate(application.decided_at)
    return None


def _purge_attachments(day: date, counts: Counter) -> None:
    decided = Application.objects.filter(decided_at__isnull=False, attachments__isnull=False).distinct()
    for application in decided.select_related("policy").order_by("pk"):
        ended = dossier_ended_on(application)
        keep_years = application.policy.policy.uploads.get("keep_years")
        if ended is None or not keep_years:
            continue
        try:
            purge_on = ended.replace(year=ended.year + keep_years)
        except ValueError:  # 29 February
            purge_on = ended.replace(year=ended.year + keep_years, day=28)
        if day < purge_on:
            continue
        with transaction.atomic():
            attachments = list(application.attachments.select_for_update())
            if not attachments:
                continue  # purged by a concurrent run
            for attachment in attachments:
                attachment.file.delete(save=False)
            application.attachments.filter(pk__in=[a.pk for a in attachments]).delete()
            ApplicationLog.objects.create(
                application=application,
                transition="purger-pieces",
                from_state=application.state,
                to_state=application.state,
                comment=f"{len(attachments)} pièce(s) jointe(s) supprimée(s) : durée de conservation de "
                f"{keep_years} an(s) échue le {purge_on:%d/%m/%Y}.",
            )
            counts["pièces jointes supprimées"] += len(attachments)


# --- campaigns ---------------------------------------------------------------------------------------


def _campaigns(region_code: str, day: date, counts: Counter) -> None:
    try:
        policy = LabelPolicy.objects.in_force(region_code).policy
    except PolicyError:
        return
    if not policy.uses_campaigns:
        return
    counts["campagnes créées"] += Campaign.objects.ensure(region_code, policy, day)
    now = timezone.now()
    campaigns = Campaign.objects.filter(region_code=region_code)
    counts["campagnes ouvertes"] += campaigns.filter(
        state=CampaignState.UPCOMING, opens_on__lte=day, closes_on__gte=day
    ).update(state=CampaignState.OPEN, opened_at=now)
    counts["campagnes closes"] += (
        campaigns.exclude(state=CampaignState.CLOSED)
        .filter(closes_on__lt=day)
        .update(state=CampaignState.CLOSED, closed_at=now)
    )


# --- labels ------------------------------------------------------------------------------------------


def _volets(label) -> str:
    return volets_text(label.policy.policy, label.volets)


def _end(label, name: str, day: date, reason: str, counts: Counter, key: str) -> None:
    move_label(label, name, comment=reason, ended_on=day, end_reason=reason)
    counts[key] += 1
    emails.send(
        "fin_label", emails.structure_addresses(label.structure), {"label": label, "volets": _volets(label)}
    )


def _ask_region(label, day: date, unmet: list[str], counts: Counter) -> None:
    """An obligation is unmet: the Région decides (once per occurrence)."""
    if not Label.objects.filter(pk=label.pk, decision_requested_on__isnull=True).update(
        decision_requested_on=day
    ):
        return
    label.decision_requested_on = day
    LabelLog.objects.create(
        label=label,
        transition="demander-decision",
        from_state=label.state,
        to_state=label.state,
        comment="Obligations non remplies : " + " ; ".join(unmet),
    )
    counts["décisions demandées à la Région"] += 1
    emails.send(
        "decision_demandee",
        emails.region_addresses(),
        {"label": label, "volets": _volets(label), "unmet": unmet},
    )


def _label(label: Label, day: date, counts: Counter) -> None:
    validity = label.policy.policy.validity
    kind = validity["kind"]
    if kind == "convention":
        notice = (
            label.breaches.filter(kind=Breach.Kind.FORMAL_NOTICE, remedied_on__isnull=True)
            .exclude(notice_sent_on=None)
            .order_by("notice_sent_on")
            .first()
        )
        if notice is not None:
            ends_on = add_months(notice.notice_sent_on, validity["formal_notice_months"])
            if day >= ends_on:
                reason = (
                    f"Convention dénoncée : la mise en demeure du {notice.notice_sent_on:%d/%m/%Y} "
                    f"({notice.description}) est restée sans effet pendant "
                    f"{validity['formal_notice_months']} mois."
                )
                _end(label, "denoncer", ends_on, reason, counts, "conventions dénoncées")
                return
    for _ in range(MAX_CATCH_UP):
        if label.valid_until is None or day <= label.valid_until:
            break
        if label.state == LabelState.TO_RENEW:
            pending = Application.objects.filter(renewal_of=label, state__in=PENDING_APPLICATION_STATES)
            if pending.exists():
                # The new dossier arrived in time: the label lasts until its decision.
                _extend_until_decision(label, counts)
            else:
                reason = f"Pas de dossier de renouvellement reçu au {label.valid_until:%d/%m/%Y}."
                _end(label, "expirer", day, reason, counts, "labels expirés")
            break
        if kind == "tacite-annuelle" and label.renewals >= validity["tacit_renewals"]:
            deadline = renewal_deadline(validity, label.valid_until)
            move_label(
                label,
                "a-renouveler",
                comment="Fin des trois années : "
                f"nouveau dossier attendu au plus tard le {deadline:%d/%m/%Y}.",
                valid_until=deadline,
            )
            counts["labels à renouveler"] += 1
            emails.send(
                "a_renouveler",
                emails.structure_addresses(label.structure),
                {"label": label, "volets": _volets(label)},
            )
            continue
        if kind in ("tacite-annuelle", "convention"):
            unmet = label.unmet_obligations(day)
            if validity.get("obligations_required") and unmet:
                _ask_region(label, day, unmet, counts)
                break
            until = renewed_until(validity, label.valid_until)
            move_label(
                label,
                "reconduire",
                comment=f"Reconduction tacite jusqu'au {until:%d/%m/%Y}.",
                renewals=label.renewals + 1,
                valid_until=until,
            )
            counts["reconductions tacites"] += 1
            continue
        reason = f"Fin de validité au {label.valid_until:%d/%m/%Y}."
        _end(label, "expirer", day, reason, counts, "labels expirés")
        break
    if (
        kind == "date-fixe"
        and label.state in LIVE_LABEL_STATES
        and validity.get("obligations_required")
        and label.decision_requested_on is None
    ):
        unmet = label.unmet_obligations(day)
        if unmet:
            _ask_region(label, day, unmet, counts)


def _extend_until_decision(label: Label, counts: Counter) -> None:
    Label.objects.filter(pk=label.pk).update(valid_until=None)
    LabelLog.objects.create(
        label=label,
        transition="prolonger",
        from_state=label.state,
        to_state=label.state,
        comment="Dossier de renouvellement en instruction : le label court jusqu'à la décision.",
    )
    label.valid_until = None
    counts["labels prolongés jusqu'à la décision"] += 1


# --- annual reports ----------------------------------------------------------------------------------


def _reports(label: Label, day: date, counts: Counter) -> None:
    report_policy = label.policy.policy.annual_report
    if not report_policy:
        return
    expected = set(range(label.valid_from.year, day.year))
    missing = expected - set(label.reports.values_list("year", flat=True))
    for year in sorted(missing):
        _, created = AnnualReport.objects.get_or_create(
            label=label, year=year, defaults={"due_on": parse_month_day(report_policy["due"], year + 1)}
        )
        counts["bilans annuels attendus"] += created
    before = timedelta(days=report_policy.get("reminder_days_before", 30))
    every = timedelta(days=report_policy.get("late_reminder_every_days", 30))
    recipients = None
    for report in label.reports.filter(submitted_at__isnull=True):
        if report.due_on - before <= day <= report.due_on:
            if AnnualReport.objects.filter(pk=report.pk, reminded_before_on__isnull=True).update(
                reminded_before_on=day
            ):
                recipients = recipients or emails.structure_addresses(label.structure)
                emails.send("rapport_rappel", recipients, {"report": report})
                counts["rappels avant échéance"] += 1
        elif day > report.due_on and (
            report.late_reminded_on is None or day - report.late_reminded_on >= every
        ):
            if AnnualReport.objects.filter(pk=report.pk, late_reminded_on=report.late_reminded_on).update(
                late_reminded_on=day
            ):
                recipients = recipients or emails.structure_addresses(label.structure)
                emails.send("rapport_retard", recipients, {"report": report})
                counts["relances de bilans en retard"] += 1
