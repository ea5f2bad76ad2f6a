"""Load test: the demo portal served by gunicorn on PostgreSQL, hit on loopback by 50 concurrent connections.

A bounded asyncio HTTP/1.1 client (keep-alive) sends a mix of portal pages, directory searches, API calls and
aiguillage answers for `SPRO_LOAD_SECONDS` (default 60 s), then reports requests/s, latency percentiles and
the error count (any transport error or status >= 400 counts), which must be 0.

Then the export mix (`SPRO_LOAD_EXPORT_SECONDS`, default 30 s): `SPRO_LOAD_EXPORT_CONNECTIONS` (default 12)
connections download the full CSV and GeoJSON exports in a loop while 4 others load the home page, whose p95
must stay under 200 ms. An export refused with 503 (too many regenerations at once) is counted apart, not as
an error; any other status >= 400 is an error.

Traffic goes to 127.0.0.1 only. The figures carry the load average and a CPU calibration (a fixed
pure-Python loop timed before and after), to read them against how busy the machine was.
"""

import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = int(os.environ.get("SPRO_LOAD_CONNECTIONS", "50"))
SECONDS = float(os.environ.get("SPRO_LOAD_SECONDS", "60"))
EXPORT_CONNECTIONS = int(os.environ.get("SPRO_LOAD_EXPORT_CONNECTIONS", "12"))
EXPORT_SECONDS = float(os.environ.get("SPRO_LOAD_EXPORT_SECONDS", "30"))
HOME_CONNECTIONS = 4
HOME_P95_TARGET_MS = 200
DEFAULT_PG = "postgres://root@127.0.0.1:5432/spro_load"

AIGUILLAGE = json.dumps(
    {"age": 19, "statut": "sans-activite", "besoin": "trouver-emploi", "commune": "31555"}
)

