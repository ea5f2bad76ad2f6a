"""The demo obeys the product's own rules: every network, structure, site and service that `spro load-demo`
makes passes the validation a person's input goes through — the model's `full_clean()`, where the
directory's rules live, and the forms of the professional space and the Région back office."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from spro.directory.codes import SiteKind
from spro.directory.models import Network, Service, Site, Structure
from spro.www.region.forms import NetworkForm
from spro.www.structures.forms import ServiceForm, SiteForm, StructureForm
from tests.conftest import data_shared_by_the_scope

pytestmark = pytest.mark.django_db

# Foreign keys are checked by the database itself; checking them again costs one query per object.
FOREIGN_KEYS = ["network", "parent", "structure", "commune", "site", "updated_by"]


def load_demo(*args):
    call_command("load-demo", *args, stdout=io.StringIO())


def model_errors(objects, exclude=()) -> list[str]:
    problems = []
    for obj in objects:
        try:
            obj.full_clean(exclude=list(exclude))
        except ValidationError as error:
            problems.append(f"{type(obj).__name__} n° {obj.pk} « {obj} » : {error.message_dict}")
    return problems


def form_errors(form, obj) -> list[str]:
    return (
        [] if form.is_valid() else [f"{type(obj).__name__} n° {obj.pk} « {obj} » : {form.errors.as_data()}"]
    )


def structure_data(structure: Structure) -> dict:
    return {
        "name": structure.name,
        "siret": structure.siret,
        "network": structure.network_id,
        "membership_kind": structure.membership_kind,
        "parent": structure.parent_id or "",
        "website": structure.website,
        "description": structure.description,
        "is_active": structure.is_active,
    }


def site_data(site: Site) -> dict:
    return {
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "address_complement": site.address_complement,
        "postal_code": site.postal_code,
        "commune_name": site.commune.name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "phone": site.phone,
        "email": site.email,
        "opening_hours": site.opening_hours,
        "reception_modes": site.reception_modes,
        "accessibility": site.accessibility,
        "description": site.description,
    }


def service_data(service: Service) -> dict:
    data = {
        "name": service.name,
        "description": service.description,
        "needs": service.needs,
        "publics": service.publics,
        "access_modes": service.access_modes,
        "appointment_url": service.appointment_url,
    }
    if service.is_free:
        data["is_free"] = "on"
    return data


def network_data(network: Network) -> dict:
    return {
        "label": network.label,
        "short_label": network.short_label,
        "description": network.description,
        "publics": network.publics,
        "needs": network.needs,
        "membership_kind": network.membership_kind,
        "data_inclusion_typology": network.data_inclusion_typology,
        "is_active": "on" if network.is_active else "",
    }


def test_every_demo_object_of_the_configured_region_passes_the_models_and_the_forms(settings):
    settings.SPRO_REGION = "76"
    load_demo()
    networks = list(Network.objects.filter(structures__is_demo=True).distinct())
    structures = list(Structure.objects.filter(is_demo=True).select_related("network"))
    sites = list(Site.objects.filter(structure__is_demo=True).select_related("commune"))
    services = list(Service.objects.filter(site__structure__is_demo=True))
    assert len(structures) > 200 and len(sites) > 500 and len(services) > 2000

    problems = model_errors(networks) + model_errors(structures) + model_errors(sites)
    problems += model_errors(services, exclude=["site"])
    for network in networks:
        problems += form_errors(NetworkForm(data=network_data(network), instance=network), network)
    region_admin = type("RegionAdmin", (), {"is_region_admin": True})()
    for structure in structures:
        form = StructureForm(data=structure_data(structure), instance=structure, user=region_admin)
        problems += form_errors(form, structure)
    # Remote-only entries (no address) pass the models above; the member's site form edits reception sites.
    for site in (site for site in sites if site.kind != SiteKind.A_DISTANCE):
        problems += form_errors(SiteForm(data=site_data(site), instance=site), site)
    for service in services:
        problems += form_errors(ServiceForm(data=service_data(service), instance=service), service)

    assert problems[:20] == [] and len(problems) == 0


@pytest.fixture(scope="module")
def every_region_at_a_small_scale(django_db_setup, django_db_blocker, tmp_path_factory):
    """The national demo at a tenth of its size, loaded once for the tests below (it takes a minute)."""
    with data_shared_by_the_scope(django_db_blocker, tmp_path_factory):
        load_demo("--toutes-regions", "--echelle", "0.1")
        yield


@pytest.mark.usefixtures("every_region_at_a_small_scale")
def test_every_demo_object_of_every_region_passes_the_models_at_a_small_scale():
    assert Site.objects.values("commune__region").distinct().count() >= 13

    problems = model_errors(Structure.objects.filter(is_demo=True), exclude=FOREIGN_KEYS)
    problems += model_errors(Site.objects.filter(structure__is_demo=True), exclude=FOREIGN_KEYS)
    problems += model_errors(Service.objects.filter(site__structure__is_demo=True), exclude=FOREIGN_KEYS)

    assert problems[:20] == [] and len(problems) == 0


@pytest.mark.usefixtures("every_region_at_a_small_scale")
def test_a_service_for_everyone_is_never_also_for_another_public():
    mixed = {
        (name, tuple(publics))
        for name, publics in Service.objects.values_list("name", "publics")
        if "tous-publics" in publics and len(publics) > 1
    }
    assert mixed == set()
