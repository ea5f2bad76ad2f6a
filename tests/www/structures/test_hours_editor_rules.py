"""The hours editor and the OpenStreetMap string: what the editor writes, what it reads back, what it
leaves to the expert field."""

from datetime import datetime, time, timedelta

import pytest
from opening_hours import OpeningHours

from spro.directory import demo
from spro.www.structures.hours import CLOSED, Day, HoursEditorForm, Week, compose, parse

MORNING, AFTERNOON = (time(9), time(12)), (time(14), time(17))
OFFICE_DAY = Day(MORNING, AFTERNOON)
DEMO_HOURS = sorted(
    set(
        demo.HOURS_OFFICE
        + demo.HOURS_YOUTH
        + demo.HOURS_FRANCE_TRAVAIL
        + demo.HOURS_PART_TIME
        + demo.HOURS_RELAY
    )
)


def week(*days, holidays_closed=False, closure=None):
    return Week(tuple(days) + (CLOSED,) * (7 - len(days)), holidays_closed, closure)


def opening_intervals(value: str):
    """What the schedule says over a year, by the reference parser: the way to compare two strings."""
    start = datetime(2026, 1, 1)
    return list(OpeningHours(value, country="FR").intervals(start, start + timedelta(days=366)))


def test_an_office_week_is_written_as_one_rule_for_monday_to_friday():
    assert compose(week(*[OFFICE_DAY] * 5, holidays_closed=True)) == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def test_days_with_the_same_hours_share_a_rule_and_closed_days_are_left_out():
    short = Day(afternoon=(time(14), time(17)))
    assert compose(week(CLOSED, short, CLOSED, short)) == "Tu,Th 14:00-17:00"
    saturday = Day(morning=(time(9), time(12)))
    assert (
        compose(
            week(OFFICE_DAY, OFFICE_DAY, Day(morning=(time(9), time(18))), OFFICE_DAY, OFFICE_DAY, saturday)
        )
        == "Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-18:00; Sa 09:00-12:00"
    )


def test_a_continuous_day_is_one_range():
    assert compose(week(Day(morning=(time(9), time(17))))) == "Mo 09:00-17:00"


def test_the_yearly_closure_comes_before_the_public_holidays():
    closed_in_august = week(OFFICE_DAY, holidays_closed=True, closure=((8, 1), (8, 21)))
    assert compose(closed_in_august) == "Mo 09:00-12:00,14:00-17:00; Aug 01-Aug 21 off; PH off"
    assert compose(week(closure=((12, 25), (12, 25)))) == "Dec 25 off"
    assert compose(week(closure=((12, 24), (1, 2)))) == "Dec 24-Jan 02 off"


def test_an_empty_editor_writes_nothing():
    assert compose(Week()) == ""
    assert Week().is_empty and parse("") == Week()


@pytest.mark.parametrize("value", DEMO_HOURS)
def test_every_demo_schedule_opens_in_the_editor_and_is_written_back_to_the_same_hours(value):
    read = parse(value)
    assert read is not None, value
    written = compose(read)
    assert opening_intervals(written) == opening_intervals(value)
    assert parse(written) == read


def test_the_simple_demo_strings_are_written_back_letter_for_letter():
    for value in DEMO_HOURS:
        if "We 09:00-18:00" not in value:  # "Mo-Fr …; We …" overrides Wednesday: rewritten without it
            assert compose(parse(value)) == value


def test_a_later_rule_replaces_the_hours_of_the_days_it_names():
    read = parse("Mo-Fr 09:00-12:00,13:30-17:30; We 09:00-18:00; PH off")
    assert read.days[2] == Day(morning=(time(9), time(18)))
    assert read.days[1] == Day((time(9), time(12)), (time(13, 30), time(17, 30)))
    assert read.holidays_closed


def test_a_single_range_in_the_afternoon_is_read_as_the_afternoon():
    assert parse("Mo 14:00-17:00").days[0] == Day(afternoon=(time(14), time(17)))
    assert parse("Mo 09:00-12:00").days[0] == Day(morning=(time(9), time(12)))


