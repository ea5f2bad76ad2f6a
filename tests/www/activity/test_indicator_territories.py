"""The Région's indicators for a zone d'emploi or a bassin de vie (/region/activite/?zone=…, ?bassin=…):
the receptions of the sites in it, the provenance "in the territory" read at the same level, the
referrals that touch it, the same figures downloaded.

A CIO in Toulouse (zone d'emploi and bassin de vie of Toulouse) receives 40 people from Toulouse and
6 from Albi; a Mission Locale in Albi (zone and bassin of Albi) receives 30 people from Albi.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from spro.activity.models import Reception
from spro.territories.models import Commune, EmploymentZone, LivingArea
from tests.accounts import factories as accounts
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db
REGION = "/region/activite/"
TOTAL = '<th scope="row">Total</th><td>{}</td>'


def receptions(site, count, commune):
    Reception.objects.bulk_create(
        [
            Reception(
                structure=site.structure,
                site=site,
                date=timezone.localdate() - timedelta(days=3),
                mode="sur-place",
                sexe="femme",
                age_band="18-25",
                statut="eleve",
                need="vae",
                answer="conseil",
                commune_id=commune,
            )
            for _ in range(count)
        ]
    )


@pytest.fixture
def territories(client):
    for code, name in (("7601", "Toulouse"), ("7602", "Albi")):
        EmploymentZone.objects.create(code=code, name=f"Zone de {name}")
    LivingArea.objects.create(code="31555", name="Bassin de Toulouse")
    LivingArea.objects.create(code="81004", name="Bassin d'Albi")
    Commune.objects.filter(code="31555").update(employment_zone_id="7601", living_area_id="31555")
    Commune.objects.filter(code="81004").update(employment_zone_id="7602", living_area_id="81004")
    toulouse = directory.site("CIO Toulouse", network_code="cio", commune_code="31555")
    albi = directory.site("ML Albi", network_code="mission-locale", commune_code="81004")
    receptions(toulouse, 40, "31555")
    receptions(toulouse, 6, "81004")
    receptions(albi, 30, "81004")
    accounts.login_verified(client, accounts.region_instructor())
    return client


@pytest.mark.parametrize(
    ("parameter", "toulouse", "albi"), [("zone", "7601", "7602"), ("bassin", "31555", "81004")]
)
def test_a_territory_counts_the_receptions_of_its_sites(territories, parameter, toulouse, albi):
    page = territories.get(REGION).content.decode()
    assert '<option value="31555">Bassin de Toulouse</option>' in page
    assert TOTAL.format(76) in page
    page = territories.get(f"{REGION}?{parameter}={toulouse}").content.decode()
    assert TOTAL.format(46) in page
    # People living in the territory of the sites, and those who came from elsewhere (Albi).
    assert '<th scope="row">Dans le territoire</th><td>40</td>' in page
    assert '<th scope="row">Hors du territoire</th><td>6</td>' in page
    page = territories.get(f"{REGION}?{parameter}={albi}").content.decode()
    assert TOTAL.format(30) in page
    assert '<th scope="row">Dans le territoire</th><td>30</td>' in page


def test_a_territory_download_has_the_same_figures(territories):
    response = territories.get(f"{REGION}?bassin=31555&format_provenance=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["Dans le territoire", "40"],
        ["Hors du territoire", "6"],
        ["Commune non précisée", "0"],
        ["Total", "46"],
    ]


@pytest.mark.parametrize("value", ["%00", "99999", "x" * 5000])
def test_an_unknown_bassin_is_refused_in_french(territories, value):
    response = territories.get(f"{REGION}?bassin={value}")
    assert response.status_code == 422
    assert "Choisissez un bassin de vie de la liste." in response.content.decode()
