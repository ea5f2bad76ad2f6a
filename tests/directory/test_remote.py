"""Remote-only entries of the directory (issue 17): a phone line or a website with no reception address,
serving a département or a whole Région — validated, found beside nearby sites as « à distance »
(never with a distance), shown without address nor map, exported to data·inclusion as remote services."""

import json

import pytest
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.core.exceptions import ValidationError
from django.core.management import call_command

from spro.directory.codes import SiteKind
from spro.directory.models import Service, Site
from spro.directory.search import SiteQuery, remote_sites, search_sites
from spro.territories.models import Departement
from tests.directory import factories

pytestmark = pytest.mark.django_db


def remote(name="Conseil Pro", network_code="region", needs=("choisir-un-metier",), **fields) -> Site:
    fields.setdefault("served_region", "76")
    fields.setdefault("phone", "0 800 222 100")
    site = Site(
        structure=factories.structure(network_code),
        name=name,
        kind=SiteKind.A_DISTANCE,
        opening_hours="Mo-Fr 09:00-18:00; PH off",
        reception_modes=["telephone"],
        **fields,
    )
    site.full_clean()
    site.save()
    Service.objects.create(
        site=site, name="Information et conseil", needs=list(needs), publics=["tous-publics"]
    )
    site.reindex()
    return site


def errors_of(site: Site) -> dict:
    with pytest.raises(ValidationError) as caught:
        site.full_clean()
    return caught.value.message_dict


# --- the model ---------------------------------------------------------------------------------------


def test_a_remote_entry_needs_no_address_nor_coordinates():
    site = remote()
    assert site.is_remote
    assert site.address == "" and site.commune is None and site.latitude is None
    assert site.phone == "0 800 222 100"


def test_a_remote_entry_names_its_territory_and_a_way_to_reach_it():
    site = Site(structure=factories.structure("region"), name="Ligne", kind=SiteKind.A_DISTANCE)
    errors = errors_of(site)
    assert "Indiquez le territoire desservi" in errors["served_region"][0]
    assert "téléphone, un site internet ou un courriel" in errors["phone"][0]


def test_a_remote_entry_refuses_an_address_coordinates_and_unknown_territories():
    site = Site(
        structure=factories.structure("region"),
        name="Ligne",
        kind=SiteKind.A_DISTANCE,
        address="1 rue de l'Exemple",
        latitude=43.6,
        longitude=1.44,
        served_departements=["31", "999"],
        website="https://www.exemple.fr",
    )
    errors = errors_of(site)
    assert "pas d'adresse" in errors["address"][0]
    assert "pas de coordonnées" in errors["latitude"][0]
    assert errors["served_departements"] == ["Département inconnu : 999."]


def test_a_reception_site_still_needs_its_address_and_names_no_territory():
    site = factories.site("CIO")
    site.address, site.served_region = "", "76"
    errors = errors_of(site)
    assert errors["address"] == ["Indiquez l'adresse du lieu d'accueil."]
    assert "Seul un service à distance" in errors["served_region"][0]


def test_existing_sites_are_unchanged_by_the_migration():
    site = factories.site("CIO")
    site.refresh_from_db()
    assert site.kind != SiteKind.A_DISTANCE and not site.is_remote
    assert site.served_region == "" and site.served_departements == [] and site.website == ""


# --- search ------------------------------------------------------------------------------------------


def test_remote_entries_serving_the_territory_are_listed_apart_never_near():
    factories.site("CIO de Toulouse")
    regional = remote("Ligne régionale")
    departemental = remote("Ligne Haute-Garonne", served_region="", served_departements=["31"])
    remote("Ligne Tarn", served_region="", served_departements=["81"])
    remote("Ligne Centre", served_region="24")

    found = remote_sites("31", "76")
    assert [hit.site for hit in found] == [departemental, regional]
    assert all(hit.distance_km is None for hit in found)
    near = search_sites(SiteQuery(lat=43.6, lon=1.44, radius_km=200))
    assert [hit.site.name for hit in near.items] == ["CIO de Toulouse"]


