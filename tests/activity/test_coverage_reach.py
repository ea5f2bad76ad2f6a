"""What itinerant and remote modes add to the coverage, the sites open at least N half-days a week, and
the stored coverage marked stale when the directory changes (then recomputed by
`spro calculer-couverture --si-perimee`).

The territory of tests/activity/test_coverage.py (Toulouse, Albi, Castres, Mende), for the CIO network:
a CIO 5 km from Toulouse open ten half-days a week; a permanence of the CIO in Albi's centre one
afternoon a week (reception "hors les murs": the directory's kind for it); a CIO phone line answering
Lozère (Mende). At 20 km: the fixed site covers Toulouse, the permanence adds Albi, the phone line
reaches Mende; Castres (about 40 km from Albi) stays out.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from spro.activity import coverage
from spro.activity.models import CoverageRun
from spro.directory.codes import SiteKind
from spro.directory.models import Network, Site
from spro.territories.models import Commune
from tests.accounts import factories as accounts
from tests.activity.test_coverage import ALBI, CASTRES, MENDE, TERRITORY, TOULOUSE
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db
WEEK = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


@pytest.fixture
def cio_network():
    cio = directory.site(
        "CIO de Toulouse",
        network_code="cio",
        commune_code=TOULOUSE,
        north_km=3,
        east_km=4,
        opening_hours=WEEK,
    )
    directory.site(
        "Permanence du CIO à Albi",
        network_code="cio",
        commune_code=ALBI,
        structure_obj=cio.structure,
        kind=SiteKind.PERMANENCE,
        opening_hours="We 14:00-17:00",
    )
    Site.objects.create(
        structure=cio.structure,
        name="Ligne téléphonique du CIO",
        kind=SiteKind.A_DISTANCE,
        served_departements=["48"],
        phone="05 61 00 00 01",
    )
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    return cio


def test_half_days_are_counted_from_the_opening_hours():
    from spro.directory.hours import half_days_per_week

    assert half_days_per_week(WEEK) == 10
    assert half_days_per_week("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00") == 11
    assert half_days_per_week("We 14:00-17:00") == 1
    assert half_days_per_week("Mo-Fr 09:00-13:30") == 5  # half an hour after 13 h opens no afternoon
    assert half_days_per_week("Mo 08:00-18:00") == 2
    assert half_days_per_week("24/7") == 14
    assert half_days_per_week("") is None
    assert half_days_per_week("n'importe quoi") is None


def test_permanences_and_remote_entries_add_their_population(cio_network, settings):
    pop = dict(Commune.objects.filter(code__in=TERRITORY).values_list("code", "population"))
    run = coverage.latest_run()
    assert run.region == "76" and run.min_half_days == settings.SPRO_COVERAGE_MIN_HALF_DAYS == 5
    rows = coverage.reach_rows(Network.objects.get(code="cio"), 20, "76", run)
    total = sum(pop.values())
    got = [(r["sites"], r["population_couverte"]) for r in rows]
    assert got == [
        (1, pop[TOULOUSE]),  # open at least 5 half-days: the CIO, not the permanence
        (1, pop[TOULOUSE]),  # fixed sites
        (2, pop[TOULOUSE] + pop[ALBI]),  # with the permanence
        (3, pop[TOULOUSE] + pop[ALBI] + pop[MENDE]),  # with the phone line answering Lozère
    ]
    assert rows[3]["part_couverte"] == pytest.approx((total - pop[CASTRES]) / total)
    assert rows[0]["label"] == "Lieux ouverts au moins 5 demi-journées par semaine"


def test_the_half_days_threshold_is_a_setting(cio_network, settings):
    settings.SPRO_COVERAGE_MIN_HALF_DAYS = 1
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    rows = coverage.reach_rows(Network.objects.get(code="cio"), 20, "76", coverage.latest_run())
    assert rows[0]["sites"] == 2 and rows[0]["label"].startswith("Lieux ouverts au moins 1 demi-journée")


def test_the_page_shows_what_each_kind_of_site_adds(cio_network, client):
    accounts.login_verified(client, accounts.region_instructor())
    html = client.get(reverse("couverture:page"), {"reseau": "cio"}).content.decode()
    assert "Ce qu'ajoutent les permanences et les services à distance" in html
    assert '<th scope="row">Lieux fixes et permanences (accueil hors les murs)</th><td>2</td>' in html


def stale() -> bool:
    return coverage.latest_run().stale_since is not None


def test_changes_of_the_directory_mark_the_coverage_stale(cio_network):
    assert not stale()
    cio = Site.objects.get(pk=cio_network.pk)
    cio.description = "Entrée par la cour"  # nothing the coverage reads
    cio.save()
    assert not stale()
    cio.latitude += 0.1  # moved
    cio.save()
    assert stale()
    for change in (
        lambda: setattr(cio, "is_active", False),  # closed
        lambda: setattr(cio, "is_active", True),  # reopened
        lambda: setattr(cio, "opening_hours", "Mo 09:00-12:00"),
        lambda: setattr(cio, "kind", SiteKind.PERMANENCE),
    ):
        coverage.compute(Commune.objects.filter(code__in=TERRITORY))
        assert not stale()
        change()
        cio.save()
        assert stale()
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    directory.site("Nouveau CIO", network_code="cio", commune_code=CASTRES)  # created
    assert stale()
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    structure = cio.structure
    structure.is_active = False  # a structure closed
    structure.save()
    assert stale()
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    Site.objects.get(name="Nouveau CIO").delete()
    assert stale()


def test_a_change_made_while_computing_is_kept_for_the_next_run(cio_network):
    from django.utils import timezone

    from spro.activity.staleness import mark_stale

    mark_stale(when=timezone.now() + timezone.timedelta(seconds=30))  # after the next run starts
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    assert stale()


def test_the_page_says_up_to_date_or_being_recomputed_and_the_command_recomputes_only_when_stale(
    cio_network, client
):
    accounts.login_verified(client, accounts.region_instructor())
    url = reverse("couverture:page")
    assert ", à jour :" in client.get(url).content.decode()
    out = StringIO()
    call_command("calculer-couverture", "--si-perimee", stdout=out)
    assert out.getvalue() == "Couverture à jour : rien à recalculer.\n"
    assert CoverageRun.objects.count() == 1

    cio = Site.objects.get(pk=cio_network.pk)
    cio.is_active = False
    cio.save()
    html = client.get(url).content.decode()
    assert "en cours de recalcul" in html and ", à jour :" not in html

    call_command("calculer-couverture", "--si-perimee", stdout=StringIO())
    assert CoverageRun.objects.count() == 2 and not stale()
    assert ", à jour :" in client.get(url).content.decode()
    # The recomputation saw the closed site: Toulouse's nearest CIO is now the permanence in Albi.
    assert coverage.white_zones(Network.objects.get(code="cio"), 20, "76")[0]["code"] == TOULOUSE


def test_a_structure_losing_its_spro_status_makes_the_coverage_stale(cio_network):
    from spro.labels.status import refresh_status, set_region_status

    refresh_status(cio_network.structure)
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    assert not stale()
    refresh_status(cio_network.structure)  # nothing changes: still a membre de droit
    assert not stale()
    set_region_status(cio_network.structure, "aucun", accounts.region_instructor(), "Hors du SPRO")
    assert stale()


def test_the_region_communes_store_their_distance_without_permanences_and_to_sites_open_enough(cio_network):
    from spro.activity.models import CommuneCoverage
    from spro.territories.geo import distance_km

    cio = cio_network
    rows = {
        row.commune_id: row
        for row in CommuneCoverage.objects.filter(network__code="cio").select_related("commune")
    }
    albi = rows[ALBI]
    assert albi.distance_km == pytest.approx(0, abs=0.01)  # the permanence in its centre
    to_cio = distance_km(albi.commune.latitude, albi.commune.longitude, cio.latitude, cio.longitude)
    assert albi.distance_fixed_km == pytest.approx(to_cio, rel=0.001)  # without it: the CIO
    assert albi.distance_open_km == pytest.approx(to_cio, rel=0.001)  # one half-day is not enough
    toulouse = rows[TOULOUSE]
    assert toulouse.distance_km == toulouse.distance_fixed_km == toulouse.distance_open_km
    assert toulouse.distance_km == pytest.approx(5, abs=0.01)
    # A network without sites open enough: no distance to one.
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    Site.objects.filter(pk=cio.pk).update(opening_hours="Mo 09:00-12:00")
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    assert CommuneCoverage.objects.get(network__code="cio", commune_id=TOULOUSE).distance_open_km is None
