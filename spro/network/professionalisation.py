"""Trainings followed (attended), per structure and per person: what the label application's dossier
section "professionnalisation" and the annual report's "effort de professionnalisation" (ARA) are
pre-filled with (spro.labels.workflow.prefill, the annual report's page)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from spro.events.models import PARIS
from spro.network.codes import RegistrationState
from spro.network.models import TrainingRegistration

QUESTION_CODE = "professionnalisation"
DOSSIER_YEARS = 2  # the dossier lists the trainings of the last two years


@dataclass
class Followed:
    rows: list  # TrainingRegistration, training and user loaded
    hours: float

    @property
    def people(self) -> int:
        return len({r.user_id for r in self.rows})

    def text(self) -> str:
        """The French text an answer is pre-filled with (empty when nothing was followed)."""
        if not self.rows:
            return ""
        lines = [
            f"{len(self.rows)} participation{'s' if len(self.rows) > 1 else ''} à des formations du plan "
            f"de professionnalisation, {self.people} personne{'s' if self.people > 1 else ''}, "
            f"{hours_text(self.hours)} au total (présences enregistrées dans spro) :"
        ]
        for r in self.rows:
            training = r.training
            person = r.user.get_full_name() or r.user.email
            obligation = ", obligation du label" if training.label_obligation else ""
            lines.append(
                f"- {training.start_local:%d/%m/%Y} — {training.title} ({training.organiser_label}, "
                f"{hours_text(duration_hours(training))}{obligation}) : {person}"
            )
        return "\n".join(lines)


def duration_hours(training) -> float:
    return max((training.end - training.start).total_seconds(), 0) / 3600


def hours_text(hours: float) -> str:
    rounded = round(hours * 2) / 2
    value = f"{rounded:g}".replace(".", ",")
    return f"{value} h"


def followed(structure, start: date | None = None, end: date | None = None, user=None) -> Followed:
    """Attended registrations for `structure` (and `user`, when given) of sessions held in [start, end)."""
    found = TrainingRegistration.objects.filter(
        structure=structure, state=RegistrationState.REGISTERED, attended=True
    ).select_related("training__organiser", "user")
    if user is not None:
        found = found.filter(user=user)
    if start:
        found = found.filter(training__start__gte=datetime.combine(start, time(0), tzinfo=PARIS))
    if end:
        found = found.filter(training__start__lt=datetime.combine(end, time(0), tzinfo=PARIS))
    rows = list(found.order_by("training__start", "user__last_name", "pk"))
    return Followed(rows=rows, hours=sum(duration_hours(r.training) for r in rows))


def for_dossier(structure, day: date) -> Followed:
    return followed(structure, start=day - timedelta(days=365 * DOSSIER_YEARS), end=day + timedelta(days=1))


def for_year(structure, year: int) -> Followed:
    return followed(structure, start=date(year, 1, 1), end=date(year + 1, 1, 1))