@pytest.mark.parametrize(
    "value",
    [
        "24/7",
        "Mo-Fr 08:00-12:00,13:00-15:00,16:00-18:00",  # three ranges a day
        "Mo-Fr 22:00-02:00",  # past midnight
        "Sa-Mo 09:00-12:00",  # round the end of the week
        "PH off; Mo-Fr 09:00-12:00",  # the holidays would open again
        "Mo-Fr 09:00-12:00; PH 10:00-12:00",
        "Mo-Fr 09:00-12:00; Aug 01-Aug 21 off; Dec 24-Dec 31 off",  # two closures
        "Mo-Fr 09:00-12:00; Feb 30 off",
        "Mo[1] 09:00-12:00",
        'Mo-Fr 09:00-12:00 open "sur rendez-vous"',
        "lundi 9h-12h",
    ],
)
def test_what_the_editor_cannot_say_is_left_to_the_expert_field(value):
    assert parse(value) is None


# --- the editor's form: French messages on the field concerned -------------------------------------------


def editor(**values):
    return HoursEditorForm({f"horaires-{name}": value for name, value in values.items()})


def test_the_form_reads_the_rows_into_a_week():
    form = editor(
        **{f"{day}_am_open": "09:00" for day in ("Mo", "Tu", "We", "Th", "Fr")},
        **{f"{day}_am_close": "12:00" for day in ("Mo", "Tu", "We", "Th", "Fr")},
        **{f"{day}_pm_open": "14:00" for day in ("Mo", "Tu", "We", "Th", "Fr")},
        **{f"{day}_pm_close": "17:00" for day in ("Mo", "Tu", "We", "Th", "Fr")},
        Sa_closed="on",
        Su_closed="on",
        holidays_closed="on",
    )
    assert form.is_valid(), form.errors
    assert compose(form.week) == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def test_hours_typed_without_a_time_picker_are_understood():
    form = editor(Mo_am_open="9h", Mo_am_close="12h30")
    assert form.is_valid(), form.errors
    assert compose(form.week) == "Mo 09:00-12:30"


def test_a_morning_closing_before_its_opening_is_refused_on_the_closing_field():
    form = editor(Mo_am_open="12:00", Mo_am_close="09:00")
    assert not form.is_valid()
    assert form.errors["Mo_am_close"] == [
        "Lundi : l'heure de fermeture du matin doit suivre l'heure d'ouverture."
    ]


def test_a_range_with_one_end_asks_for_the_other():
    form = editor(Tu_pm_open="14:00")
    assert not form.is_valid()
    assert form.errors["Tu_pm_close"] == ["Mardi : indiquez l'heure de fermeture de l'après-midi."]


def test_an_afternoon_starting_before_the_morning_ends_is_refused():
    form = editor(We_am_open="09:00", We_am_close="13:00", We_pm_open="12:00", We_pm_close="17:00")
    assert not form.is_valid()
    assert form.errors["We_pm_open"] == [
        "Mercredi : l'après-midi doit commencer après la fermeture du matin."
    ]


def test_a_closed_day_with_hours_is_refused_on_the_checkbox():
    form = editor(Th_closed="on", Th_am_open="09:00", Th_am_close="12:00")
    assert not form.is_valid()
    assert form.errors["Th_closed"] == ["Jeudi : décochez « Fermé » ou effacez les heures de ce jour."]


def test_a_time_that_is_not_one_is_explained_in_french():
    form = editor(Fr_am_open="neuf heures")
    assert not form.is_valid()
    assert form.errors["Fr_am_open"] == [
        "Vendredi, matin, ouverture : saisissez une heure sur 24 h, comme 09:00 ou 14:30."
    ]


def test_the_yearly_closure_needs_both_dates_and_real_ones():
    half = editor(closure_start_day="1", closure_start_month="8")
    assert not half.is_valid()
    assert "closure_end_day" in half.errors and "closure_end_month" in half.errors
    impossible = editor(
        closure_start_day="30", closure_start_month="2", closure_end_day="3", closure_end_month="3"
    )
    assert not impossible.is_valid()
    assert impossible.errors["closure_start_day"] == ["Fermeture annuelle : le 30 février n'existe pas."]
    hostile = editor(closure_start_day="99", closure_start_month="13")
    assert not hostile.is_valid()
    assert hostile.errors["closure_start_day"] == ["Choisissez un jour de la liste."]


def test_an_existing_schedule_fills_the_editor():
    form = HoursEditorForm(
        initial=HoursEditorForm.initial_for(parse("Mo-Fr 09:00-12:00,14:00-17:00; PH off"))
    )
    html = form["Mo_am_open"].as_widget()
    assert 'value="09:00"' in html and 'type="time"' in html
    assert form["Sa_closed"].value() is True and form["Mo_closed"].value() is False
    assert form["holidays_closed"].value() is True
