"""The French opening-hours editor of the site form, and the OpenStreetMap string it stands for.

The editor says what a first-door adviser knows: for each day, closed or open in the morning and/or the
afternoon; closed on public holidays; one yearly closure (from a date to a date). `compose` writes the
OpenStreetMap string ("Mo-Fr 09:00-12:00,14:00-17:00; PH off"); `parse` reads the simple strings back
into the editor, and returns None for anything the editor cannot say (the expert text field keeps it).
"""

import re
from dataclasses import dataclass, field
from datetime import date, time

from django import forms

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
MONTH_CODES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NOON = time(12, 0)

Range = tuple[time, time]


@dataclass(frozen=True)
class Day:
    """One day of the week: no range is a closed day; a single range may be a continuous day."""

    morning: Range | None = None
    afternoon: Range | None = None

    @property
    def ranges(self) -> tuple[Range, ...]:
        return tuple(r for r in (self.morning, self.afternoon) if r)


CLOSED = Day()


@dataclass(frozen=True)
class Week:
    days: tuple[Day, ...] = (CLOSED,) * 7
    holidays_closed: bool = False
    # The yearly closure: ((month, day), (month, day)), both included; it may run across the new year.
    closure: tuple[tuple[int, int], tuple[int, int]] | None = None

    @property
    def is_empty(self) -> bool:
        return not any(d.ranges for d in self.days) and not self.holidays_closed and not self.closure


