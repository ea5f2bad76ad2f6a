"""Local coordination for tests: a territory (Haute-Garonne, under a départemental grid), its committee
with three member structures (each a site in Toulouse), their administrators, a convention."""

from datetime import date
from types import SimpleNamespace

from spro.directory.models import Membership
from spro.network import coordination
from spro.network.models import CoordinationPolicy, CoordinationTerritory
from tests.accounts import factories as accounts
from tests.directory import factories as directory


def territory(code="haute-garonne", reference="31", **policy) -> CoordinationTerritory:
    CoordinationPolicy.objects.update_or_create(region_code="76", defaults={"grid": "departement", **policy})
    return CoordinationTerritory.objects.create(
        region_code="76", code=code, name="Haute-Garonne", kind="departement", reference=reference
    )


def committee(
    names=("CIO de Toulouse", "Mission locale de Toulouse", "Agence de Toulouse"), joined=date(2026, 1, 15)
):
    local = coordination.create_committee(territory())
    networks = ["cio", "mission-locale", "france-travail", "cap-emploi", "apec"]
    structures, admins = [], []
    for index, name in enumerate(names):
        structure = directory.structure(networks[index % len(networks)], name=name)
        directory.site(f"Lieu {name}", structure_obj=structure)
        admins.append(accounts.member(structure, f"admin{index}@coord.test", role=Membership.Role.ADMIN))
        coordination.add_member(local, structure, joined)
        structures.append(structure)
    convention = coordination.sign_convention(local, "CCL-31-2026", joined)
    return SimpleNamespace(local=local, structures=structures, admins=admins, convention=convention)
