"""/annuaire/: search by commune or position, filters, list, map data, pagination, empty state."""

import html
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.directory import factories as f

pytestmark = pytest.mark.django_db
URL = "/annuaire/"


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def test_the_page_is_named_annuaire_search_and_shows_the_form_first(client):
    assert reverse("annuaire:search") == URL
    response = page(client)
    content = text(response)
    assert "<h1>Annuaire des lieux d'accueil</h1>" in content
    assert 'method="get"' in content and 'name="commune"' in content
    assert "territories/_commune_field.html" in [t.name for t in response.templates]
    assert "lieux-carte" not in content


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
def test_it_lists_sites_by_distance_with_opening_state_and_services(client):
    f.site("CIO Loin", north_km=12)
    f.site(
        "Mission Locale Près",
        network_code="mission-locale",
        north_km=2,
        opening_hours="Mo-Fr 09:00-17:00",
        services=[{"name": "Garantie jeunes", "needs": ["trouver-un-emploi"]}],
    )
    content = text(page(client, commune="31555", rayon=20))
    assert "2 lieux d'accueil" in content and "à moins de 20 km de Toulouse" in content
    assert content.index("Mission Locale Près") < content.index("CIO Loin")
    assert "à 2,0 km" in content
    assert "Ouvert maintenant, ferme à 17 h" in content
    assert "Garantie jeunes" in content


def test_it_accepts_a_commune_name_or_a_postal_code(client):
    f.site("Lieu toulousain")
    assert "Lieu toulousain" in text(page(client, commune="toulouse"))
    assert "Lieu toulousain" in text(page(client, commune="31000"))


def test_it_searches_around_the_position_given_by_the_browser(client):
    site = f.site("Lieu", commune_code=f.ALBI)
    content = text(page(client, lat=site.latitude, lon=site.longitude, rayon=5))
    assert "à moins de 5 km de votre position" in content
    assert "Lieu" in content


def test_it_passes_the_page_items_to_the_map(client):
    site = f.site("Lieu sur la carte")
    response = page(client, commune="31555")
    data = response.content.decode().split('id="lieux-carte" type="application/json">')[1]
    places = json.loads(data.split("</script>")[0])
    assert places == [
        {
            "id": site.pk,
            "nom": "Lieu sur la carte",
            "adresse": "1 rue de la République, 31000 Toulouse",
            "lat": site.latitude,
            "lon": site.longitude,
            "url": f"/lieux/{site.pk}/",
        }
    ]
    assert 'data-tiles="https://' in text(response)


def test_filters_narrow_the_results(client):
    f.site("CIO", needs=["orientation-scolaire"])
    f.site("Espace VAE", network_code="conseil-vae", needs=["vae"], north_km=1)
    content = text(page(client, commune="31555", besoin="vae"))
    assert "Espace VAE" in content and ">CIO<" not in content
    content = text(page(client, commune="31555", reseau="cio"))
    assert ">CIO<" in content and "Espace VAE" not in content


def test_when_nothing_matches_it_says_so_and_offers_to_widen_or_drop_filters(client):
    f.site("CIO", needs=["orientation-scolaire"], north_km=40)
    response = page(client, commune="31555", rayon=30, besoin="vae", ouvert="1")
    content = text(response)
    assert "Aucun lieu d'accueil" in content
    assert "Aucun lieu ne correspond à tous vos critères." in content
    options = {o["label"]: o["url"] for o in response.context["suggestions"]}
    assert options["Élargir la recherche à 50 km"] == "?commune=31555&rayon=50&besoin=vae&ouvert=1"
    assert options["Voir aussi les lieux fermés en ce moment"] == "?commune=31555&rayon=30&besoin=vae"
    label = "Retirer le filtre « Besoin : Validation des acquis de l'expérience (VAE) »"
    assert options[label] == "?commune=31555&rayon=30&ouvert=1"
    assert "Retirer le filtre « Besoin" in content


def test_an_unknown_commune_is_explained_in_french(client):
    content = text(page(client, commune="Zzyzxville"))
    assert "Nous n'avons pas trouvé la commune « Zzyzxville »" in content


