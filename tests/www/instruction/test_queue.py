"""The Région's queue of labelling dossiers (/region/labellisation/): deposited dossiers, oldest first,
filtered by state, département, network and campaign, counted per state, exported; drafts stay with
their structure unless asked for; an unusable filter is a French 400, never a 500."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from spro.labels import workflow
from spro.labels.models import Campaign
from tests.labels import factories as labels
from tests.www.instruction.conftest import deposited

pytestmark = pytest.mark.django_db

QUEUE = reverse("instruction:queue")


def dossier_links(response) -> list[int]:
    """The dossiers listed, in their order on the page."""
    html = response.content.decode()
    found = []
    for part in html.split('href="/region/labellisation/dossiers/')[1:]:
        found.append(int(part.split("/", 1)[0]))
    return found


def test_deposited_dossiers_are_listed_oldest_first_and_drafts_are_left_out(region_client):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0)):
        first, _ = deposited("Cité des métiers de Toulouse")
    with time_machine.travel(datetime(2026, 3, 9, 9, 0)):
        second, _ = deposited("Point information jeunesse d'Albi")
    draft, _ = labels.draft("76", name="Maison de l'emploi en brouillon")
    response = region_client.get(QUEUE)
    assert response.status_code == 200
    assert dossier_links(response) == [first.pk, second.pk]
    html = response.content.decode()
    assert "2 dossiers" in html
    assert "Cité des métiers de Toulouse" in html
    assert "Maison de l&#x27;emploi en brouillon" not in html
    # The counts per state include the draft, and lead to that state's list.
    assert '<th scope="row">Brouillon</th><td>0</td>' not in html
    assert "statut=brouillon" in html
    response = region_client.get(QUEUE, {"statut": "brouillon"})
    assert dossier_links(response) == [draft.pk]


def test_the_queue_filters_by_state(region_client, instructor):
    waiting, _ = deposited("Structure en attente")
    instructed, _ = deposited("Structure en instruction")
    workflow.start_instruction(instructed, instructor)
    response = region_client.get(QUEUE, {"statut": "en-instruction"})
    assert dossier_links(response) == [instructed.pk]
    assert "1 dossier dans cet état" in response.content.decode()
    assert dossier_links(region_client.get(QUEUE, {"statut": "depose"})) == [waiting.pk]
    assert dossier_links(region_client.get(QUEUE, {"statut": "accorde"})) == []


def test_the_queue_filters_by_network_and_by_name(region_client):
    youth, _ = deposited("Information jeunesse de Castres", network="information-jeunesse")
    careers, _ = deposited("Cité des métiers de Montauban", network="cite-des-metiers")
    assert dossier_links(region_client.get(QUEUE, {"reseau": "cite-des-metiers"})) == [careers.pk]
    assert dossier_links(region_client.get(QUEUE, {"q": "castres"})) == [youth.pk]


def test_the_queue_filters_by_the_departements_the_dossier_covers(region_client):
    haute_garonne, _ = deposited("Structure toulousaine")  # pre-filled from its site: 31
    herault, _ = deposited("Structure montpelliéraine", territoire=["34"])
    both, _ = deposited("Structure des deux départements", territoire=["31", "34"])
    assert dossier_links(region_client.get(QUEUE, {"departement": "34"})) == [herault.pk, both.pk]
    assert dossier_links(region_client.get(QUEUE, {"departement": "31"})) == [haute_garonne.pk, both.pk]
    response = region_client.get(QUEUE, {"departement": "34"})
    assert "31, 34" in response.content.decode()


def test_the_queue_filters_by_campaign_where_the_region_has_campaigns(settings, region_client):
    settings.SPRO_REGION = "84"
    autumn, _ = deposited("Structure de l'automne", region="84", day=date(2026, 9, 15))
    spring, _ = deposited("Structure du printemps", region="84", day=date(2027, 3, 15))
    january = Campaign.objects.get(code="janvier", entry_on=date(2027, 1, 1))
    september = Campaign.objects.get(code="septembre", entry_on=date(2027, 9, 1))
    assert (autumn.campaign, spring.campaign) == (january, september)
    response = region_client.get(QUEUE, {"campagne": september.pk})
    assert dossier_links(response) == [spring.pk]
    assert "Campagne pour une entrée au 1er janvier (01/01/2027)" in response.content.decode()
    for unusable in ("nan", "inf", "1e308", str(january.pk) + "\x00"):
        assert region_client.get(QUEUE, {"campagne": unusable}).status_code == 400


def test_occitanie_applies_all_year_round_and_has_no_campaign_filter(region_client):
    deposited()
    html = region_client.get(QUEUE).content.decode()
    assert 'name="statut"' in html and 'name="departement"' in html and 'name="reseau"' in html
    assert 'name="campagne"' not in html


def test_the_list_of_dossiers_is_exported_with_the_filters_of_the_page(region_client):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0)):
        kept, _ = deposited("=Structure au nom piégé", network="cite-des-metiers")
    deposited("Structure d'un autre réseau")
    response = region_client.get(QUEUE, {"reseau": "cite-des-metiers", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dossiers-de-labellisation.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Dossier n°",
        "Structure",
        "Réseau",
        "Départements",
        "Volets",
        "Campagne",
        "État",
        "Déposé le",
        "Décidé le",
    ]
    assert rows[1:] == [
        [
            str(kept.pk),
            "'=Structure au nom piégé",
            "Cité des métiers",
            "31",
            "Volet SPRO (premier niveau d'accueil)",
            "",
            "Déposé",
            "2026-03-02",
            "",
        ]
    ]
    response = region_client.get(QUEUE, {"reseau": "cite-des-metiers", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "'=Structure au nom piégé"
    page = region_client.get(QUEUE, {"reseau": "cite-des-metiers"}).content.decode()
    assert "reseau=cite-des-metiers&amp;format=ods" in page


def test_an_unknown_export_format_is_a_french_400(region_client):
    response = region_client.get(QUEUE, {"format": "pdf"})
    assert response.status_code == 400
    assert "La requête est invalide" in response.content.decode()


def test_the_queue_is_paginated(region_client):
    for number in range(27):
        structure, admin = labels.applicant("76", f"Structure en brouillon {number:02d}")
        workflow.start_application(structure, ["spro"], admin, region_code="76")
    first = region_client.get(QUEUE, {"statut": "brouillon"})
    assert len(dossier_links(first)) == 25
    assert "Page 1 sur 2" in first.content.decode()
    assert "statut=brouillon&amp;page=2" in first.content.decode()
    second = region_client.get(QUEUE, {"statut": "brouillon", "page": "2"})
    assert len(dossier_links(second)) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"statut": "inconnu"},
        {"statut": "depose\x00"},
        {"departement": "31\x00"},
        {"reseau": "x" * 100_000},
        {"q": "a" * 100_000},
    ],
)
def test_an_unusable_filter_is_shown_on_the_form_in_french(region_client, query):
    deposited()
    response = region_client.get(QUEUE, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert dossier_links(response) == []


@pytest.mark.parametrize("page", ["\x00", "nan", "inf", "-1", "99999999999999999999"])
def test_an_unusable_page_number_shows_a_page_of_the_list(region_client, page):
    deposited()
    response = region_client.get(QUEUE, {"page": page})
    assert response.status_code == 200
    assert len(dossier_links(response)) == 1
