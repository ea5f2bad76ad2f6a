"""The commune field without JavaScript: it shows "Toulouse (31)", never a bare INSEE code, and the server
finds the commune from what the field sends (an INSEE code, that label, a postal code or a name)."""

import html
import re

import pytest

from tests.directory import factories as f

pytestmark = pytest.mark.django_db
ANNUAIRE = "/annuaire/"
QUESTIONS = "/trouver-mon-interlocuteur/"
ANSWER = "/trouver-mon-interlocuteur/reponse/"


def commune_input(page: str, field_id: str) -> str:
    """The <input> tag of the commune field."""
    return re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page, re.DOTALL).group(0)


def get(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_annuaire_link_with_an_insee_code_shows_the_commune_label(client):
    field = commune_input(get(client, ANNUAIRE, commune="31555", rayon=30), "commune")
    assert 'value="Toulouse (31)"' in field
    assert 'data-code="31555"' in field  # the combobox sends the code, not the label
    assert 'name="commune"' in field  # without JavaScript, the field itself is sent


def test_a_name_typed_without_javascript_is_shown_as_the_commune_found(client):
    field = commune_input(get(client, ANNUAIRE, commune="toulouse"), "commune")
    assert 'value="Toulouse (31)"' in field


def test_the_label_shown_is_understood_when_the_form_is_sent_again_without_javascript(client):
    f.site("Lieu toulousain")
    page = get(client, ANNUAIRE, commune="Toulouse (31)", rayon=30)
    assert "Lieu toulousain" in page
    assert 'value="Toulouse (31)"' in commune_input(page, "commune")


def test_a_label_names_the_commune_of_that_departement(client):
    # Two communes named Saint-Étienne-de-… exist in many départements; the label picks one département.
    page = get(client, ANNUAIRE, commune="Saint-Étienne (42)")
    assert 'data-code="42218"' in commune_input(page, "commune")


def test_text_that_is_no_commune_is_shown_as_typed_and_explained(client):
    page = get(client, ANNUAIRE, commune="Zzyzxville (99)")
    assert 'value="Zzyzxville (99)"' in commune_input(page, "commune")
    assert "data-code" not in commune_input(page, "commune")
    assert "Nous n'avons pas trouvé la commune « Zzyzxville (99) »" in page


def test_an_empty_annuaire_page_shows_an_empty_field(client):
    field = commune_input(get(client, ANNUAIRE), "commune")
    assert 'value=""' in field and "data-code" not in field


def test_the_questionnaire_uses_the_commune_combobox(client):
    page = get(client, QUESTIONS)
    assert 'data-commune-combobox="/communes/suggestions/"' in page
    assert "6. Votre commune ou votre code postal" in page
    assert 'name="commune"' in commune_input(page, "id_commune")


@pytest.mark.parametrize("sent", ["31555", "Toulouse (31)", "toulouse", "31000"])
def test_the_questionnaire_finds_the_commune_from_a_code_a_label_a_name_or_a_postal_code(client, sent):
    posted = client.post(ANSWER, {"commune": sent})
    assert posted.status_code == 303
    page = get(client, ANSWER)
    assert "Nous n'avons pas trouvé la commune" not in page
    assert "Toulouse (31)" in page  # the summary of the answers


def test_modifier_mes_reponses_shows_the_chosen_commune_by_its_label(client):
    client.post(ANSWER, {"commune": "31555"})  # what the combobox sends once Toulouse is chosen
    field = commune_input(get(client, QUESTIONS), "id_commune")
    assert 'value="Toulouse (31)"' in field
    assert "31555" not in field.replace('data-code="31555"', "")
