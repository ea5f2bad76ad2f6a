"""A first-door adviser fills the opening hours in French, day by day; experts keep the OpenStreetMap
text; the live feedback of the postal code and of the hours sits beside their fields."""

import re

import pytest
from django.urls import reverse

from spro.directory.models import Site
from spro.www.structures.hours import HoursEditorForm, parse
from tests.forms import post_form
from tests.www.structures.factories import login
from tests.www.structures.test_site_edit import site_data

pytestmark = pytest.mark.django_db
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr")


def editor_data(value: str = "", **changes) -> dict:
    """What the editor's inputs post when they show `value` (the stored hours), with `changes` made."""
    week = parse(value)
    initial = HoursEditorForm.initial_for(week) if week else {}
    data = {"horaires-editeur": "1"}
    for name in HoursEditorForm().fields:
        shown = {**initial, **changes}.get(name)
        if shown is True or shown == "on":
            data[f"horaires-{name}"] = "on"
        elif shown not in (None, False):
            data[f"horaires-{name}"] = shown.strftime("%H:%M") if hasattr(shown, "strftime") else str(shown)
        elif name.endswith(("_open", "_close", "_day", "_month")):
            data[f"horaires-{name}"] = ""  # an empty input is posted; an unticked box is not
    return data


def office_week(**changes) -> dict:
    hours = {}
    for day in WEEKDAYS:
        hours.update(
            {f"{day}_am_open": "09:00", f"{day}_am_close": "12:00", f"{day}_pm_open": "14:00"}
            | {f"{day}_pm_close": "17:00"}
        )
    return {**hours, "Sa_closed": "on", "Su_closed": "on", "holidays_closed": "on", **changes}


def create(client, world, editor: dict, **changes):
    url = reverse("structures:site_create", args=[world.a.pk])
    return post_form(client, url, {**site_data(**{"opening_hours": "", **changes}), **editor})


def edit(client, site, editor: dict, **changes):
    url = reverse("structures:site_edit", args=[site.pk])
    fields = site_data(name=site.name, postal_code="31000", commune_name="Toulouse", **changes)
    return post_form(client, url, {**fields, **editor})


def page_of(response) -> str:
    return response.content.decode()


def test_a_site_created_through_the_editor_stores_the_openstreetmap_string(client, world):
    login(client, world.alice)
    response = create(client, world, editor_data(**office_week()))
    assert response.status_code == 302
    assert (
        Site.objects.get(name="Antenne de Blagnac").opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    )


def test_a_yearly_closure_and_a_saturday_morning_are_written_too(client, world):
    login(client, world.alice)
    week = office_week(
        Sa_closed="",
        Sa_am_open="09:00",
        Sa_am_close="12:00",
        closure_start_day="1",
        closure_start_month="8",
        closure_end_day="21",
        closure_end_month="8",
    )
    assert create(client, world, editor_data(**week)).status_code == 302
    assert (
        Site.objects.get(name="Antenne de Blagnac").opening_hours
        == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; Aug 01-Aug 21 off; PH off"
    )


def test_an_existing_site_opens_with_its_hours_in_the_editor(client, world):
    world.site_a.opening_hours = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    world.site_a.save()
    login(client, world.alice)
    page = page_of(client.get(reverse("structures:site_edit", args=[world.site_a.pk])))
    assert re.search(r'<input type="time" name="horaires-Mo_am_open" value="09:00"', page)
    assert re.search(r'<input type="time" name="horaires-Fr_pm_close" value="17:00"', page)
    assert re.search(r'<input type="checkbox" name="horaires-Sa_closed"[^>]* checked', page)
    assert re.search(r'<input type="checkbox" name="horaires-holidays_closed"[^>]* checked', page)
    assert "Horaires saisis en format expert" not in page
    assert '<span class="fr-sr-only">Lundi, </span>Matin, ouverture</label>' in page
    assert "<summary>Saisie experte (format OpenStreetMap)</summary>" in page


def test_changing_a_day_in_the_editor_rewrites_the_stored_hours(client, world):
    stored = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    world.site_a.opening_hours = stored
    world.site_a.save()
    login(client, world.alice)
    editor = editor_data(stored, Sa_closed=False, Sa_am_open="09:00", Sa_am_close="12:00")
    assert edit(client, world.site_a, editor, opening_hours=stored).status_code == 302
    world.site_a.refresh_from_db()
    assert world.site_a.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def test_an_expert_edit_is_kept_when_the_editor_is_left_as_it_opened(client, world):
    stored = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    world.site_a.opening_hours = stored
    world.site_a.save()
    login(client, world.alice)
    typed = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00; PH off"
    assert edit(client, world.site_a, editor_data(stored), opening_hours=typed).status_code == 302
    world.site_a.refresh_from_db()
    assert world.site_a.opening_hours == typed


