"""Suggestions of communes as the visitor types: the options of the commune combobox's listbox."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/communes/suggestions/"


def test_it_suggests_communes_best_first(client):
    html = client.get(URL, {"commune": "saint etienne"}).content.decode()
    assert html.index('data-code="42218"') < html.index('data-code="76575"')  # Saint-Étienne-du-Rouvray
    assert "Saint-Étienne" in html and "42000" in html


def test_a_postal_code_suggests_its_commune(client):
    assert "Toulouse" in client.get(URL, {"commune": "31000"}).content.decode()


def test_nothing_found_is_said_in_french(client):
    response = client.get(URL, {"commune": "qqqqzz"})
    assert response.status_code == 200
    assert "Aucune commune ne correspond" in response.content.decode()


def test_one_letter_is_too_short_to_search(client):
    html = client.get(URL, {"commune": "t"}).content.decode()
    assert "Toulouse" not in html


def test_a_very_long_query_is_not_an_error(client):
    assert client.get(URL, {"commune": "x" * 5000}).status_code == 200


def test_each_suggestion_is_an_option_carrying_its_code_and_label_never_a_link(client):
    html = client.get(URL, {"commune": "toulouse"}).content.decode()
    assert 'role="option"' in html
    assert 'data-code="31555" data-label="Toulouse (31)"' in html
    assert "href=" not in html  # choosing fills the field, it does not navigate


def test_the_count_of_suggestions_is_given_for_the_live_region(client):
    assert 'data-status="1 commune proposée"' in client.get(URL, {"commune": "31000"}).content.decode()
    html = client.get(URL, {"commune": "saint"}).content.decode()
    assert html.count('role="option"') == 8  # the suggestions stop at eight
    assert 'data-status="8 communes proposées"' in html


def test_the_home_page_field_is_ready_for_the_combobox(client):
    html = client.get("/").content.decode()
    assert 'data-commune-combobox="/communes/suggestions/"' in html
    assert 'role="listbox"' in html and 'id="commune-accueil-suggestions"' in html
    assert "/static/spro/commune-combobox.js" in html
