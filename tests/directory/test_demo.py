"""`spro load-demo`: a fictitious directory for the configured Région, the professionals' demo accounts;
`spro setup-demo` runs it and can be run again without duplicating anything."""

import io
import json
import re
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max, Min
from opening_hours import OpeningHours

from spro.accounts.models import User
from spro.directory import demo
from spro.directory.catalogue import catalogue
from spro.directory.codes import Accessibility, AccessMode, Need, Public, ReceptionMode, SiteKind
from spro.directory.models import Membership, Service, Site, Structure
from spro.territories.models import Commune, Departement
from tests.conftest import demo_of_occitanie_shared_by_the_class, load_demo

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = import_module("spro.core.management.commands.setup-demo").DEMO_PASSWORD


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pk(obj):
    return obj.pk


def snapshot() -> list[tuple]:
    """What a person reads of the demo directory, without database ids or dates."""
    sites = Site.objects.select_related("structure__network").prefetch_related("services").order_by("pk")
    return [
        (
            s.structure.name,
            s.structure.network.code,
            s.name,
            s.kind,
            s.commune_id,
            s.latitude,
            s.longitude,
            s.address,
            s.phone,
            s.email,
            s.opening_hours,
            tuple(s.reception_modes),
            tuple(s.accessibility),
            tuple((v.name, tuple(v.needs), tuple(v.publics)) for v in sorted(s.services.all(), key=pk)),
        )
        for s in sites
    ]


@pytest.mark.usefixtures("demo")
class TestTheDemoOfOccitanie:
    """What one load of the demo of Occitanie made, read by each test (the load takes half a minute)."""

    demo = demo_of_occitanie_shared_by_the_class()

    @pytest.fixture(autouse=True)
    def occitanie(self, settings):
        settings.SPRO_REGION = "76"

    def test_it_places_every_network_of_the_catalogue_in_occitanie(self, demo):
        output = demo

        assert "Annuaire de démonstration chargé" in output
        networks = set(Structure.objects.values_list("network__code", flat=True))
        assert networks == {entry["code"] for entry in catalogue()}
        assert Site.objects.count() > 500
        # The CIO and the Mission Locale of the largest town are there, with antennas elsewhere.
        assert Structure.objects.filter(name="Mission Locale de Toulouse").exists()
        assert Structure.objects.filter(name="CIO de Montpellier").exists()
        assert Site.objects.filter(network_code="mission-locale", kind=SiteKind.ANTENNE).count() > 20

    def test_each_departement_has_one_cap_emploi_and_its_chambres(self):
        departements = set(Departement.objects.filter(region="76").values_list("code", flat=True))
        assert len(departements) == 13
        for network in ("cap-emploi", "cma", "cci", "chambre-agriculture", "cidff"):
            principal = Site.objects.filter(network_code=network, kind=SiteKind.PRINCIPAL)
            per_departement = sorted(principal.values_list("commune__departement", flat=True))
            assert per_departement == sorted(departements), network
        # Standing for the préfecture: the most populated commune of the département.
        herault = Site.objects.get(
            network_code="cap-emploi", kind=SiteKind.PRINCIPAL, commune__departement="34"
        )
        assert herault.commune.name == "Montpellier"

    def test_every_site_is_inside_the_region(self):
        reception_sites = Site.objects.exclude(kind=SiteKind.A_DISTANCE)
        assert set(reception_sites.values_list("commune__region", flat=True)) == {"76"}
        # The remote entries (phone line, website) have no address: they serve the whole Région.
        remote = Site.objects.filter(kind=SiteKind.A_DISTANCE)
        assert set(remote.values_list("served_region", "commune", "latitude")) == {("76", None, None)}
        box = Commune.objects.filter(region="76").aggregate(
            Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude")
        )
        for lat, lon, commune_lat, commune_lon in reception_sites.values_list(
            "latitude", "longitude", "commune__latitude", "commune__longitude"
        ):
            assert box["latitude__min"] - 0.05 < lat < box["latitude__max"] + 0.05
            assert box["longitude__min"] - 0.05 < lon < box["longitude__max"] + 0.05
            # A few hundred metres to a few kilometres from the commune's point.
            assert abs(lat - commune_lat) < 0.04 and abs(lon - commune_lon) < 0.06

    def test_opening_hours_are_valid_and_varied(self):
        schedules = set(
            Site.objects.exclude(opening_hours="")
            .exclude(kind=SiteKind.A_DISTANCE)  # a website is open 24/7
            .values_list("opening_hours", flat=True)
        )
        for schedule in schedules:
            OpeningHours(schedule)  # raises on a schedule OpenStreetMap would not read
        assert len(schedules) >= 10
        assert any("Sa " in s for s in schedules)
        assert any(s.startswith("Tu,Th 14:00-17:00") for s in schedules)
        assert all("PH off" in s for s in schedules)
        assert Site.objects.filter(opening_hours="").exists()  # some sites do not say: shown as unknown

    def test_services_use_known_codes_consistent_with_their_network(self):
        for service in Service.objects.select_related("site__structure__network"):
            network = service.site.structure.network
            assert service.needs and set(service.needs) <= set(Need.values)
            assert set(service.needs) <= set(network.needs), (network.code, service.name)
            assert set(service.publics) <= set(Public.values)
            assert set(service.publics) <= set(network.publics), (network.code, service.name)
            assert set(service.access_modes) <= set(AccessMode.values)
        for site in Site.objects.select_related("structure__network", "commune")[:200]:
            assert set(site.reception_modes) <= set(ReceptionMode.values)
            assert set(site.accessibility) <= set(Accessibility.values)
            indexed = (site.network_code, site.needs_index, site.publics_index, site.modes_index)
            words = sorted(site.search_text.split())
            site.reindex(save=False)  # the bulk load computed what Site.reindex() computes
            assert indexed == (site.network_code, site.needs_index, site.publics_index, site.modes_index)
            assert words == sorted(site.search_text.split())

    def test_everything_is_flagged_and_visibly_fictitious(self):
        assert not Structure.objects.filter(is_demo=False).exists()
        remote = Site.objects.filter(kind=SiteKind.A_DISTANCE)
        for phone, description in remote.exclude(phone="").values_list("phone", "description"):
            assert re.fullmatch(r"05 36 49 \d\d \d\d", phone) and "Numéro fictif" in description
        sites = Site.objects.exclude(kind=SiteKind.A_DISTANCE)
        for phone, email, address in sites.values_list("phone", "email", "address"):
            assert re.fullmatch(r"05 36 49 \d\d \d\d", phone)  # the Arcep's range for fiction
            assert email.endswith("@example.org")  # RFC 2606: reserved, never delivered, valid for the schema
            assert any(street in address for street in demo.STREETS)

    def test_a_second_run_creates_nothing(self):
        counts = (
            Structure.objects.count(),
            Site.objects.count(),
            Service.objects.count(),
            User.objects.count(),
        )

        output = load_demo()

        assert output.strip() == "Annuaire de démonstration déjà chargé."
        assert counts == (
            Structure.objects.count(),
            Site.objects.count(),
            Service.objects.count(),
            User.objects.count(),
        )

    def test_it_creates_the_professionals_demo_accounts(self):
        admin = User.objects.get(email="structure@structure.demo")
        adviser = User.objects.get(email="conseiller@structure.demo")
        assert admin.check_password(DEMO_PASSWORD) and adviser.check_password(DEMO_PASSWORD)
        assert not admin.is_region_staff and not adviser.is_region_staff
        for user, role in ((admin, Membership.Role.ADMIN), (adviser, Membership.Role.ADVISER)):
            memberships = Membership.objects.filter(user=user).select_related("structure")
            assert {m.structure.name for m in memberships} == {
                "Mission Locale de Toulouse",
                "CIO de Toulouse",
            }
            assert {m.role for m in memberships} == {role}
            assert all(m.structure.is_demo for m in memberships)

    def test_the_demo_directory_exports_its_e_mail_addresses_without_a_warning(self, tmp_path, capsys):
        call_command("export-data-inclusion", str(tmp_path))
        output = capsys.readouterr()
        assert "Attention" not in output.err
        assert " 0 valeur(s) non exportée(s)" in output.out
        structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
        assert structures and all(item["courriel"].endswith("@example.org") for item in structures)


