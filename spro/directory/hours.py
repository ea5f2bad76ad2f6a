"""Opening hours of a site (OpenStreetMap `opening_hours` format) in plain French.

- `opening_state(value, now)`: open / closed / unknown now, with a sentence such as
  "Ouvert maintenant, ferme à 17 h" or "Fermé, ouvre lundi à 9 h".
- `week_schedule(value, today)`: the seven days of the current week with their time slots.
- `describe_hours(value)`: the whole rule rewritten in words ("du lundi au vendredi 9 h – 12 h").

Times are local (settings.TIME_ZONE); public holidays are those of France (`PH`).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils import timezone
from opening_hours import OpeningHours

OPEN, CLOSED, UNKNOWN = "ouvert", "ferme", "inconnu"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
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
LABELS = {OPEN: "Ouvert", CLOSED: "Fermé", UNKNOWN: "Horaires non renseignés"}


@dataclass(frozen=True)
class OpeningState:
    code: str  # "ouvert", "ferme" or "inconnu"
    text: str  # the sentence a person reads
    next_change: datetime | None = None

    @property
    def value(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.code == OPEN

    @property
    def label(self) -> str:
        return LABELS[self.code]

    def __str__(self):
        return self.text


@lru_cache(maxsize=4096)
def parse(value: str) -> OpeningHours | None:
    """The parsed schedule, or None when it is empty or unreadable (cached: schedules repeat a lot)."""
    if not value or not value.strip():
        return None
    try:
        return OpeningHours(value, country="FR")
    except Exception:  # SyntaxError and anything the parser may raise on odd input
        return None


def is_valid(value: str) -> bool:
    return parse(value) is not None


def local_now(now: datetime | None = None) -> datetime:
    """Naive local time, as the opening_hours library expects it."""
    return timezone.localtime(now).replace(tzinfo=None, second=0, microsecond=0)


def _state_code(oh: OpeningHours, at: datetime) -> str:
    state = str(oh.state(at)[0]).split(".")[-1].lower()
    return {"open": OPEN, "closed": CLOSED}.get(state, UNKNOWN)


def state_code(value: str, now: datetime | None = None) -> str:
    """Just "ouvert", "ferme" or "inconnu" (cheap: used to filter on "ouvert maintenant")."""
    return _state_code_at(value, local_now(now))


@lru_cache(maxsize=8192)
def _state_code_at(value: str, minute: datetime) -> str:
    """The state of a schedule at a local minute, worked out once per process: "ouvert maintenant" asks
    it for every distinct schedule of the directory at each search."""
    oh = parse(value)
    if oh is None:
        return UNKNOWN
    try:
        return _state_code(oh, minute)
    except Exception:
        return UNKNOWN


def format_time(moment: time) -> str:
    """9 h, 17 h 30, minuit."""
    if moment.hour == 0 and moment.minute == 0:
        return "minuit"
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def format_when(moment: datetime, today: date) -> str:
    """'à 17 h', 'demain à 9 h', 'lundi à 9 h', 'le 5 janvier à 9 h' relative to `today`."""
    day = moment.date()
    at = f"à {format_time(moment.time())}"
    if day == today:
        return at
    if day == today + timedelta(days=1):
        return f"demain {at}"
    if day < today + timedelta(days=7):
        return f"{WEEKDAYS[day.weekday()]} {at}"
    return f"le {day.day if day.day != 1 else '1er'} {MONTHS[day.month - 1]} {at}"


def opening_state(value: str, now: datetime | None = None) -> OpeningState:
    oh = parse(value)
    if oh is None:
        text = "Horaires à vérifier auprès du lieu" if value and value.strip() else "Horaires non renseignés"
        return OpeningState(UNKNOWN, text)
    at = local_now(now)
    try:
        code = _state_code(oh, at)
        change = oh.next_change(at)
    except Exception:
        return OpeningState(UNKNOWN, "Horaires à vérifier auprès du lieu")
    if change is not None:
        change = change.replace(tzinfo=None)
        if change - at > timedelta(days=366):
            change = None
    if code == OPEN:
        text = "Ouvert maintenant" + (f", ferme {format_when(change, at.date())}" if change else "")
    elif code == CLOSED:
        text = "Fermé" + (f", ouvre {format_when(change, at.date())}" if change else "")
    else:
        text = "Horaires à vérifier auprès du lieu"
    return OpeningState(code, text, change)


@dataclass(frozen=True)
class Day:
    date: date
    name: str
    slots: list[str]  # "9 h – 12 h"
    is_today: bool
    note: str = ""

    @property
    def text(self) -> str:
        if self.slots:
            return ", ".join(self.slots)
        return self.note or "Fermé"


def week_schedule(value: str, now: datetime | None = None) -> list[Day]:
    """Monday to Sunday of the current week with their opening slots (empty when hours are unknown)."""
    oh = parse(value)
    if oh is None:
        return []
    at = local_now(now)
    today = at.date()
    monday = today - timedelta(days=today.weekday())
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start = datetime.combine(day, time(0, 0))
        end = start + timedelta(days=1)
        slots, unknown = [], False
        try:
            for begin, finish, state, _comment in oh.intervals(start, end):
                code = str(state).split(".")[-1].lower()
                finish = end if finish is None else finish.replace(tzinfo=None)
                begin = begin.replace(tzinfo=None)
                if code == "open":
                    slots.append(f"{format_time(begin.time())} – {format_time(min(finish, end).time())}")
                elif code == "unknown":
                    unknown = True
        except Exception:
            return []
        if slots == ["minuit – minuit"]:
            slots = ["ouvert toute la journée"]
        note = "Horaires à vérifier" if unknown and not slots else ""
        days.append(Day(day, WEEKDAYS[offset], slots, day == today, note))
    return days


DAYS = {
    "Mo": "lundi",
    "Tu": "mardi",
    "We": "mercredi",
    "Th": "jeudi",
    "Fr": "vendredi",
    "Sa": "samedi",
    "Su": "dimanche",
    "PH": "jours fériés",
}
DAY = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b")
RANGE = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)-(Mo|Tu|We|Th|Fr|Sa|Su)\b")
TIME = re.compile(r"(\d{2}):(\d{2})")
OSM_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_RANGE = re.compile(rf"\b({'|'.join(OSM_MONTHS)}) (\d{{2}})-({'|'.join(OSM_MONTHS)}) (\d{{2}})\b")


def _french_date(month: str, day: str) -> str:
    number = int(day)
    return f"{'1er' if number == 1 else number} {MONTHS[OSM_MONTHS.index(month)]}"


def describe_hours(value: str) -> str:
    """The rule in words.

    "Mo-Fr 09:00-12:00; PH off" → "du lundi au vendredi 9 h – 12 h ; jours fériés : fermé".
    """
    if not value:
        return ""
    parts = []
    for rule in value.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        rule = DATE_RANGE.sub(lambda m: f"du {_french_date(m[1], m[2])} au {_french_date(m[3], m[4])}", rule)
        rule = RANGE.sub(lambda m: f"du {DAYS[m[1]]} au {DAYS[m[2]]}", rule)
        rule = DAY.sub(lambda m: DAYS[m[1]], rule)
        rule = re.sub(r"(\d{2}:\d{2})-(\d{2}:\d{2})", r"\1 – \2", rule)
        rule = TIME.sub(lambda m: f"{int(m[1])} h {m[2]}" if m[2] != "00" else f"{int(m[1])} h", rule)
        rule = rule.replace(" off", " : fermé").replace(",", ", ")
        parts.append(rule)
    return " ; ".join(parts)


# A week without public holidays (Monday 9 to Sunday 15 March 2026), for counting half-days: seasonal
# rules ("Jul-Aug off") are read as in an ordinary week of the school year.
REFERENCE_MONDAY = date(2026, 3, 9)
NOON = time(13, 0)  # mornings end, afternoons start
HALF_DAY_MINIMUM = timedelta(hours=1)  # "09:00-13:30" opens the morning, not the afternoon


@lru_cache(maxsize=4096)
def half_days_per_week(value: str) -> int | None:
    """How many half-days (0 to 14) a site is open in an ordinary week: a half-day (before or after
    13 h) counts when it is open at least an hour. None when the hours are empty or unreadable."""
    oh = parse(value)
    if oh is None:
        return None
    count = 0
    try:
        for offset in range(7):
            day = REFERENCE_MONDAY + timedelta(days=offset)
            start = datetime.combine(day, time(0, 0))
            noon, end = datetime.combine(day, NOON), start + timedelta(days=1)
            morning = afternoon = timedelta(0)
            for begin, finish, state, _comment in oh.intervals(start, end):
                if str(state).split(".")[-1].lower() != "open":
                    continue
                begin = begin.replace(tzinfo=None)
                finish = end if finish is None else min(finish.replace(tzinfo=None), end)
                morning += max(timedelta(0), min(finish, noon) - max(begin, start))
                afternoon += max(timedelta(0), finish - max(begin, noon))
            count += (morning >= HALF_DAY_MINIMUM) + (afternoon >= HALF_DAY_MINIMUM)
    except Exception:  # the parser may raise on odd rules it accepted
        return None
    return count