# (weight, method, path, body)
MIX = [
    (3, "GET", "/", None),
    (1, "GET", "/accessibilite/", None),
    (3, "GET", "/communes/suggestions/?commune=toul", None),
    (4, "GET", "/annuaire/?commune=31555&rayon=20", None),
    (2, "GET", "/annuaire/?commune=34172&rayon=30&besoin=se-former", None),
    (4, "GET", "/api/v1/lieux?commune=31555&rayon=30", None),
    (3, "GET", "/api/v1/lieux?commune=30189&rayon=50&besoin=trouver-un-emploi", None),
    (3, "GET", "/api/v1/communes?q=saint%20etienne", None),
    (2, "GET", "/trouver-mon-interlocuteur/", None),
    (3, "POST", "/api/v1/aiguillage", AIGUILLAGE),
]
EXPORTS = [
    (1, "GET", "/api/v1/lieux/export.csv", None),
    (1, "GET", "/api/v1/lieux/export.geojson", None),
]
HOME = [(1, "GET", "/", None)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return round(sorted_values[index], 2)


def postgres_url() -> str:
    url = os.environ.get("SPRO_LOAD_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith("postgres"):
        url = DEFAULT_PG
    return url


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = dict(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SPRO_HTTPS="0",
        LOG_LEVEL="WARNING",
    )
    return env


async def one_request(reader, writer, method, path, body):
    payload = body.encode() if body else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nAccept: */*\r\n"
    if payload:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    writer.write(head.encode() + b"\r\n" + payload)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and "close" in value.lower():
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, close


async def worker(port, deadline, rng, latencies, errors, per_path, mix=MIX, busy=None):
    choices = [m for m in mix for _ in range(m[0])]
    reader = writer = None
    while time.monotonic() < deadline:
        _, method, path, body = rng.choice(choices)
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, close = await asyncio.wait_for(one_request(reader, writer, method, path, body), 30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            errors.append(f"{method} {path}: {type(exc).__name__}")
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        elapsed = (time.perf_counter() - start) * 1000
        latencies.append(elapsed)
        per_path.setdefault(path, []).append(elapsed)
        if status == 503 and busy is not None:
            busy.append(path)  # an export refused while others regenerate: the designed answer
        elif status >= 400:
            errors.append(f"{method} {path}: HTTP {status}")
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def hammer(port):
    latencies, errors, per_path = [], [], {}
    deadline = time.monotonic() + SECONDS
    started = time.perf_counter()
    await asyncio.gather(
        *(worker(port, deadline, random.Random(i), latencies, errors, per_path) for i in range(CONNECTIONS))
    )
    return latencies, errors, per_path, time.perf_counter() - started


async def hammer_exports(port):
    """Full exports on EXPORT_CONNECTIONS connections while HOME_CONNECTIONS others load the home page."""
    latencies, errors, per_path, busy = [], [], {}, []
    deadline = time.monotonic() + EXPORT_SECONDS
    started = time.perf_counter()
    exporters = [
        worker(port, deadline, random.Random(100 + i), latencies, errors, per_path, EXPORTS, busy)
        for i in range(EXPORT_CONNECTIONS)
    ]
    visitors = [
        worker(port, deadline, random.Random(200 + i), latencies, errors, per_path, HOME)
        for i in range(HOME_CONNECTIONS)
    ]
    await asyncio.gather(*exporters, *visitors)
    elapsed = time.perf_counter() - started
    home = sorted(per_path.get("/", []))
    return {
        "export_connections": EXPORT_CONNECTIONS,
        "home_connections": HOME_CONNECTIONS,
        "duration_s": round(elapsed, 1),
        "home_requests": len(home),
        "home_p50_ms": percentile(home, 50),
        "home_p95_ms": percentile(home, 95),
        "home_p95_target_ms": HOME_P95_TARGET_MS,
        "home_meets_target": bool(home) and percentile(home, 95) < HOME_P95_TARGET_MS,
        "exports": {
            path: {
                "requests": len(per_path.get(path, [])),
                "refused_503": busy.count(path),
                "p50_ms": percentile(sorted(per_path.get(path, [])), 50),
                "p95_ms": percentile(sorted(per_path.get(path, [])), 95),
            }
            for _, _, path, _ in EXPORTS
        },
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:10],
    }


def calibration_ms() -> float:
    """Wall time of a fixed pure-Python loop: how fast one core of this machine is right now."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return round((time.perf_counter() - started) * 1000, 1)


def peak_rss_kb(pid) -> int:
    """The RSS high-water mark of one process (VmHWM), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb(pids) -> float:
    """The sum of the processes' RSS high-water marks."""
    return round(sum(peak_rss_kb(pid) for pid in pids) / 1024, 1)


def max_rss_mb(pids) -> float:
    """The largest RSS high-water mark of one process (issue #18: at most 200 MB per server process)."""
    return round(max((peak_rss_kb(pid) for pid in pids), default=0) / 1024, 1)


def children(pid) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return []
    return [int(p) for p in out.split()]


def run() -> dict:
    url = postgres_url()
    try:
        ensure_database(url)
    except Exception as exc:  # no PostgreSQL here: say so in the figures rather than fail the other benches
        return {"skipped": f"PostgreSQL injoignable ({exc})"}
    env = server_env(url)
    spro = [sys.executable, "-m", "spro"]
    subprocess.run([*spro, "migrate", "--noinput", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*spro, "setup-demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    sites = count_sites(env)
    port = free_port()
    workers = int(os.environ.get("SPRO_LOAD_WORKERS", "3"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "spro.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    calibration_before, load_before = calibration_ms(), os.getloadavg()
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        latencies, errors, per_path, elapsed = asyncio.run(hammer(port))
        load_after_mix = os.getloadavg()
        exports = asyncio.run(hammer_exports(port)) if EXPORT_SECONDS > 0 else None
        processes = [server.pid, *children(server.pid)]
        memory, memory_max = peak_rss_mb(processes), max_rss_mb(processes)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latencies.sort()
    return {
        "server": f"gunicorn gthread, {workers} workers x 4 threads, PostgreSQL",
        "connections": CONNECTIONS,
        "duration_s": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:10],
        "server_peak_rss_mb": memory,
        "rss_mb_max": memory_max,
        "per_path_p95_ms": {p: percentile(sorted(v), 95) for p, v in sorted(per_path.items())},
        "per_path_median_ms": {p: round(statistics.median(v), 2) for p, v in sorted(per_path.items())},
        "sites": sites,
        "export_mix": exports,
        "load_average_1min": {
            "before": round(load_before[0], 2),
            "after_mix": round(load_after_mix[0], 2),
            "after_exports": round(os.getloadavg()[0], 2),
        },
        "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
    }


def count_sites(env) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "spro", "shell", "-c", SITES_COUNT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    return int(lines[-1]) if done.returncode == 0 and lines and lines[-1].isdigit() else 0


SITES_COUNT = (
    "from spro.directory.models import Site; "
    "print(Site.objects.filter(is_active=True, structure__is_active=True).count())"
)


def summary(result: dict) -> str:
    if "skipped" in result:
        return f"Charge : ignorée ({result['skipped']})."
    lines = [
        f"Charge : {result['requests']} requêtes, {result['requests_per_s']} req/s, "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
        f"{result['errors']} erreur(s) ; mémoire max par processus {result.get('rss_mb_max')} Mo ; "
        f"charge moyenne {result['load_average_1min']}, étalonnage {result['calibration_ms']} ms."
    ]
    mix = result.get("export_mix")
    if mix:
        exports = " ; ".join(
            f"{path} : {e['requests']} (503 : {e['refused_503']}), p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms"
            for path, e in mix["exports"].items()
        )
        lines.append(
            f"Exports ({result['sites']} lieux, {mix['export_connections']} connexions) : page d'accueil "
            f"p95 {mix['home_p95_ms']} ms (cible < {mix['home_p95_target_ms']} ms) ; {exports} ; "
            f"{mix['errors']} erreur(s)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