class Rollback(Exception):
    pass


def test_it_is_deterministic(settings):
    settings.SPRO_REGION = "76"
    snapshots = []
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            load_demo()
            snapshots.append(snapshot())
            raise Rollback

    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) > 500


def test_it_builds_the_directory_of_any_region():
    output = load_demo("--region", "94")  # Corse: two départements, small towns

    assert "Annuaire de démonstration chargé" in output
    assert set(Site.objects.values_list("commune__region", flat=True)) == {"94"}
    cap_emploi = Site.objects.filter(network_code="cap-emploi", kind=SiteKind.PRINCIPAL)
    assert sorted(cap_emploi.values_list("commune__departement", flat=True)) == ["2A", "2B"]
    assert Structure.objects.filter(network__code="mission-locale").exists()
    assert all(phone.startswith("04 65 71 ") for phone in Site.objects.values_list("phone", flat=True))


def test_an_unknown_region_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="Région inconnue du référentiel : 99"):
        load_demo("--region", "76", "--region", "99")

    assert not Structure.objects.exists()


def test_setup_demo_twice_duplicates_nothing(settings):
    settings.SPRO_REGION = "76"
    first = io.StringIO()
    call_command("setup-demo", stdout=first)
    counts = (Structure.objects.count(), Site.objects.count(), Service.objects.count(), User.objects.count())
    second = io.StringIO()

    call_command("setup-demo", stdout=second)

    assert "Annuaire de démonstration déjà chargé." in second.getvalue()
    assert counts == (
        Structure.objects.count(),
        Site.objects.count(),
        Service.objects.count(),
        User.objects.count(),
    )
    for output in (first.getvalue(), second.getvalue()):
        assert "structure@structure.demo (administrateur de la structure : " in output
        assert "conseiller@structure.demo (conseiller : " in output
    # The aiguillage rules of the Région (default + its profile, issue 17) as version 1, once.
    from spro.routing.models import RuleSet

    assert "publiées en version 1 pour la Région 76" in first.getvalue()
    assert list(RuleSet.objects.filter(region_code="76").values_list("version", "is_active")) == [(1, True)]
