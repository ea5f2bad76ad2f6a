"""After `spro load-demo`, the Région's indicators have content in every view: fictitious zones d'emploi
and bassins de vie (INSEE's delimitation is not shipped), referrals between the demo structures
(figures by network pair) and the share of people sent to a second door; loading again adds nothing."""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings

from spro.referrals.models import Referral, ReferralTransition
from spro.territories.models import Commune, EmploymentZone, LivingArea
from tests.accounts import factories as accounts
from tests.conftest import data_shared_by_the_scope

pytestmark = pytest.mark.django_db
REGION = "/region/activite/"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo of Occitanie, loaded once for the module (half a minute); what its output said."""
    with override_settings(SPRO_REGION="76"), data_shared_by_the_scope(django_db_blocker, tmp_path_factory):
        out = io.StringIO()
        call_command("load-demo", stdout=out)
        yield out.getvalue()


@pytest.fixture(autouse=True)
def occitanie(settings):
    settings.SPRO_REGION = "76"


def test_every_commune_of_the_region_gets_a_demo_zone_and_bassin(demo):
    assert "zones d'emploi et" in demo and "bassins de vie de démonstration" in demo
    communes = Commune.objects.filter(region_id="76")
    assert not communes.filter(employment_zone=None).exists()
    assert not communes.filter(living_area=None).exists()
    # Three zones per département, named "(démonstration)"; a bassin per EPCI, named after its town.
    assert EmploymentZone.objects.count() == 3 * 13
    assert set(EmploymentZone.objects.values_list("name", flat=True)) >= {"Toulouse (démonstration)"}
    assert Commune.objects.get(code="31555").living_area_id == "31555"
    assert LivingArea.objects.get(code="31555").name == "Toulouse"
    zones, areas = EmploymentZone.objects.count(), LivingArea.objects.count()
    call_command("load-demo", stdout=io.StringIO())
    assert (EmploymentZone.objects.count(), LivingArea.objects.count()) == (zones, areas)


def test_demo_referrals_have_no_person_and_a_history(demo):
    referrals = Referral.objects.filter(sender_structure__is_demo=True)
    assert referrals.count() > 100
    assert not referrals.exclude(person_name="", person_phone="", person_email="", message="").exists()
    assert {"envoyee", "acceptee", "personne-recue", "refusee", "expiree"} <= set(
        referrals.values_list("state", flat=True)
    )
    assert not referrals.filter(transitions=None).exists()
    assert (
        ReferralTransition.objects.filter(name="refuser").count() == referrals.filter(state="refusee").count()
    )
    assert not referrals.filter(from_network=F("to_network")).exists()  # always another network
    count = referrals.count()
    call_command("demo-orientations")
    assert Referral.objects.count() == count


def test_the_region_indicators_have_content_by_zone_bassin_and_network_pair(demo, client):
    accounts.login_verified(client, accounts.region_instructor())
    page = client.get(REGION).content.decode()
    pairs = page[page.index("Orientations envoyées et reçues, par paire de réseaux") :]
    pairs = pairs[: pairs.index("</table>")]
    assert "→" in pairs and "Aucune orientation sur la période." not in pairs
    share = re.search(r"deuxième porte\) :\s*<strong>([^<]+)</strong>", page)
    assert share and share.group(1).endswith("%")
    zone = EmploymentZone.objects.get(name="Toulouse (démonstration)").code
    for query in (f"zone={zone}", "bassin=31555"):
        page = client.get(f"{REGION}?{query}")
        assert page.status_code == 200
        text = page.content.decode()
        total = re.search(
            r'Personnes reçues par mois.*?<th scope="row">Total</th><td>([^<]+)</td>', text, re.S
        )
        assert total and total.group(1).replace("\u202f", "").replace(" ", "").isdigit()
        assert int(total.group(1).replace("\u202f", "").replace(" ", "")) > 0
