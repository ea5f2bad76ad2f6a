"""Before/after on one machine in one run: `bench.search measure` alternated between code trees.

The shared machines vary up to 3× within the hour, so a change is judged by running the old and the new
code in turns on the same bench databases (left by `SPRO_BENCH_KEEP=1 python -m bench.search`), the
order reversed every round, and reading the medians. Each tree is a checkout (e.g. `git worktree add
/tmp/old <commit>`) with its own `.venv` (a link to this one's will do).

    python -m bench.compare ROUNDS SEARCHES PAGES TREE [TREE ...]

Environment: SPRO_COMPARE_DATABASES (default `sqlite,postgresql`; PostgreSQL only when DATABASE_URL points
to one: its `<database>_bench_search`, as bench.search names it). Writes var/bench/compare.json.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.load import calibration_ms
from bench.search import OUT, SQLITE_PATH, _child_env, postgres_bench_database

FIGURES = ("p95_ms", "p99_ms", "cpu_p95_ms", "page_p95_ms")


def databases() -> dict[str, str]:
    found = {"sqlite": f"sqlite:///{SQLITE_PATH}"}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        found["postgresql"] = postgres_bench_database(url)[1]
    chosen = os.environ.get("SPRO_COMPARE_DATABASES", "sqlite,postgresql").split(",")
    return {name: url for name, url in found.items() if name in chosen}


def measure(tree: str, database_url: str, searches: int, pages: int) -> dict:
    python = str(Path(tree) / ".venv" / "bin" / "python")
    done = subprocess.run(
        [python, "-m", "bench.search", "measure", str(searches), str(pages)],
        cwd=tree,
        env=_child_env(database_url),  # as bench.search runs its own measuring child
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.search measure a échoué dans {tree} :\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["calibration_ms"] = calibration_ms()
    return figures


def median(runs: list[dict], pick) -> float | None:
    values = [value for value in (pick(run) for run in runs) if value is not None]
    return round(statistics.median(values), 2) if values else None


def compare(rounds: int, searches: int, pages: int, trees: list[str]) -> dict:
    runs = {(tree, db): [] for tree in trees for db in databases()}
    for number in range(rounds):
        for db, url in databases().items():
            for tree in trees if number % 2 == 0 else trees[::-1]:
                figures = measure(tree, url, searches, pages)
                runs[(tree, db)].append(figures)
                print(
                    f"passage {number + 1} {db} {tree} : p95 {figures['p95_ms']} ms, page p95 "
                    f"{figures['page_p95_ms']} ms, charge {figures['load_average_1min']['before']}, "
                    f"étalonnage {figures['calibration_ms']} ms",
                    flush=True,
                )
    result = []
    for (tree, db), measured in runs.items():
        radii = measured[0]["by_radius_km"]
        result.append(
            {
                "tree": tree,
                "database": db,
                "rounds": len(measured),
                **{name: median(measured, lambda run, n=name: run[n]) for name in FIGURES},
                "by_radius_p95_ms": {
                    radius: median(measured, lambda run, r=radius: run["by_radius_km"][r]["p95_ms"])
                    for radius in radii
                },
                "load_average_1min": [run["load_average_1min"]["before"] for run in measured],
                "calibration_ms": [run["calibration_ms"] for run in measured],
            }
        )
    return {"searches": searches, "pages": pages, "medians": result}


def main(argv: list[str]) -> int:
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    result = compare(int(argv[0]), int(argv[1]), int(argv[2]), argv[3:])
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    (OUT / "compare.json").write_text(text, encoding="utf-8")
    for row in result["medians"]:
        radii = " / ".join(str(value) for value in row["by_radius_p95_ms"].values())
        print(
            f"{row['database']} {row['tree']} : p95 {row['p95_ms']}, p99 {row['p99_ms']}, CPU p95 "
            f"{row['cpu_p95_ms']}, par rayon {radii}, page p95 {row['page_p95_ms']} (ms, médianes)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
