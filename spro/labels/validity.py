"""Validity of labels as each policy's `validity` says (dates only; no state is changed here)."""

import calendar
from datetime import date, timedelta

from spro.labels.policy import parse_month_day


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def initial_validity(validity: dict, decided_on: date, campaign=None) -> tuple[date, date | None]:
    """(valid_from, valid_until) of a label granted on `decided_on`."""
    kind = validity["kind"]
    if kind == "tacite-annuelle":
        # Occitanie: "from the notification to 31 December of the following year".
        extra = 1 if validity["first_until"] == "fin-annee-suivante" else 0
        return decided_on, date(decided_on.year + extra, 12, 31)
    if kind == "date-fixe":
        start = campaign.entry_on if campaign is not None else decided_on
        return start, date.fromisoformat(validity["until"])
    if kind == "convention":
        return decided_on, add_months(decided_on, validity["months"]) - timedelta(days=1)
    return decided_on, None  # sans-fin


def renewed_until(validity: dict, valid_until: date) -> date:
    """The end of the next period after a tacit renewal."""
    if validity["kind"] == "tacite-annuelle":
        return date(valid_until.year + 1, 12, 31)
    return add_months(valid_until + timedelta(days=1), validity["months"]) - timedelta(days=1)


def renewal_deadline(validity: dict, valid_until: date) -> date:
    """Occitanie: after the three years, the new dossier is due by 31 March at the latest."""
    return parse_month_day(validity["renewal_deadline"], valid_until.year + 1)
