"""OpenStreetMap opening hours ("Mo-Fr 09:00-12:00; PH off") in words a person reads."""

import re

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


def describe_hours(value: str) -> str:
    if not value:
        return ""
    parts = []
    for rule in value.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        rule = RANGE.sub(lambda m: f"du {DAYS[m[1]]} au {DAYS[m[2]]}", rule)
        rule = DAY.sub(lambda m: DAYS[m[1]], rule)
        rule = re.sub(r"(\d{2}:\d{2})-(\d{2}:\d{2})", r"\1 – \2", rule)
        rule = TIME.sub(lambda m: f"{int(m[1])} h {m[2]}" if m[2] != "00" else f"{int(m[1])} h", rule)
        rule = rule.replace(" off", " : fermé").replace(",", ", ")
        parts.append(rule)
    return " ; ".join(parts)
