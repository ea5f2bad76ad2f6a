"""Run every benchmark: `python -m bench`, or some of them: `python -m bench search aiguillage`.

Each module's `run()` returns its figures, written to var/bench/<module>.json. The directory search runs
first: it works in child processes on throwaway databases, while `bench.aiguillage` sets Django up in
this process on the configured database. A benchmark that fails is reported and the others still run;
the exit status is then 1.
"""

import importlib
import json
import os
import secrets
import sys
import time
import traceback
from pathlib import Path

MODULES = ["search", "aiguillage", "load", "metiers", "agenda", "coverage", "activity", "export"]
OUT = Path(__file__).resolve().parent.parent / "var" / "bench"


def main(argv: list[str]) -> int:
    names = argv or MODULES
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        print(f"Benchmark inconnu : {', '.join(unknown)} (connus : {', '.join(MODULES)}).", file=sys.stderr)
        return 2
    # The benchmarks run spro with DEBUG off, which refuses to start without a real secret key.
    os.environ.setdefault("SECRET_KEY", f"spro-bench-{secrets.token_urlsafe(48)}")
    OUT.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        try:
            result = module.run()
        except Exception as exc:  # one broken benchmark must not hide the figures of the others
            traceback.print_exc()
            result = {"error": f"{type(exc).__name__}: {exc}"}
            failed.append(name)
        result.setdefault("bench_wall_s", round(time.perf_counter() - started, 1))
        text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
        (OUT / f"{name}.json").write_text(text, encoding="utf-8")
        summary = getattr(module, "summary", None)
        if summary and name not in failed:
            print(summary(result))
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        print(f"   -> {OUT / f'{name}.json'}", flush=True)
    if failed:
        print(f"Benchmarks en échec : {', '.join(failed)}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