def test_hours_beyond_the_editor_open_in_the_expert_field_and_stay_as_they_are(client, world):
    stored = "Mo-Fr 08:00-12:00,13:00-15:00,16:00-18:00; PH off"
    world.site_a.opening_hours = stored
    world.site_a.save()
    login(client, world.alice)
    page = page_of(client.get(reverse("structures:site_edit", args=[world.site_a.pk])))
    assert "Horaires saisis en format expert" in page
    assert '<details class="fr-mt-3w" open>' in page
    assert '<input type="time" name="horaires-Mo_am_open" class="fr-input" id' in page  # empty
    response = edit(client, world.site_a, editor_data(stored), opening_hours=stored, phone="0561000001")
    assert response.status_code == 302
    world.site_a.refresh_from_db()
    assert world.site_a.opening_hours == stored and world.site_a.phone == "05 61 00 00 01"


def test_the_editor_and_the_expert_field_saying_different_things_is_explained(client, world):
    login(client, world.alice)
    response = create(client, world, editor_data(**office_week()), opening_hours="Mo 09:00-12:00")
    assert response.status_code == 200
    assert response.context["form"].errors["opening_hours"] == [
        "Les horaires de l'éditeur et ceux de la saisie experte diffèrent : gardez une seule des deux "
        "saisies (videz l'éditeur, ou remettez la saisie experte comme elle était)."
    ]
    assert not Site.objects.filter(name="Antenne de Blagnac").exists()


def test_the_same_hours_in_both_are_accepted(client, world):
    login(client, world.alice)
    same = "Mo-Fr 09:00-12:00,14:00-17:00;PH off"
    assert create(client, world, editor_data(**office_week()), opening_hours=same).status_code == 302
    assert (
        Site.objects.get(name="Antenne de Blagnac").opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    )


def test_an_editor_mistake_is_said_in_french_beside_the_day_and_nothing_is_saved(client, world):
    login(client, world.alice)
    response = create(client, world, editor_data(**office_week(Mo_am_close="08:00")))
    assert response.status_code == 200
    page = page_of(response)
    message = "Lundi : l&#x27;heure de fermeture du matin doit suivre l&#x27;heure d&#x27;ouverture."
    field = re.search(r'<input type="time" name="horaires-Mo_am_close"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_horaires-Mo_am_close-desc-error"' in field
    error = page.index('id="id_horaires-Mo_am_close-desc-error"')
    assert page.index(message, error) < page.index('name="horaires-Mo_pm_open"')
    assert "Les horaires d&#x27;ouverture contiennent des erreurs" in page
    assert not Site.objects.filter(name="Antenne de Blagnac").exists()


def test_the_live_feedback_sits_beside_its_field(client, world):
    world.site_a.opening_hours = "Mo-Fr 09:00-17:00"
    world.site_a.save()
    login(client, world.alice)
    page = page_of(client.get(reverse("structures:site_edit", args=[world.site_a.pk])))
    postal = page.index('name="postal_code"')
    communes = page.index('<div id="communes-code-postal" class="fr-mt-1w" aria-live="polite">')
    assert postal < communes < page.index('name="commune_name"')
    assert "Commune du code postal 31000 : Toulouse." in page[communes:]
    assert 'aria-describedby="communes-code-postal"' in page[postal - 300 : communes]
    fieldset = page.index('<fieldset class="fr-fieldset" id="horaires"')
    preview = page.index('<div id="apercu-horaires" class="spro-hours-preview" aria-live="polite">')
    assert fieldset < page.index('name="opening_hours"') < preview < page.index('name="reception_modes"')
    assert "Aperçu : du lundi au vendredi 9 h – 17 h" in page[preview:]
    assert 'aria-describedby="apercu-horaires"' in page[fieldset : fieldset + 200]


def test_the_preview_of_the_editor_shows_its_string_in_french(client, world):
    login(client, world.alice)
    url = reverse("structures:hours_preview")
    html = page_of(
        client.get(url, {f"horaires-{k}": v for k, v in office_week().items()} | {"horaires-editeur": "1"})
    )
    assert "Aperçu : du lundi au vendredi 9 h – 12 h, 14 h – 17 h ; jours fériés : fermé" in html
    assert "<code>Mo-Fr 09:00-12:00,14:00-17:00; PH off</code>" in html
    wrong = page_of(
        client.get(
            url, {"horaires-editeur": "1", "horaires-Tu_am_open": "11:00", "horaires-Tu_am_close": "10:00"}
        )
    )
    assert "Mardi : l&#x27;heure de fermeture du matin doit suivre l&#x27;heure d&#x27;ouverture." in wrong