# --- composing the OpenStreetMap string --------------------------------------------------------------


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _day_selector(indexes: list[int]) -> str:
    """[0, 1, 2, 4] → "Mo-We,Fr"; runs of three days or more are written with a dash."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}")
        else:
            parts.extend(DAY_CODES[i] for i in run)
    return ",".join(parts)


def _month_day(month_day: tuple[int, int]) -> str:
    month, day = month_day
    return f"{MONTH_CODES[month - 1]} {day:02d}"


def compose(week: Week) -> str:
    """The OpenStreetMap string of `week`: days with the same hours share a rule, closed days are left
    out (a day no rule names is closed), then the yearly closure, then the public holidays."""
    groups: dict[tuple[Range, ...], list[int]] = {}
    for index, day in enumerate(week.days):
        if day.ranges:
            groups.setdefault(day.ranges, []).append(index)
    rules = [
        f"{_day_selector(indexes)} {','.join(f'{_hhmm(a)}-{_hhmm(b)}' for a, b in ranges)}"
        for ranges, indexes in groups.items()
    ]
    if week.closure:
        start, end = week.closure
        dates = _month_day(start) if start == end else f"{_month_day(start)}-{_month_day(end)}"
        rules.append(f"{dates} off")
    if week.holidays_closed:
        rules.append("PH off")
    return "; ".join(rules)


# --- reading simple strings back ----------------------------------------------------------------------

_DAY = "|".join(DAY_CODES)
_MONTH = "|".join(MONTH_CODES)
DAYS_RULE = re.compile(
    rf"^(?P<days>(?:{_DAY})(?:-(?:{_DAY}))?(?:,(?:{_DAY})(?:-(?:{_DAY}))?)*) "
    r"(?P<hours>off|closed|\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*)$"
)
CLOSURE_RULE = re.compile(
    rf"^(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}})(?:-(?P<m2>{_MONTH}) (?P<d2>\d{{1,2}}))? (?:off|closed)$"
)
HOLIDAYS_RULE = re.compile(r"^PH (?:off|closed)$")


def _days(selector: str) -> list[int] | None:
    indexes: list[int] = []
    for part in selector.split(","):
        first, _, last = part.partition("-")
        start, end = DAY_CODES.index(first), DAY_CODES.index(last or first)
        if end < start:  # "Sa-Mo" wraps around the week: rare, left to the expert field
            return None
        indexes.extend(range(start, end + 1))
    return indexes


def _time(text: str) -> time | None:
    hours, minutes = int(text[:2]), int(text[3:])
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def _day(hours: str) -> Day | None:
    if hours in ("off", "closed"):
        return CLOSED
    ranges = []
    for text in hours.split(","):
        start, end = _time(text[:5]), _time(text[6:])
        if start is None or end is None or end <= start:  # "22:00-02:00" runs past midnight
            return None
        ranges.append((start, end))
    if len(ranges) == 1:
        return Day(morning=ranges[0]) if ranges[0][0] < NOON else Day(afternoon=ranges[0])
    if len(ranges) == 2 and ranges[0][1] < ranges[1][0]:
        return Day(morning=ranges[0], afternoon=ranges[1])
    return None


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2024, month, day)  # a leap year: 29 February is a date
    except ValueError:
        return False
    return True


def parse(value: str) -> Week | None:
    """The editor's week for `value`, or None when the editor cannot represent it.

    Rules apply in order, a later one replacing the hours of the days it names ("Mo-Fr …; We …");
    the closures (a yearly date range, public holidays) must come after the rules on days, since a
    rule on days written after them would open those dates again.
    """
    value = " ".join((value or "").split())
    if not value:
        return Week()
    days = list(Week().days)
    holidays_closed, closure, exceptions_started = False, None, False
    for rule in (r.strip() for r in value.split(";")):
        if not rule:
            continue
        if HOLIDAYS_RULE.match(rule) and not holidays_closed:
            holidays_closed = exceptions_started = True
            continue
        if (found := CLOSURE_RULE.match(rule)) and closure is None:
            start = (MONTH_CODES.index(found["m1"]) + 1, int(found["d1"]))
            end = (MONTH_CODES.index(found["m2"]) + 1, int(found["d2"])) if found["m2"] else start
            if not (_valid_month_day(*start) and _valid_month_day(*end)):
                return None
            closure, exceptions_started = (start, end), True
            continue
        found = DAYS_RULE.match(rule)
        if not found or exceptions_started:
            return None
        indexes, day = _days(found["days"]), _day(found["hours"])
        if indexes is None or day is None:
            return None
        for index in indexes:
            days[index] = day
    return Week(tuple(days), holidays_closed, closure)


# --- the editor as a form ------------------------------------------------------------------------------

PARTS = (("am", "matin"), ("pm", "après-midi"))
OF_PART = {"am": "du matin", "pm": "de l'après-midi"}
ENDS = (("open", "ouverture"), ("close", "fermeture"))
DAY_CHOICES = [("", "Jour")] + [(str(d), "1er" if d == 1 else str(d)) for d in range(1, 32)]
MONTH_CHOICES = [("", "Mois")] + [(str(i), name) for i, name in enumerate(MONTH_NAMES, start=1)]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh", "%H"]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "fr-input", **(attrs or {})}, format="%H:%M")


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(),
        error_messages={"invalid": f"{label} : saisissez une heure sur 24 h, comme 09:00 ou 14:30."},
    )


@dataclass
class DayRow:
    """What the template needs to lay out one day: its name and its bound fields."""

    name: str
    closed: forms.BoundField
    times: list[tuple[str, forms.BoundField]] = field(default_factory=list)


class HoursEditorForm(forms.Form):
    """A row per day (closed, morning and afternoon ranges) and the closures; `week` once valid."""

    template_name = "structures/_hours_editor.html"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "horaires")
        super().__init__(*args, **kwargs)
        for code, name in zip(DAY_CODES, DAY_NAMES, strict=True):
            self.fields[f"{code}_closed"] = forms.BooleanField(label=f"{name} : fermé", required=False)
            for part, part_name in PARTS:
                for end, end_name in ENDS:
                    self.fields[f"{code}_{part}_{end}"] = _time_field(f"{name}, {part_name}, {end_name}")
        self.fields["holidays_closed"] = forms.BooleanField(label="Fermé les jours fériés", required=False)
        for end, end_name in (("start", "début"), ("end", "fin")):
            self.fields[f"closure_{end}_day"] = forms.TypedChoiceField(
                label=f"Fermeture annuelle, {end_name}, jour",
                choices=DAY_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                error_messages={"invalid_choice": "Choisissez un jour de la liste."},
            )
            self.fields[f"closure_{end}_month"] = forms.TypedChoiceField(
                label=f"Fermeture annuelle, {end_name}, mois",
                choices=MONTH_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                error_messages={"invalid_choice": "Choisissez un mois de la liste."},
            )
        for editor_field in self.fields.values():
            if isinstance(editor_field.widget, forms.Select):
                editor_field.widget.attrs["class"] = "fr-select"

    def full_clean(self):
        super().full_clean()
        for name in self._errors or ():
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-desc-error"}
                )

    @classmethod
    def initial_for(cls, week: Week) -> dict:
        """The editor's initial values for `week` (days without hours are shown as closed)."""
        initial: dict = {"holidays_closed": week.holidays_closed}
        for code, day in zip(DAY_CODES, week.days, strict=True):
            initial[f"{code}_closed"] = not day.ranges and not week.is_empty
            for part, range_ in (("am", day.morning), ("pm", day.afternoon)):
                if range_:
                    initial[f"{code}_{part}_open"], initial[f"{code}_{part}_close"] = range_
        if week.closure:
            (m1, d1), (m2, d2) = week.closure
            initial.update(
                closure_start_day=d1, closure_start_month=m1, closure_end_day=d2, closure_end_month=m2
            )
        return initial

    @property
    def rows(self) -> list[DayRow]:
        return [
            DayRow(
                name,
                self[f"{code}_closed"],
                [
                    (f"{part_name.capitalize()}, {end_name}", self[f"{code}_{part}_{end}"])
                    for part, part_name in PARTS
                    for end, end_name in ENDS
                ],
            )
            for code, name in zip(DAY_CODES, DAY_NAMES, strict=True)
        ]

    @property
    def closure_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [
            (f"{end_name}, {unit}", self[f"closure_{end}_{unit_code}"])
            for end, end_name in (("start", "du"), ("end", "au"))
            for unit_code, unit in (("day", "jour"), ("month", "mois"))
        ]

    @property
    def is_used(self) -> bool:
        """Whether anything was filled in (a bound, valid editor)."""
        return any(value not in (None, False, "") for value in self.cleaned_data.values())

    def clean(self):
        data = super().clean()
        days = []
        for code, name in zip(DAY_CODES, DAY_NAMES, strict=True):
            days.append(self._clean_day(data, code, name))
        closure = self._clean_closure(data)
        self.week = Week(tuple(days), bool(data.get("holidays_closed")), closure)
        return data

    def _clean_day(self, data, code, name) -> Day:
        ranges: dict[str, Range | None] = {}
        for part, _part_name in PARTS:
            opens, closes = f"{code}_{part}_open", f"{code}_{part}_close"
            if opens in self.errors or closes in self.errors:
                ranges[part] = None
                continue
            start, end = data.get(opens), data.get(closes)
            ranges[part] = None
            if start is None and end is None:
                continue
            if start is None:
                self.add_error(opens, f"{name} : indiquez l'heure d'ouverture {OF_PART[part]}.")
            elif end is None:
                self.add_error(closes, f"{name} : indiquez l'heure de fermeture {OF_PART[part]}.")
            elif end <= start:
                self.add_error(
                    closes,
                    f"{name} : l'heure de fermeture {OF_PART[part]} doit suivre l'heure d'ouverture.",
                )
            else:
                ranges[part] = (start, end)
        morning, afternoon = ranges["am"], ranges["pm"]
        if morning and afternoon and afternoon[0] <= morning[1]:
            self.add_error(
                f"{code}_pm_open",
                f"{name} : l'après-midi doit commencer après la fermeture du matin.",
            )
        if data.get(f"{code}_closed") and (morning or afternoon):
            self.add_error(
                f"{code}_closed",
                f"{name} : décochez « Fermé » ou effacez les heures de ce jour.",
            )
        return Day(morning, afternoon)

    def _clean_closure(self, data):
        names = ("closure_start_day", "closure_start_month", "closure_end_day", "closure_end_month")
        values = [data.get(name) for name in names]
        if all(value is None for value in values):
            return None
        for name, value in zip(names, values, strict=True):
            if value is None and name not in self.errors:
                self.add_error(name, "Fermeture annuelle : indiquez le jour et le mois de début et de fin.")
        if any(value is None for value in values):
            return None
        start_day, start_month, end_day, end_month = values
        for day_name, day, month in (
            ("closure_start_day", start_day, start_month),
            ("closure_end_day", end_day, end_month),
        ):
            if not _valid_month_day(month, day):
                self.add_error(
                    day_name, f"Fermeture annuelle : le {day} {MONTH_NAMES[month - 1]} n'existe pas."
                )
                return None
        return (start_month, start_day), (end_month, end_day)


def editor_for(value: str, data=None) -> tuple[HoursEditorForm, bool]:
    """The editor for the stored `value` (bound to `data` when posted), and whether `value` is beyond
    what the editor can say ("Horaires saisis en format expert")."""
    week = parse(value)
    initial = HoursEditorForm.initial_for(week) if week else {}
    return HoursEditorForm(data, initial=initial), week is None


def same_hours(expert: str, week: Week) -> bool:
    """Whether the expert text says what the editor says (written the same or read the same)."""
    return expert == compose(week) or parse(expert) == week
