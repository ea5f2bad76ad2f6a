"""The directory's rules are the models' (spro.directory.validators): `full_clean()` refuses, in French,
what the forms refuse — so the forms, the data·inclusion import and the demo share one set of rules."""

import pytest
from django.core.exceptions import ValidationError

from spro.directory.models import Network, Service
from tests.directory.factories import site, structure

pytestmark = pytest.mark.django_db


def errors(obj) -> dict:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_it_refuses_a_service_for_everyone_and_for_another_public():
    service = Service(
        site=site(), name="Accueil", needs=["se-former"], publics=["tous-publics", "jeunes-16-25"]
    )

    assert errors(service) == {"publics": ["« Tous publics » ne se combine pas avec d'autres publics."]}


def test_it_refuses_unknown_codes_and_a_service_without_need():
    service = Service(site=site(), name="Accueil", needs=[], publics=["martiens"], access_modes=["pigeon"])

    found = errors(service)

    assert set(found) == {"needs", "publics", "access_modes"}
    assert found["publics"][0].startswith("Code inconnu parmi les publics : martiens")


def test_it_refuses_what_the_site_form_refuses():
    place = site()
    place.postal_code, place.opening_hours, place.phone = "3100", "tous les jours", "pas de numéro"
    place.reception_modes, place.latitude = ["telepathie"], 91.0

    assert set(errors(place)) == {"postal_code", "opening_hours", "phone", "reception_modes", "latitude"}


def test_it_refuses_a_structure_that_would_depend_on_its_own_antenna():
    head = structure("mission-locale", name="Mission Locale")
    antenna = structure("mission-locale", name="Antenne", parent=head)
    head.parent = antenna

    assert errors(head) == {"parent": ["Une structure ne peut pas dépendre d'une de ses propres antennes."]}


def test_it_refuses_an_invalid_siret_and_a_network_code_in_capitals():
    assert "siret" in errors(structure("cio", siret="13000548100011"))
    network = Network(code="Mission-Locale", label="Mission Locale")
    assert errors(network) == {"code": ["Le code s'écrit en minuscules, par exemple mission-locale."]}


def test_the_migration_brings_rows_written_before_the_rule_in_line():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("spro.directory.migrations.0008_services_for_everyone_only")
    place = site(services=[{"name": "Ateliers", "needs": ["trouver-un-emploi"], "publics": ["jeunes-16-25"]}])
    Service.objects.create(
        site=place, name="Accueil", needs=["se-former"], publics=["eleves", "tous-publics"]
    )
    place.reindex()
    assert place.publics_index == "|eleves|jeunes-16-25|tous-publics|"

    migration.forwards(apps, None)

    assert sorted(Service.objects.values_list("publics", flat=True)) == [["jeunes-16-25"], ["tous-publics"]]
    place.refresh_from_db()
    assert place.publics_index == "|jeunes-16-25|tous-publics|"
