"""The catalogue of networks: present after migrations, `spro load-networks` adds only what is missing."""

import io

import pytest
from django.core.management import call_command

from spro.directory.catalogue import catalogue
from spro.directory.codes import MembershipKind, Need, Public
from spro.directory.models import Network

pytestmark = pytest.mark.django_db

DOMAIN_CODES = {
    "cio", "suio", "mission-locale", "france-travail", "cap-emploi", "apec", "cep-actifs", "transitions-pro",
    "conseil-vae", "cma", "cci", "chambre-agriculture", "information-jeunesse", "cidff", "e2c", "epide",
    "maison-emploi", "cite-des-metiers", "region", "employeur-public",
}  # fmt: skip


def load_networks() -> str:
    out = io.StringIO()
    call_command("load-networks", stdout=out)
    return out.getvalue()


def test_the_data_migration_installs_the_twenty_networks_of_the_domain():
    assert DOMAIN_CODES <= set(Network.objects.values_list("code", flat=True))
    france_travail = Network.objects.get(code="france-travail")
    assert france_travail.label == "France Travail"
    assert "trouver-un-emploi" in france_travail.needs
    assert france_travail.data_inclusion_typology == "france-travail"
    assert france_travail.membership_kind == MembershipKind.DE_DROIT


def test_the_catalogue_uses_only_known_codes():
    from data_inclusion.schema.v1.reseaux_porteurs import ReseauPorteur

    reseaux = {r.value for r in ReseauPorteur}
    for entry in catalogue():
        assert set(entry["needs"]) <= set(Need.values), entry["code"]
        assert set(entry["publics"]) <= set(Public.values), entry["code"]
        assert entry["membership_kind"] in MembershipKind.values
        assert not entry["data_inclusion_typology"] or entry["data_inclusion_typology"] in reseaux


def test_it_adds_missing_networks_without_touching_those_the_region_edited():
    Network.objects.filter(code="cidff").delete()
    Network.objects.filter(code="cio").update(label="CIO — libellé choisi par la Région", needs=["vae"])
    output = load_networks()
    assert "1 réseau(x) ajouté(s) : cidff." in output
    cio = Network.objects.get(code="cio")
    assert cio.label == "CIO — libellé choisi par la Région" and cio.needs == ["vae"]
    assert Network.objects.filter(code="cidff").exists()


def test_running_it_twice_changes_nothing():
    load_networks()
    count = Network.objects.count()
    assert "0 réseau(x) ajouté" not in load_networks()
    assert Network.objects.count() == count


def test_it_keeps_networks_the_region_added():
    Network.objects.create(code="afdas", label="AFDAS")
    load_networks()
    assert Network.objects.filter(code="afdas").exists()
