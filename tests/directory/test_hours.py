"""Opening hours (OpenStreetMap format) read out in plain French."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from spro.directory.hours import describe_hours, opening_state, state_code, week_schedule

PARIS = ZoneInfo("Europe/Paris")
HOURS = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off"


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)  # 23 November 2026 is a Monday


@pytest.mark.parametrize(
    "moment, code, text",
    [
        (at(25, 10), "ouvert", "Ouvert maintenant, ferme à 12 h"),
        (at(25, 15), "ouvert", "Ouvert maintenant, ferme à 17 h 30"),
        (at(25, 12, 30), "ferme", "Fermé, ouvre à 14 h"),
        (at(25, 18), "ferme", "Fermé, ouvre demain à 9 h"),
        (at(28, 13), "ferme", "Fermé, ouvre lundi à 9 h"),
    ],
)
def test_it_says_whether_a_site_is_open_and_until_when(moment, code, text):
    state = opening_state(HOURS, moment)
    assert (state.code, state.text) == (code, text)
    assert state_code(HOURS, moment) == code


def test_french_public_holidays_are_closed():
    armistice = datetime(2026, 11, 11, 10, 0, tzinfo=PARIS)
    assert opening_state(HOURS, armistice).text == "Fermé, ouvre demain à 9 h"  # a Wednesday


def test_a_far_reopening_gives_the_date():
    state = opening_state("Jan 05-Dec 20 Mo-Fr 09:00-12:00", datetime(2026, 12, 22, 10, 0, tzinfo=PARIS))
    assert state.text == "Fermé, ouvre le 5 janvier à 9 h"


def test_missing_or_unreadable_hours_are_said_plainly():
    assert opening_state("").text == "Horaires non renseignés"
    assert opening_state("du lundi au vendredi").text == "Horaires à vérifier auprès du lieu"
    assert opening_state("du lundi au vendredi").code == "inconnu"
    assert opening_state("24/7").text == "Ouvert maintenant"


def test_the_week_starts_on_monday_and_marks_today():
    week = week_schedule(HOURS, at(25, 10))
    assert [day.name for day in week][:3] == ["lundi", "mardi", "mercredi"]
    assert week[6].name == "dimanche"
    assert [day.is_today for day in week] == [False, False, True, False, False, False, False]
    assert week[0].text == "9 h – 12 h, 14 h – 17 h 30"
    assert week[5].text == "9 h – 12 h"
    assert week[6].text == "Fermé"
    assert week_schedule("") == []


def test_the_rule_is_described_in_words():
    assert describe_hours(HOURS) == (
        "du lundi au vendredi 9 h – 12 h, 14 h – 17 h 30 ; samedi 9 h – 12 h ; jours fériés : fermé"
    )


def test_a_yearly_closure_is_described_with_french_month_names():
    assert describe_hours("Mo-Fr 09:00-12:00; Aug 01-Aug 21 off; PH off") == (
        "du lundi au vendredi 9 h – 12 h ; du 1er août au 21 août : fermé ; jours fériés : fermé"
    )
    assert describe_hours("Dec 24-Jan 02 off") == "du 24 décembre au 2 janvier : fermé"
