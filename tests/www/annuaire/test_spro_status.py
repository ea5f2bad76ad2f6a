"""The directory shows each structure's SPRO status: a public badge on the site page, and the filters
/annuaire/?statut_spro=labellise and ?volet=information-metiers."""

import html
from datetime import date

import pytest
import time_machine

from spro.labels import status as statuses
from spro.labels import workflow
from tests.directory import factories as directory
from tests.labels import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(settings, tmp_path):
    settings.SPRO_REGION = "76"
    settings.MEDIA_ROOT = tmp_path / "media"
    agent = factories.instructor()
    cio = directory.site(name="CIO de Toulouse Centre", network_code="cio")
    partner = directory.site(name="CIDFF accueil", network_code="cidff", north_km=2)
    statuses.set_region_status(partner.structure, "partenaire-local", agent, "Convention locale")
    metiers, admin = factories.draft(
        "76", volets=["information-metiers"], name="Cité des métiers de Toulouse"
    )
    spro, admin_spro = factories.draft("76", volets=["spro"], name="Point information jeunesse")
    with time_machine.travel(date(2026, 5, 12), tick=False):
        for application, person in ((metiers, admin), (spro, admin_spro)):
            workflow.submit(application, person)
            factories.grant(application, agent, day=date(2026, 5, 12))
    return {
        "cio": cio,
        "partner": partner,
        "metiers": metiers.structure.sites.get(),
        "spro": spro.structure.sites.get(),
    }


def names(client, **params) -> list[str]:
    response = client.get("/annuaire/", {"commune": "31555", "rayon": 20, **params})
    assert response.status_code == 200
    return sorted(hit.site.name for hit in response.context["result"].items)


def test_the_filter_keeps_the_labelled_structures_only(client, places):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        assert names(client, statut_spro="labellise") == [
            "Cité des métiers de Toulouse — accueil",
            "Point information jeunesse — accueil",
        ]
        assert names(client, statut_spro="membre-de-droit") == ["CIO de Toulouse Centre"]
        assert names(client, statut_spro="partenaire-local") == ["CIDFF accueil"]


def test_the_volet_filter_keeps_the_structures_labelled_for_that_volet(client, places):
    with time_machine.travel(date(2026, 6, 1), tick=False):
        assert names(client, volet="information-metiers") == ["Cité des métiers de Toulouse — accueil"]
        assert names(client, statut_spro="labellise", volet="spro") == [
            "Point information jeunesse — accueil"
        ]


def test_an_unknown_status_is_a_french_form_error(client, places):
    response = client.get("/annuaire/", {"commune": "31555", "statut_spro": "<script>"})
    assert response.status_code == 200
    assert "Ce statut n'existe pas : choisissez-en un dans la liste." in html.unescape(
        response.content.decode()
    )


def test_the_site_page_shows_the_label_badge_its_volets_and_attestation(client, places):
    site = places["metiers"]
    reference = site.structure.spro_status.attestation
    with time_machine.travel(date(2026, 6, 1), tick=False):
        content = html.unescape(client.get(f"/lieux/{site.pk}/").content.decode())
    assert "Labellisé SPRO</p>" in content
    assert "Volet Information Métiers</p>" in content
    assert f'Label valide jusqu\'au 31/12/2027 — <a href="/attestations/{reference}/">' in content


def test_the_site_page_of_a_member_by_law_says_so(client, places):
    content = html.unescape(client.get(f"/lieux/{places['cio'].pk}/").content.decode())
    assert "Membre de droit du SPRO</p>" in content
    assert "vérifier l'attestation" not in content
