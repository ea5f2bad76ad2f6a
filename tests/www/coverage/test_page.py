"""/region/couverture/: the Région's page of the territorial coverage (staff only), its filters, its
tables and their exports (CSV, XLSX, ODS opened back)."""

import csv
import io
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P

from spro.activity import coverage
from spro.directory.models import Network
from spro.labels.status import refresh_status
from spro.territories.models import Commune, LivingArea
from tests.accounts import factories as accounts
from tests.activity.test_coverage import ALBI, CASTRES, MENDE, TERRITORY, TOULOUSE
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db
URL = reverse("couverture:page")


@pytest.fixture
def computed():
    cio = directory.site("CIO de Toulouse", network_code="cio", commune_code=TOULOUSE, north_km=3, east_km=4)
    directory.site(
        "PIJ d'Albi", network_code="information-jeunesse", commune_code=ALBI, north_km=6, east_km=8
    )
    refresh_status(cio.structure)
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    return dict(Commune.objects.filter(code__in=TERRITORY).values_list("code", "population"))


@pytest.fixture
def staff(client):
    accounts.login_verified(client, accounts.region_instructor())
    return client


def french(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def test_members_and_anonymous_people_cannot_see_it(client, computed):
    assert client.get(URL).status_code == 302
    structure = directory.structure("cio", name="CIO d'Albi")
    accounts.login_verified(client, accounts.member(structure, "conseil@cio.test"))
    assert client.get(URL).status_code == 403


def test_the_page_shows_the_population_covered_by_departement_and_the_white_zones(staff, computed):
    response = staff.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Couverture territoriale du SPRO</h1>" in html
    assert "Tout membre du SPRO, à moins de 20 km" in html
    assert f'<th scope="row">Haute-Garonne (31)</th><td>{french(computed[TOULOUSE])}</td>' in html
    assert "3 communes à plus de 20 km" in html
    for code in (ALBI, CASTRES, MENDE):
        assert f"({code})</th>" in html
    assert f"({TOULOUSE})</th>" not in html


def test_a_network_and_a_distance_are_chosen_on_the_page(staff, computed):
    html = staff.get(URL, {"reseau": "information-jeunesse", "distance": "12"}).content.decode()
    label = Network.objects.get(code="information-jeunesse").label
    assert f"Réseau {label}, à moins de 12 km" in html
    assert "à moins de 12 km" in html
    assert f"({ALBI})</th>" not in html.split("Zones blanches")[1]


@pytest.mark.parametrize(
    "distance", ["abc", "-1", "0", "inf", "nan", "500", "1e400", "20\x00", "9" * 100_000]
)
def test_a_bad_distance_is_refused_in_french_with_422(staff, computed, distance):
    response = staff.get(URL, {"distance": distance})
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assert "distance" in response.content.decode().lower()


def test_an_unknown_network_is_refused_with_422(staff, computed):
    response = staff.get(URL, {"reseau": "inconnu"})
    assert response.status_code == 422


def test_the_tables_are_exported_in_csv_xlsx_and_ods(staff, computed):
    rows = list(csv.reader(io.StringIO(staff.get(URL, {"format": "csv"}).content.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:4] == ["Code", "Département", "Population", "Population couverte"]
    assert [r[0] for r in body] == ["31", "48", "81"]
    assert body[0][2] == body[0][3] == str(computed[TOULOUSE])

    zones = staff.get(URL, {"format_zones": "xlsx", "distance": "20"})
    sheet = openpyxl.load_workbook(io.BytesIO(zones.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Code INSEE", "Commune")
    assert {row[0] for row in values[1:]} == {ALBI, CASTRES, MENDE}
    assert {row[3] for row in values[1:]} == {computed[ALBI], computed[CASTRES], computed[MENDE]}

    ods = load_ods(io.BytesIO(staff.get(URL, {"format": "ods"}).content))
    table = ods.spreadsheet.getElementsByType(Table)[0]
    first = [
        "".join(str(p) for p in cell.getElementsByType(P))
        for cell in table.getElementsByType(TableRow)[1].getElementsByType(TableCell)
    ]
    assert first[:2] == ["31", "Haute-Garonne"]


def test_an_unknown_export_format_is_a_french_400(staff, computed):
    response = staff.get(URL, {"format": "pdf"})
    assert response.status_code == 400


def test_before_any_computation_the_page_says_so(staff):
    html = staff.get(URL).content.decode()
    assert "La couverture n'a pas encore été calculée" in html


def test_the_table_is_also_by_epci_or_zone_d_emploi(staff, computed):
    toulouse = Commune.objects.select_related("epci").get(code=TOULOUSE)
    html = staff.get(URL, {"echelon": "epci"}).content.decode()
    assert "Population couverte par EPCI" in html
    assert (
        f'<th scope="row">{toulouse.epci.name} ({toulouse.epci_id})</th><td>{french(computed[TOULOUSE])}</td>'
        in html
    )
    rows = list(
        csv.reader(
            io.StringIO(staff.get(URL, {"echelon": "epci", "format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][1] == "EPCI"
    assert [toulouse.epci_id, toulouse.epci.name, str(computed[TOULOUSE])] == rows[
        1 + [r[0] for r in rows[1:]].index(toulouse.epci_id)
    ][:3]
    assert staff.get(URL, {"echelon": "canton"}).status_code == 422
    assert (
        "Population couverte par zone d'emploi" in staff.get(URL, {"echelon": "zone-emploi"}).content.decode()
    )


def test_the_table_is_also_by_bassin_de_vie_and_by_commune(staff, computed):
    # Bassins de vie come from INSEE's table (spro import-employment-zones); here two, made by hand.
    LivingArea.objects.create(code=TOULOUSE, name="Toulouse")
    LivingArea.objects.create(code=ALBI, name="Albi")
    Commune.objects.filter(code=TOULOUSE).update(living_area_id=TOULOUSE)
    Commune.objects.filter(code__in=[ALBI, CASTRES]).update(living_area_id=ALBI)
    html = staff.get(URL, {"echelon": "bassin-vie", "distance": "20"}).content.decode()
    assert "Population couverte par bassin de vie" in html
    assert f'<th scope="row">Toulouse ({TOULOUSE})</th><td>{french(computed[TOULOUSE])}</td>' in html
    # Albi's bassin (Albi and Castres) is farther than 20 km from the CIO, the only member: nobody covered.
    albi = computed[ALBI] + computed[CASTRES]
    assert f'<th scope="row">Albi ({ALBI})</th><td>{french(albi)}</td><td>0</td>' in html
    rows = list(
        csv.reader(
            io.StringIO(staff.get(URL, {"echelon": "commune", "format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["Code", "Commune", "Population"]
    assert sorted(r[0] for r in rows[1:]) == sorted(TERRITORY)
    assert [r for r in rows if r[0] == MENDE][0][2:4] == [str(computed[MENDE]), "0"]


def legend(html: str) -> list[str]:
    start = html.index('<ul class="spro-coverage-map__legend')
    items = html[start : html.index("</ul>", start)].split("<li>")[1:]
    return [unescape(item.split("</svg>", 1)[1].split("</li>")[0].strip()) for item in items]


def test_the_map_draws_each_commune_in_its_class_with_a_legend_in_words(staff, computed):
    html = staff.get(URL, {"distance": "20"}).content.decode()
    assert '<svg viewBox="0 0 1000 ' in html and 'role="img" aria-labelledby="carte-titre carte-desc"' in html
    assert '<title id="carte-titre">Carte des zones blanches de la région Occitanie, à 20 km</title>' in html
    # Any member: the CIO 5 km from Toulouse. Albi, Castres and Mende lie farther than 20 km.
    white = computed[ALBI] + computed[CASTRES] + computed[MENDE]
    assert legend(html) == [
        f"À moins de 10 km d'un lieu d'accueil : 1 commune, {french(computed[TOULOUSE])} habitants",
        "De 10 à 20 km (points) : 0 commune, 0 habitant",
        f"Zone blanche : à plus de 20 km (hachures) : 3 communes, {french(white)} habitants",
        "Lieu d'accueil",
    ]
    assert html.count('<path class="carte-proche"') == html.count('<path class="carte-blanche"') == 1
    assert '<path class="carte-couverte"' not in html  # an empty class draws nothing
    # The threshold of the form is the map's: at 8 km, Toulouse (5 km) is in the second class; at 4 km
    # it is a white zone too.
    assert legend(staff.get(URL, {"distance": "8"}).content.decode())[1] == (
        f"De 4 à 8 km (points) : 1 commune, {french(computed[TOULOUSE])} habitants"
    )
    everyone = french(white + computed[TOULOUSE])
    assert legend(staff.get(URL, {"distance": "4"}).content.decode())[2] == (
        f"Zone blanche : à plus de 4 km (hachures) : 4 communes, {everyone} habitants"
    )


def test_the_map_stays_light(staff, computed):
    """The whole Région drawn (every commune computed): the page stays under 400 kB."""
    coverage.compute(Commune.objects.filter(region_id="76"))
    response = staff.get(URL)
    html = response.content.decode()
    assert html.count("z") > 4000  # about 4,500 communes, each a closed path
    assert len(response.content) < 400_000