def test_bad_parameters_are_explained_in_french_without_error(client):
    content = text(page(client, commune="31555", rayon=500, besoin="danse", reseau="inconnu"))
    assert "Le formulaire contient 3 erreurs" in content
    assert "La distance ne peut pas dépasser 200 km." in content
    assert "Ce besoin n'existe pas : choisissez-en un dans la liste." in content
    assert "Ce réseau n'existe pas : choisissez-en un dans la liste." in content


def test_without_a_place_it_asks_for_one(client):
    assert "Où cherchez-vous ?" in text(page(client, rayon=20))


def test_a_text_alone_searches_every_site_by_name(client):
    f.site("Cité des métiers", commune_code=f.ALBI)
    f.site("Autre lieu")
    content = text(page(client, q="cite metiers"))
    assert "Cité des métiers" in content and "Autre lieu" not in content


def test_results_are_paginated_with_links_keeping_the_search(client):
    for km in range(23):
        f.site(f"Lieu {km:02d}", north_km=km * 0.5)
    first = page(client, commune="31555")
    assert "23 lieux d'accueil" in text(first)
    assert "Lieu 19" in text(first) and "Lieu 20" not in text(first)
    assert 'href="?commune=31555&rayon=20&page=2"' in text(first)
    second = page(client, commune="31555", page=2)
    assert "Lieu 20" in text(second) and "Lieu 19" not in text(second)
    assert 'aria-current="page" title="Page 2"' in text(second)


def test_beyond_the_listing_cap_it_says_there_are_more_and_lists_the_nearest(client, monkeypatch):
    from spro.directory import search

    monkeypatch.setattr(search, "MAX_LISTED", 21)
    for km in range(23):
        f.site(f"Lieu {km:02d}", north_km=km * 0.5)
    first = text(page(client, commune="31555"))
    assert "<title>Plus de 21 lieux près de Toulouse" in first
    assert "Plus de 21 lieux d'accueil" in first
    assert "Seuls les 21 plus proches sont listés : précisez le besoin, le public ou le réseau" in first
    second = text(page(client, commune="31555", page=2))
    assert "Lieu 20" in second and "Lieu 21" not in second and "Page 2 sur 2" in second
    assert "Lieu 20" in text(page(client, commune="31555", page=9))  # past the listed: the last page


def test_a_page_past_the_end_shows_the_last_page(client):
    f.site("Seul")
    assert "Seul" in text(page(client, commune="31555", page=50))


def test_demo_data_is_announced(client):
    demo = f.structure("cio", name="CIO fictif", is_demo=True)
    f.site("Lieu fictif", structure_obj=demo)
    assert "Données de démonstration" in text(page(client, commune="31555"))
    assert "Données de démonstration" not in text(page(client, commune="31555", q="aucun"))


def test_the_geolocation_script_is_a_static_file(client):
    content = text(page(client))
    assert "annuaire/annuaire.js" in content
    assert 'id="autour-de-moi" hidden' in content


