"""Benchmark of the agenda search (issue 20): `spro.events.search.search` over 50,000 events spread
over the communes of the configured Région and a year, with varied filters (commune and radius one time
in two, kind, public, need, ROME domain, dates). Target: p95 <= 15 ms. Runs on its own SQLite database
(var/bench/agenda.sqlite3, rebuilt each run) with the territorial referential.
Run: `python -m bench agenda`; writes var/bench/agenda.json (`events`, `agenda_search_p95_ms`, the load
average and a CPU calibration, and `metier_autocomplete_p95_ms` from bench.metiers when it exists).
"""

import importlib
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.load import calibration_ms
from bench.search import machine, percentile

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("SPRO_BENCH_EVENTS", "50000"))
SEARCHES = int(os.environ.get("SPRO_BENCH_AGENDA_SEARCHES", "1000"))
SEED = 20270201
TARGET_P95_MS = 15


def _setup_django(database: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _populate(count: int, rng: random.Random, start):
    from django.conf import settings

    from spro.directory.models import Network, Structure
    from spro.events import rules
    from spro.events.models import Audience, Event
    from spro.territories.models import Commune

    communes = list(Commune.objects.filter(region_id=settings.SPRO_REGION).exclude(latitude=None))
    network = Network.objects.order_by("code").first()
    structures = Structure.objects.bulk_create(
        [Structure(name=f"Organisateur {n}", network=network) for n in range(max(count // 500, 1))]
    )
    kinds, publics, themes = list(rules.KINDS), list(rules.PUBLICS), list(rules.THEMES)
    letters = "ABCDEFGHIJKLMN"
    batch = []
    for n in range(count):
        commune = rng.choice(communes)
        begin = start + timedelta(days=rng.randint(-30, 330), hours=rng.randint(8, 18))
        domains = [rng.choice(letters) + f"{rng.randint(11, 18)}"] if rng.random() < 0.6 else []
        event = Event(
            structure=rng.choice(structures),
            title=f"Événement {n}",
            kind=rng.choice(kinds),
            start=begin,
            end=begin + timedelta(hours=rng.randint(1, 4)),
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
            publics=rng.sample(publics, 2),
            themes=rng.sample(themes, 2),
            rome_domains=domains,
            audience=Audience.PROFESSIONALS if rng.random() < 0.2 else Audience.PUBLIC,
        )
        event.denormalise()
        batch.append(event)
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)
    return [c.code for c in sorted(communes, key=lambda c: -c.population)[:200]]


def _params(rng: random.Random, communes: list[str], now) -> dict:
    from spro.events import rules

    params = {}
    if rng.random() < 0.5:
        params["commune"] = rng.choice(communes)
        params["rayon"] = str(rng.choice([5, 10, 20, 30, 50]))
    if rng.random() < 0.3:
        params["type"] = rng.choice(list(rules.KINDS))
    if rng.random() < 0.3:
        params["public"] = rng.choice(list(rules.PUBLICS))
    if rng.random() < 0.3:
        params["besoin"] = rng.choice(list(rules.THEMES))
    if rng.random() < 0.2:
        params["domaine"] = rng.choice("ABCDEFGHIJKLMN")
    if rng.random() < 0.3:
        day = now.date() + timedelta(days=rng.randint(0, 200))
        params["du"], params["au"] = day.isoformat(), (day + timedelta(days=30)).isoformat()
    return params


def _metiers():
    try:
        module = importlib.import_module("bench.metiers")
    except ImportError:
        return None
    return module.autocomplete_p95_ms()


def run() -> dict:
    """In a child process: Django is set up on this benchmark's own database, whatever ran before in
    this process (bench.metiers or bench.aiguillage set Django up on theirs)."""
    import json

    child = subprocess.run(
        [sys.executable, "-m", "bench.agenda"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-2000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def measure() -> dict:
    database = ROOT / "var" / "bench" / "agenda.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    env = {**os.environ, "DEBUG": "", "DATABASE_URL": f"sqlite:///{database}"}
    for command in (["migrate", "--noinput", "-v0"], ["import-territories", "-v0"], ["import-rome", "-v0"]):
        subprocess.run(
            [sys.executable, "-m", "spro", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    _setup_django(database)
    from django.utils import timezone

    from spro.events.models import PARIS, Event
    from spro.events.search import search

    rng = random.Random(SEED)
    now = datetime(2027, 2, 1, 9, tzinfo=PARIS)
    started = time.perf_counter()
    communes = _populate(COUNT, rng, now)
    populate_s = time.perf_counter() - started
    queries = [_params(rng, communes, now) for _ in range(SEARCHES + 50)]
    for params in queries[:50]:  # warm up
        list(search(params, now=now, limit=20).events)
    calibration_before, load_before = calibration_ms(), os.getloadavg()
    timings, totals = [], []
    for params in queries[50:]:
        t0 = time.perf_counter_ns()
        result = search(params, now=now, limit=20)
        timings.append((time.perf_counter_ns() - t0) / 1e6)
        totals.append(len(result.events))
    p95 = percentile(timings, 95)
    return {
        "events": Event.objects.count(),
        "searches": len(timings),
        "agenda_search_p50_ms": round(percentile(timings, 50), 3),
        "agenda_search_p95_ms": round(p95, 3),
        "agenda_search_max_ms": round(max(timings), 3),
        "page_size": 20,
        "mean_results": round(sum(totals) / len(totals), 1),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": p95 <= TARGET_P95_MS,
        "populate_s": round(populate_s, 1),
        "database": "sqlite",
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
        "metier_autocomplete_p95_ms": _metiers(),
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
    }


def summary(result: dict) -> str:
    return (
        f"   {result['events']} événements, {result['searches']} recherches : "
        f"p95 {result['agenda_search_p95_ms']} ms "
        f"(cible {TARGET_P95_MS} ms), charge moyenne {result['load_average_1min']}, "
        f"étalonnage {result['calibration_ms']} ms."
    )


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), ensure_ascii=False))
