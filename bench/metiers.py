"""Benchmark of the métier autocomplete over the 13,120 ROME 4.0 job titles (target p95 <= 10 ms).

Runs on its own SQLite database (var/bench/metiers.sqlite3, or DATABASE_URL when set) loaded with the
shipped ROME copy, then times `spro.metiers.search.search()` — the code path of /metiers/suggestions/ —
for prefixes as people type them (2 to 9 letters of real titles), a few multi-word and typo queries.
Figures carry the load average and a CPU calibration (bench.load), as the machine is shared.
Run: `python -m bench metiers`; writes var/bench/metiers.json.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = int(os.environ.get("SPRO_BENCH_METIER_QUERIES", "2000"))
SEED = 20261203


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'metiers.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("import-rome", "--si-vide", verbosity=0)


def queries(labels: list[str], count: int, seed: int = SEED) -> list[str]:
    from spro.metiers.search import words

    rng = random.Random(seed)
    items = []
    for _ in range(count):
        label_words = [w for w in words(rng.choice(labels)) if len(w) >= 3] or ["agent"]
        word = rng.choice(label_words)
        kind = rng.random()
        if kind < 0.8:
            items.append(word[: rng.randint(2, min(9, len(word)))])
        elif kind < 0.9 and len(label_words) > 1:
            items.append(" ".join(label_words[:2]))
        else:  # a typo: two neighbours swapped
            i = rng.randrange(len(word) - 1)
            items.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return items


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def autocomplete_p95_ms(count: int = QUERIES) -> dict:
    from spro.metiers.models import JobTitle
    from spro.metiers.search import search

    labels = list(JobTitle.objects.values_list("label", flat=True))
    items = queries(labels, count)
    search("boulanger")  # warm the connection and the vocabulary (built once per process)
    search("boulangr")
    times = []
    for query in items:
        started = time.perf_counter()
        search(query, limit=8)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "job_titles": len(labels),
        "queries": len(items),
        "autocomplete_p50_ms": round(statistics.median(times), 2),
        "autocomplete_p95_ms": round(percentile(times, 95), 2),
        "autocomplete_p99_ms": round(percentile(times, 99), 2),
        "target_p95_ms": 10,
    }


def run() -> dict:
    """In a child process: Django is set up on this benchmark's own database, whatever ran before in
    this process (bench.aiguillage sets Django up on the configured database)."""
    import json
    import subprocess

    child = subprocess.run(
        [sys.executable, "-m", "bench.metiers"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-2000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def measure() -> dict:
    _setup_django()
    from django.db import connection

    from bench.load import calibration_ms
    from bench.search import machine

    calibration_before, load_before = calibration_ms(), os.getloadavg()
    result = autocomplete_p95_ms()
    result.update(
        {
            "database": connection.vendor,
            "machine": machine(),
            "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
            "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
        }
    )
    return result


def summary(result: dict) -> str:
    return (
        f"   autocomplétion métiers sur {result['job_titles']} appellations ({result['database']}) : "
        f"p50 {result['autocomplete_p50_ms']} ms, p95 {result['autocomplete_p95_ms']} ms "
        f"(cible ≤ 10 ms) ; charge moyenne {result['load_average_1min']}, "
        f"étalonnage {result['calibration_ms']} ms."
    )


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), ensure_ascii=False))
