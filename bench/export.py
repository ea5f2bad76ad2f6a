"""Benchmark of `spro export-data-inclusion` on a national directory (issue 18).

In a throwaway SQLite database (`var/bench/export.sqlite3`):
1. a child process migrates, imports the territorial referential and generates the national directory
   with the demo generator (`spro.directory.demo.generate`, every Région, `scale` times the demo's
   permanences and points relais, as `bench.search` does);
2. a fresh child process runs the command itself (`call_command("export-data-inclusion", …)`), timed, and
   reads its RSS high-water mark, the sizes of the files written, and the values it left out: the command
   prints them as counts by kind with a few examples, never one line per record.

Writes var/bench/export.json. Run: `python -m bench export`. Environment: SPRO_BENCH_SCALE (default 10),
SPRO_BENCH_KEEP=1 keeps the database of a previous run.
"""

import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
SQLITE_PATH = OUT / "export.sqlite3"
SCALE = float(os.environ.get("SPRO_BENCH_SCALE", "10"))


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(scale: float) -> dict:
    from django.core.management import call_command

    from spro.directory import demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("import-territories", stdout=io.StringIO())
    imported = time.perf_counter()
    result = demo.generate(None, scale=scale)
    return {
        "scale": scale,
        "sites_generated": result.sites,
        "services_generated": result.services,
        "migrate_and_import_s": round(imported - started, 1),
        "generate_s": round(time.perf_counter() - imported, 1),
    }


def measure() -> dict:
    from django.core.management import call_command

    from spro.directory.models import Site

    with tempfile.TemporaryDirectory() as directory:
        out, err = io.StringIO(), io.StringIO()
        started, cpu = time.perf_counter(), time.process_time()
        call_command("export-data-inclusion", directory, stdout=out, stderr=err)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        sizes = {p.name: round(p.stat().st_size / 1e6, 1) for p in Path(directory).glob("*.json")}
    printed = out.getvalue().strip()
    counted = re.match(r"(\d+) structure\(s\) .* et (\d+) service\(s\)", printed)
    left_out = re.search(r"(\d+) valeur\(s\) non exportée\(s\)", printed)
    warning_lines = err.getvalue().splitlines()
    return {
        "sites_in_database": Site.objects.count(),
        "structures_exported": int(counted[1]),
        "services_exported": int(counted[2]),
        "export_s": round(elapsed, 1),
        # The machine is shared: the process's CPU time says what the export costs whatever the load.
        "export_cpu_s": round(cpu, 1),
        "values_left_out": int(left_out[1]),
        "warning_lines_printed": len(warning_lines),
        "warnings": warning_lines[:20],
        "file_mb": sizes,
        "rss_mb_max": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "command_output": printed,
    }


def _child(step: str, *args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{SQLITE_PATH}",
        DEBUG="",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SPRO_HTTPS="0",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench.export", step, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.export {step} a échoué :\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(scale: float = SCALE) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("SPRO_BENCH_KEEP") == "1" and SQLITE_PATH.exists()
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    prepared = {} if keep else _child("prepare", scale)
    measured = _child("measure")
    return {
        "database": "sqlite",
        **prepared,
        **measured,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def summary(result: dict) -> str:
    lines = [
        f"   export data·inclusion : {result['structures_exported']} lieux, {result['services_exported']} "
        f"services en {result['export_s']} s ({result['export_cpu_s']} s de calcul, "
        f"{result['rss_mb_max']} Mo au plus) ; "
        f"{result['values_left_out']} valeur(s) non exportée(s) en {result['warning_lines_printed']} ligne(s)"
    ]
    lines += [f"     {line}" for line in result["warnings"][:5]]
    return "\n".join(lines)


if __name__ == "__main__":
    _setup_django()
    step = sys.argv[1]
    if step == "prepare":
        print(json.dumps(prepare(float(sys.argv[2]))))
    elif step == "measure":
        print(json.dumps(measure()))
    else:
        run_result = run()
        print(json.dumps(run_result, ensure_ascii=False, indent=2))
