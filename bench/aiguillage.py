"""Benchmark of the aiguillage engine: 10,000 varied situations through `spro aiguiller` in ONE call.

Measures the wall time of the whole command (start-up and nearest sites included) and its throughput;
then, in process, the engine's own throughput (parse then evaluate every situation, the rules compiled
once per rule-set version: `engine_throughput_per_s`, target >= 10,000 situations/s, issue 18), and the
time of each situation through `Engine.route` with the nearest sites (same code path as the command) for
the p50/p95/p99. Figures carry the load average and a CPU calibration (bench.load.calibration_ms), like
the other benchmarks: the machine is shared, compare runs by them.
Situations carry a commune (one of the 50 most populated of the configured Région) one time in five; the
bench runs on its own SQLite database (var/bench/aiguillage.sqlite3) with the referential and the demo
directory, so those situations get their nearest sites.
Run: `python -m bench` (all benchmarks) or `python -m bench aiguillage`; writes var/bench/aiguillage.json.
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
TARGET_ENGINE_PER_S = 10_000
ENGINE_ROUNDS = 3  # the engine's throughput is the best of these passes over the 10,000 situations


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
    from bench.load import calibration_ms

    calibration_before, load_before = calibration_ms(), os.getloadavg()

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "spro", "aiguiller"], input=payload, capture_output=True, cwd=ROOT, env=env
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"spro aiguiller a échoué : {done.stderr.decode('utf-8', 'replace')}")
    answers = json.loads(done.stdout)
    assert len(answers) == len(items)

    # The engine alone, in process: parse then evaluate each situation (no nearest sites).
    engine = get_engine()
    engine_seconds = []
    for _ in range(ENGINE_ROUNDS):
        t0 = time.perf_counter()
        for situation in items:
            engine.evaluate(engine.parse(situation))
        engine_seconds.append(time.perf_counter() - t0)
    engine_per_s = len(items) / min(engine_seconds)

    # Per situation, in-process, same path as the command (one PlaceFinder for the batch).
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
        "engine_throughput_per_s": round(engine_per_s),
        "engine_rounds_s": [round(t, 3) for t in engine_seconds],
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
        "target_engine_throughput_per_s": TARGET_ENGINE_PER_S,
        "meets_targets": wall < 10 and len(items) / wall >= 2000 and engine_per_s >= TARGET_ENGINE_PER_S,
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
        "cpu_count": os.cpu_count(),
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "aiguillage.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result


def summary(result: dict) -> str:
    return (
        f"aiguillage : moteur seul {result['engine_throughput_per_s']} situations/s en processus "
        f"(cible {result['target_engine_throughput_per_s']}), commande entière {result['throughput_per_s']} "
        f"situations/s en {result['wall_s']} s (lieux compris), p95 par situation "
        f"{result['engine_p95_ms']} ms ; charge moyenne {result['load_average_1min']}, "
        f"étalonnage {result['calibration_ms']} ms."
    )


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