def test_the_number_of_queries_does_not_grow_with_the_results(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.site("Seul")
    page(client, commune="31555")  # once-per-process lookups (name of the Région) are done
    with CaptureQueriesContext(connection) as one:
        page(client, commune="31555")
    services = [{"name": "A", "needs": ["vae"]}, {"name": "B", "needs": []}]
    for km in range(1, 20):
        f.site(f"Lieu {km}", north_km=km, services=services)
    with CaptureQueriesContext(connection) as twenty:
        page(client, commune="31555")
    assert len(twenty) == len(one)


@pytest.mark.parametrize(
    "name, phrase",
    [
        ("Toulouse", "de Toulouse"),
        ("Albi", "d'Albi"),
        ("Le Mans", "du Mans"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("Hauts-de-Seine", "de Hauts-de-Seine"),
        ("Épinal", "d'Épinal"),
    ],
)
def test_the_place_is_named_in_good_french(name, phrase):
    from spro.www.annuaire.views import of_place

    assert of_place(name) == phrase


def folded_search(content: str) -> str:
    """The <details> holding the search form after a search."""
    start = content.index('<details class="spro-search-summary"')
    return content[start : content.index("</details>", start)]


def test_after_a_search_the_form_folds_into_a_summary_that_reopens_it(client):
    f.site(
        "Lieu albigeois", commune_code=f.ALBI, needs=["vae"], publics=["jeunes-16-25"], opening_hours="24/7"
    )
    content = text(page(client, commune="Albi", rayon=20, besoin="vae", public="jeunes-16-25", ouvert="1"))
    details = folded_search(content)
    assert "<details" in details and " open" not in details.split(">")[0]
    summary = details[details.index("<summary>") : details.index("</summary>")]
    assert "Albi, 20 km, 3 filtres" in summary and "Modifier la recherche" in summary
    # The whole form, with the search's values, is inside: opening the summary is enough to change it.
    assert 'id="recherche-annuaire"' in details and 'value="Albi (81)"' in details
    assert '<option value="vae" selected>' in details
    assert content.index("</details>") < content.index('id="titre-resultats"')
    assert "Lieu albigeois" in content


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"commune": "Albi"}, "Albi, 20 km"),
        ({"commune": "Albi", "rayon": 5, "q": "cio"}, "Albi, 5 km, 1 filtre"),
        ({"lat": "43.9289", "lon": "2.1464", "rayon": 10}, "Votre position, 10 km"),
        ({"q": "cio", "mode": "telephone"}, "« cio », 1 filtre"),
    ],
)
def test_the_summary_names_the_place_the_distance_and_the_number_of_filters(client, params, expected):
    f.site("CIO d'Albi", commune_code=f.ALBI, reception_modes=["telephone"])
    summary = folded_search(text(page(client, **params)))
    criteria = summary.split('<span class="spro-search-summary__criteria">')[1].split("</span>")[0]
    assert criteria == expected


@pytest.mark.parametrize(
    "params", [{}, {"commune": "Zzyzxville"}, {"rayon": 20}, {"commune": "31555", "rayon": 500}]
)
def test_before_a_search_or_when_it_failed_the_form_is_shown_unfolded(client, params):
    content = text(page(client, **params))
    assert "<details" not in content and 'id="recherche-annuaire"' in content


def test_the_pagination_keeps_every_filter_of_the_search(client):
    for km in range(23):
        f.site(
            f"Lieu {km:02d}",
            north_km=km * 0.3,
            needs=["vae"],
            reception_modes=["telephone"],
            opening_hours="24/7",
        )
    search = {"commune": "31555", "rayon": 10, "besoin": "vae", "public": "salaries"}
    search |= {"reseau": "cio", "mode": "telephone", "ouvert": "1", "q": "lieu"}
    response = page(client, **search)
    assert "23 lieux d'accueil" in text(response)
    expected = (
        "?commune=31555&rayon=10&besoin=vae&public=salaries&reseau=cio&mode=telephone&ouvert=1&q=lieu&page=2"
    )
    assert f'href="{expected}"' in response.content.decode().replace("&amp;", "&")
    assert response.context["result"].per_page == 20


def test_each_card_is_numbered_and_named_for_its_marker_across_pages(client):
    sites = [f.site(f"Lieu {km:02d}", north_km=km * 0.5) for km in range(23)]
    first = text(page(client, commune="31555"))
    assert f'id="lieu-{sites[0].pk}" data-lieu="{sites[0].pk}"' in first
    assert '<span class="spro-result__rank" aria-hidden="true">1</span>' in first
    second = text(page(client, commune="31555", page=2))
    assert '<ol class="spro-results" start="21">' in second
    assert f'id="lieu-{sites[20].pk}"' in second
    assert '<span class="spro-result__rank" aria-hidden="true">21</span>' in second


def test_without_javascript_the_map_section_stays_hidden_and_the_list_takes_the_width(client):
    f.site("Lieu")
    content = text(page(client, commune="31555"))
    assert '<div class="spro-results-map" id="sur-la-carte" hidden>' in content
    assert '<span class="spro-map-jump" hidden>' in content


def test_the_title_counts_places_in_french_zero_and_one_take_the_singular(client):
    f.site("CIO", needs=["orientation-scolaire"], north_km=40)
    assert "<title>0 lieu près de Toulouse" in text(page(client, commune="31555", rayon=30))
    assert "<title>1 lieu près de Toulouse" in text(page(client, commune="31555", rayon=50))
    f.site("CIO", needs=["orientation-scolaire"], north_km=45)
    assert "<title>2 lieux près de Toulouse" in text(page(client, commune="31555", rayon=50))
