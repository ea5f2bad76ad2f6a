"""Benchmark of the aiguillage engine: 10,000 varied situations through `spro aiguiller` in ONE call.

Measures the wall time of the whole command (start-up included) and its throughput, then the time of
each situation inside the engine (in-process, same code path as the command: parse, evaluate, sites)
for the p50/p95/p99. Targets (issue 4): >= 2,000 situations/s and the 10,000 in under 10 s.
Situations carry a commune (one of the 50 most populated of the configured Région) one time in five; the
bench runs on its own SQLite database (var/bench/aiguillage.sqlite3) with the referential and the demo
directory, so those situations get their nearest sites.
Run: `python -m bench` (all benchmarks) or `python -m bench.aiguillage`; writes var/bench/aiguillage.json.
"""

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("SPRO_BENCH_SITUATIONS", "10000"))
SEED = 20260401


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def situations(count: int, communes: list[str], seed: int = SEED) -> list[dict]:
    """Varied situations over every field, some partial, as people fill them in."""
    from spro.routing.codes import BESOINS, DIPLOMES, SECTEURS, SEXES, STATUTS
    from spro.routing.ruleset import default_rules

    rng = random.Random(seed)
    networks = sorted(default_rules()["networks"])
    items = []
    for _ in range(count):
        s = {}
        if rng.random() < 0.9:
            s["age"] = rng.randint(12, 70)
        if rng.random() < 0.85:
            s["statut"] = rng.choice(list(STATUTS))
        if rng.random() < 0.9:
            s["besoin"] = rng.choice(list(BESOINS))
        if rng.random() < 0.4:
            s["secteur"] = rng.choice(list(SECTEURS))
        if rng.random() < 0.4:
            s["diplome"] = rng.choice(list(DIPLOMES))
        if rng.random() < 0.5:
            s["sexe"] = rng.choice(list(SEXES))
        if rng.random() < 0.1:
            s["rqth"] = True
        if rng.random() < 0.1:
            s["cadre"] = rng.random() < 0.7
        if rng.random() < 0.2:
            s["mois_hors_ecole"] = rng.randint(0, 48)
        if rng.random() < 0.3:
            s["premiere_porte"] = rng.choice(networks)
        if communes and rng.random() < 0.2:
            s["commune"] = rng.choice(communes)
        items.append(s)
    return items


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def run() -> dict:
    # Its own database with the referential and the demo directory of the Région, so that situations
    # with a commune get real nearest sites, whatever DATABASE_URL points to.
    database = ROOT / "var" / "bench" / "aiguillage.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    env = {**os.environ, "DEBUG": ""}
    for command in (["migrate", "--noinput", "-v0"], ["setup-demo"]):
        subprocess.run(
            [sys.executable, "-m", "spro", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    _setup_django()
    from django.conf import settings

    from spro.routing.engine import get_engine
    from spro.routing.places import PlaceFinder
    from spro.territories.models import Commune

    regional = Commune.objects.filter(region_id=settings.SPRO_REGION).order_by("-population")
    communes = list(regional.values_list("code", flat=True)[:50])
    items = situations(COUNT, communes)
    payload = json.dumps(items).encode("utf-8")

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "spro", "aiguiller"], input=payload, capture_output=True, cwd=ROOT, env=env
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"spro aiguiller a échoué : {done.stderr.decode('utf-8', 'replace')}")
    answers = json.loads(done.stdout)
    assert len(answers) == len(items)

    # Per situation, in-process, same path as the command (one PlaceFinder for the batch).
    engine = get_engine()
    finder = PlaceFinder()
    timings = []
    for situation in items:
        t0 = time.perf_counter_ns()
        engine.route(situation, finder)
        timings.append((time.perf_counter_ns() - t0) / 1e6)

    first = Counter(a["reseaux"][0]["code"] if a["reseaux"] else "aucune-deuxieme-porte" for a in answers)
    result = {
        "situations": len(items),
        "with_commune": sum(1 for s in items if "commune" in s),
        "wall_s": round(wall, 3),
        "throughput_per_s": round(len(items) / wall),
        "engine_p50_ms": round(_percentile(timings, 50), 4),
        "engine_p95_ms": round(_percentile(timings, 95), 4),
        "engine_p99_ms": round(_percentile(timings, 99), 4),
        "engine_max_ms": round(max(timings), 3),
        "engine_total_s": round(sum(timings) / 1000, 3),
        "with_sites": sum(1 for a in answers if a["lieux"]),
        "first_network": dict(first.most_common()),
        "rule_set": engine.version,
        "database": "sqlite (référentiel et annuaire de démonstration de la Région)",
        "target_throughput_per_s": 2000,
        "target_wall_s": 10,
        "meets_targets": wall < 10 and len(items) / wall >= 2000,
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "aiguillage.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