def test_remote_entries_follow_the_need_filter():
    remote("Ligne métiers", needs=["choisir-un-metier"])
    remote("Ligne VAE", needs=["vae"])
    assert [hit.site.name for hit in remote_sites("31", "76", need="vae")] == ["Ligne VAE"]


def test_the_annuaire_shows_remote_entries_beside_nearby_sites(client):
    factories.site("CIO de Toulouse")
    line = remote("Conseil Pro Occitanie")
    page = client.get("/annuaire/", {"commune": "31555"}).content.decode()
    assert "CIO de Toulouse" in page
    assert "Services à distance pour Toulouse" in page
    block = page[page.index(f'id="a-distance-{line.pk}"') :]
    block = block[: block.index("</li>")]
    assert "Conseil Pro Occitanie" in block and "à distance" in block
    assert " km" not in block
    assert 'href="tel:0800222100"' in block


def test_the_annuaire_of_another_region_does_not_show_them(client):
    remote("Conseil Pro Occitanie")
    page = client.get("/annuaire/", {"commune": "45234"}).content.decode()  # Orléans, Centre-Val de Loire
    assert "Conseil Pro Occitanie" not in page


def test_the_page_of_a_remote_entry_says_service_a_distance_with_no_address_nor_map(client):
    line = remote("Conseil Pro Occitanie", website="https://www.meformerenregion.fr")
    response = client.get(f"/lieux/{line.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Service à distance" in page
    assert "toute la région Occitanie" in page
    assert 'href="https://www.meformerenregion.fr"' in page
    assert "<address" not in page and "Itinéraire" not in page and "carte-lieux" not in page


# --- data·inclusion export ---------------------------------------------------------------------------


def test_a_remote_entry_is_exported_as_a_valid_remote_service_without_address(tmp_path):
    line = remote("Conseil Pro Occitanie", website="https://www.meformerenregion.fr")
    call_command("export-data-inclusion", str(tmp_path))
    structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    [structure] = [s for s in structures if s["nom"] == line.name]
    [service] = [s for s in services if s["structure_id"] == structure["id"]]
    DIStructure.model_validate(structure)
    DIService.model_validate(service)
    for item in (structure, service):
        assert not {"adresse", "commune", "code_postal", "code_insee", "latitude", "longitude"} & set(item)
    assert service["modes_accueil"] == ["a-distance"]
    assert service["telephone"] == "0 800 222 100"
    departements = sorted(Departement.objects.filter(region_id="76").values_list("code", flat=True))
    assert service["zone_eligibilite"] == departements and "31" in departements
    assert structure["site_web"] == "https://www.meformerenregion.fr"


# --- demo --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["76", "84", "24", "52"])
def test_the_demo_gives_each_seed_region_its_phone_line_and_its_website(region):
    from spro.directory import demo

    assert demo.ensure_remote_entries([region]) == 2
    assert demo.ensure_remote_entries([region]) == 0  # idempotent
    entries = Site.objects.filter(kind=SiteKind.A_DISTANCE, served_region=region)
    assert entries.count() == 2
    phone_line = entries.exclude(phone="").get()
    website = entries.exclude(website="").get()
    assert website.website.startswith("https://")
    assert phone_line.structure.is_demo and phone_line.services.filter(is_active=True).exists()
    for entry in entries:
        entry.full_clean()
        assert entry.commune is None and entry.latitude is None


def test_the_centre_phone_line_is_conseil_pro():
    from spro.directory import demo

    demo.ensure_remote_entries(["24"])
    line = Site.objects.get(kind=SiteKind.A_DISTANCE, served_region="24", website="")
    assert line.name.startswith("Conseil Pro") and line.phone == "08 00 22 21 00"
    assert [hit.site.name for hit in remote_sites("45", "24", need="information-metiers")] == [
        "Conseil Pro — numéro régional d'information",
        "Etoile — l'orientation en Centre-Val de Loire",
    ]
