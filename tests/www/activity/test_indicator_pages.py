"""Indicator pages: the structure reads its own figures unmasked; the Région's page, filtered by
département, network and period, masks small counts; every table downloads in CSV, XLSX and ODS."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from spro.activity.models import Reception
from tests.accounts import factories as accounts
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db
REGION = "/region/activite/"


def receptions(site, count, **fields):
    values = {"mode": "sur-place", "sexe": "femme", "age_band": "18-25", "statut": "eleve", "need": "vae",
              "answer": "conseil", "date": timezone.localdate() - timedelta(days=3), **fields}  # fmt: skip
    Reception.objects.bulk_create(
        [Reception(structure=site.structure, site=site, **values) for _ in range(count)]
    )


@pytest.fixture
def figures():
    toulouse = directory.site("CIO Toulouse", network_code="cio")
    albi = directory.site("ML Albi", network_code="mission-locale", commune_code="81004")
    receptions(toulouse, 40, commune_id="31555")
    receptions(toulouse, 2, sexe="homme", commune_id="75056")
    receptions(albi, 30, sexe="homme", mode="telephone")
    return toulouse, albi


@pytest.fixture
def region_client(client):
    accounts.login_verified(client, accounts.region_instructor())
    return client


def test_the_structure_reads_its_own_figures_unmasked(client, figures):
    toulouse, _ = figures
    client.force_login(accounts.member(toulouse.structure, "conseiller@a.test"))
    page = client.get("/espace-pro/activite/indicateurs/").content.decode()
    assert "<h1>Indicateurs d'accueil de" in page
    assert '<th scope="row">Homme</th><td>2</td>' in page  # its own small count, unmasked
    assert '<th scope="row">Hors du territoire</th><td>2</td>' in page


def test_the_region_page_masks_small_counts_and_what_would_reveal_them(region_client, figures):
    page = region_client.get(REGION).content.decode()
    assert "<h1>Activité des structures : premier accueil</h1>" in page
    # Sexe: 40 femmes, 32 hommes, nobody "non précisé": a zero singles out no one, it shows as 0.
    assert '<th scope="row">Femme</th><td>40</td>' in page
    assert '<th scope="row">Homme</th><td>32</td>' in page
    assert '<th scope="row">Non précisé</th><td>0</td>' in page
    # Provenance: 40 inside the Région, 2 from Paris, 30 of unknown commune. The 2 is a small count;
    # alone it would be the total minus the others, so the smallest other non-zero cell is hidden too,
    # shown "secret" (it is not small).
    assert '<th scope="row">Dans le territoire</th><td>40</td>' in page
    assert '<th scope="row">Hors du territoire</th><td>&lt; 5</td>' in page
    assert '<th scope="row">Commune non précisée</th><td>secret</td>' in page


def test_the_region_filters_by_departement_network_and_period(region_client, figures):
    total = '<tfoot><tr><th scope="row">Total</th><td>{}</td></tr></tfoot>'
    page = region_client.get(f"{REGION}?departement=81").content.decode()
    assert total.format(30) in page and total.format(72) not in page
    # One non-zero mode among zeros: nothing is small, nothing is masked.
    assert '<th scope="row">Téléphone</th><td>30</td>' in page
    assert '<th scope="row">Courriel</th><td>0</td>' in page
    page = region_client.get(f"{REGION}?reseau=cio").content.decode()
    assert total.format(42) in page
    old = (timezone.localdate() - timedelta(days=400)).isoformat()
    page = region_client.get(f"{REGION}?du={old}&au={old}").content.decode()
    assert "Aucun accueil sur la période." in page
    assert region_client.get(f"{REGION}?du=2026-05-01&au=2026-01-01").status_code == 422
    assert region_client.get(f"{REGION}?du=%00").status_code == 422
    assert region_client.get(f"{REGION}?zone=%00").status_code == 422


def test_a_region_table_downloads_masked_in_every_format(region_client, figures):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableRow
    from openpyxl import load_workbook

    response = region_client.get(f"{REGION}?format_sexe=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Par sexe", "Personnes reçues"]
    assert rows[1:] == [["Femme", "40"], ["Homme", "32"], ["Non précisé", "0"], ["Total", "72"]]
    response = region_client.get(f"{REGION}?format_provenance=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["Dans le territoire", "40"],
        ["Hors du territoire", "< 5"],
        ["Commune non précisée", "secret"],
        ["Total", "72"],
    ]
    book = load_workbook(io.BytesIO(region_client.get(f"{REGION}?format_provenance=xlsx").content))
    assert [list(r) for r in book.active.iter_rows(values_only=True)][1:4] == [
        ["Dans le territoire", 40],
        ["Hors du territoire", "< 5"],
        ["Commune non précisée", "secret"],
    ]
    document = load(io.BytesIO(region_client.get(f"{REGION}?format_provenance=ods").content))
    texts = [teletype.extractText(row) for row in document.getElementsByType(TableRow)]
    assert texts[1:4] == ["Dans le territoire40", "Hors du territoire< 5", "Commune non préciséesecret"]
    assert region_client.get(f"{REGION}?format_sexe=pdf").status_code == 400


def test_every_table_has_its_export_links(region_client, figures):
    page = region_client.get(REGION).content.decode()
    for code in ("mois", "mode", "sexe", "age_band", "statut", "provenance", "epci", "need", "answer"):
        assert f"format_{code}=csv" in page and f"format_{code}=xlsx" in page and f"format_{code}=ods" in page


def test_members_do_not_see_the_region_page(client, figures):
    toulouse, _ = figures
    client.force_login(accounts.member(toulouse.structure, "conseiller@a.test"))
    assert client.get(REGION).status_code == 403
