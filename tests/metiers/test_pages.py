"""/metiers/ (search, suggestions, domains) and /metiers/<code ROME>/ with who to ask near home."""

import pytest

from spro.metiers.models import JobTitle, Occupation
from tests.routing import factories

pytestmark = pytest.mark.django_db


def test_the_search_page_lists_matching_titles(client, rome):
    response = client.get("/metiers/", {"q": "boulangere"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Boulanger / Boulangère" in html and 'href="/metiers/D1102/"' in html
    assert "France Travail, ROME 4.0, Licence Ouverte 2.0" in html


def test_a_typo_is_said_and_corrected(client, rome):
    html = client.get("/metiers/", {"q": "boulangr"}).content.decode()
    assert "Nous avons cherché « boulanger »" in html and "/metiers/D1102/" in html


def test_nothing_found_says_so(client, rome):
    html = client.get("/metiers/", {"q": "zzqxw"}).content.decode()
    assert "Aucun métier ne correspond à « zzqxw »" in html


def test_a_chosen_suggestion_goes_to_the_fiche(client, rome):
    response = client.get("/metiers/", {"q": "D1102"})
    assert response.status_code == 302 and response["Location"] == "/metiers/D1102/"


def test_suggestions_are_options_with_the_rome_code(client, rome):
    html = client.get("/metiers/suggestions/", {"q": "boulang"}).content.decode()
    assert 'role="option"' in html and 'data-code="D1102"' in html
    assert 'data-label="Boulanger / Boulangère (D1102)"' in html
    assert "proposés" in html
    empty = client.get("/metiers/suggestions/", {"q": "zzqxw"}).content.decode()
    assert "Aucun métier ne correspond" in empty and 'role="option"' not in empty


def test_browsing_by_grand_domaine_then_domaine(client, rome):
    html = client.get("/metiers/domaines/D/").content.decode()
    assert "Commerce, vente et grande distribution" in html
    assert 'href="/metiers/domaines/D11/"' in html
    html = client.get("/metiers/domaines/D11/").content.decode()
    assert "Commerce alimentaire et métiers de bouche" in html and 'href="/metiers/D1102/"' in html
    assert client.get("/metiers/domaines/D99/").status_code == 404
    assert client.get("/metiers/").content.decode().count('href="/metiers/domaines/') == 14


def test_the_metier_page_has_its_domain_titles_and_official_links(client, rome, settings):
    settings.SPRO_CARIF_OREF_URL = "https://www.carif-oref.example/formations?rome={code}"
    settings.SPRO_CARIF_OREF_NAME = "Carif-Oref Exemple"
    html = client.get("/metiers/D1102/").content.decode()
    assert "<h1>Boulanger / Boulangère</h1>" in html
    assert "Commerce alimentaire et métiers de bouche" in html
    assert "Boulanger-pâtissier / Boulangère-pâtissière" in html  # another job title
    assert "https://candidat.francetravail.fr/metierscope/fiche-metier/D1102" in html
    assert "onisep.fr/recherche" in html and "romes=D1102" in html and "vae.gouv.fr" in html
    assert "https://www.carif-oref.example/formations?rome=D1102" in html and "Carif-Oref Exemple" in html
    assert "Prochains événements de ce domaine" in html


def test_without_a_carif_oref_setting_there_is_no_such_link(client, rome, settings):
    settings.SPRO_CARIF_OREF_URL = ""
    assert "Carif-Oref" not in client.get("/metiers/D1102/").content.decode()


def test_an_unknown_code_is_a_french_404(client, rome):
    response = client.get("/metiers/A9999/")
    assert response.status_code == 404


def test_who_to_ask_near_home_for_an_apprenticeship_in_an_artisan_trade(client, rome):
    near = factories.site("cma", "31555", name="CMA Haute-Garonne — CAD", needs=("apprentissage",))
    factories.site("cci", "31555", name="Point A de la CCI", needs=("apprentissage",))
    response = client.post(
        "/metiers/D1102/", {"besoin": "apprentissage", "statut": "eleve", "age": "16", "commune": "31555"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adressez-vous à : Chambre de métiers et de l&#x27;artisanat" in html
    assert near.name in html and f'href="/lieux/{near.pk}/"' in html
    assert "Point A de la CCI" not in html  # not a door for a baker's apprenticeship


def test_agriculture_leads_to_the_chambre_d_agriculture(client, rome):
    html = client.post("/metiers/A1416/", {"besoin": "apprentissage"}).content.decode()
    assert "Chambre d&#x27;agriculture" in html


def test_an_unknown_commune_re_displays_the_form_with_its_error(client, rome):
    response = client.post("/metiers/D1102/", {"commune": "Zzzville"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nous ne trouvons pas la commune « Zzzville »" in html and 'aria-invalid="true"' in html


def test_nothing_is_written_by_the_project_form(client, rome, django_assert_max_num_queries):
    before = (Occupation.objects.count(), JobTitle.objects.count())
    client.post("/metiers/D1102/", {"besoin": "apprentissage", "age": "1e999", "commune": "\x00"})
    assert (Occupation.objects.count(), JobTitle.objects.count()) == before


def test_the_home_page_has_an_entry_by_project(client):
    html = client.get("/").content.decode()
    assert "Je veux devenir…" in html and 'action="/metiers/"' in html


def test_the_aiguillage_asks_the_metier_and_uses_it(client, rome):
    html = client.get("/trouver-mon-interlocuteur/").content.decode()
    assert "Ou un métier en particulier ?" in html
    response = client.post(
        "/trouver-mon-interlocuteur/reponse/", {"besoin": "apprentissage", "metier": "maraichere"}
    )
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "Métier : Maraîcher / Maraîchère" in html and "Chambre d&#x27;agriculture" in html
    refused = client.post("/trouver-mon-interlocuteur/reponse/", {"metier": "zzqxw"})
    assert "Nous ne trouvons pas de métier « zzqxw »" in refused.content.decode()


def test_the_api_takes_the_metier(client):
    response = client.post(
        "/api/v1/aiguillage", {"metier": "A1416", "besoin": "apprentissage"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["reseaux"][0]["code"] == "chambre-agriculture"
    bad = client.post("/api/v1/aiguillage", {"metier": "boulanger"}, content_type="application/json")
    assert bad.status_code == 422 and "metier" in bad.content.decode()
