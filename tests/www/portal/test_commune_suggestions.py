"""htmx suggestions of communes as the visitor types."""

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


def test_the_home_page_field_calls_the_suggestions(client):
    html = client.get("/").content.decode()
    assert 'hx-get="/communes/suggestions/"' in html
