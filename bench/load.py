"""Load test: the demo portal served by gunicorn on PostgreSQL, hit on loopback by 50 concurrent connections.

A bounded asyncio HTTP/1.1 client (keep-alive) sends a mix of portal pages, directory searches, API calls and
aiguillage answers for `SPRO_LOAD_SECONDS` (default 60 s), then reports requests/s, latency percentiles and
the error count (any transport error or status >= 400 counts), which must be 0.

Then the export mix (`SPRO_LOAD_EXPORT_SECONDS`, default 30 s): `SPRO_LOAD_EXPORT_CONNECTIONS` (default 12)
connections download the full CSV and GeoJSON exports in a loop while 4 others load the home page, whose p95
must stay under 200 ms. An export refused with 503 (too many regenerations at once) is counted apart, not as
an error; any other status >= 400 is an error.

Then the two-instance variant (`SPRO_LOAD_TWO_SECONDS`, default 40 s; 0 skips it; alone: `python -m
bench.load deux-instances`): two gunicorn servers on two ports share one PostgreSQL and one Redis (the
local one, database `SPRO_LOAD_REDIS_DB`, default 14, emptied before and after), the connections
spread over both. The PostgreSQL is a throwaway cluster of its own (initdb in a temporary folder, on a
free port, run as the `postgres` user, removed afterwards), restarted a third of the way through the
run: the answers of the outage (503 « indisponible ») are counted apart, any error among the requests
sent once it is back counts. Before and after, each public address is asked of one server then of the
other: the second must be served from the shared cache, and both must give the same answer.

The server reads the repository's gunicorn.conf.py (gunicorn's default configuration file, in the folder
it starts from) and has `SPRO_LOAD_WORKERS` processes (default: one per core, as gunicorn.conf.py) of
`SPRO_LOAD_THREADS` threads (default 4, idem); its CPU time per request is reported beside the
wall-clock figures, as the one a busy machine changes least.

Traffic goes to 127.0.0.1 only. The figures carry the load average and a CPU calibration (a fixed
pure-Python loop timed before and after), to read them against how busy the machine was.
"""

import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = int(os.environ.get("SPRO_LOAD_CONNECTIONS", "50"))
SECONDS = float(os.environ.get("SPRO_LOAD_SECONDS", "60"))
EXPORT_CONNECTIONS = int(os.environ.get("SPRO_LOAD_EXPORT_CONNECTIONS", "12"))
EXPORT_SECONDS = float(os.environ.get("SPRO_LOAD_EXPORT_SECONDS", "30"))
HOME_CONNECTIONS = 4
TWO_SECONDS = float(os.environ.get("SPRO_LOAD_TWO_SECONDS", "40"))
TWO_WORKERS = int(os.environ.get("SPRO_LOAD_TWO_WORKERS", "2"))
THREADS = int(os.environ.get("SPRO_LOAD_THREADS", "4"))  # per worker process
REDIS_DB = int(os.environ.get("SPRO_LOAD_REDIS_DB", "14"))
PG_BIN = Path(os.environ.get("SPRO_LOAD_PG_BIN", "/usr/lib/postgresql/15/bin"))
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


async def one_request(reader, writer, method, path, body, keep=None):
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
        if keep is not None:
            keep[name] = value.strip()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and "close" in value.lower():
            close = True
    content = b""
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            content += (await reader.readexactly(size + 2))[:size]
            if size == 0:
                break
    elif length:
        content = await reader.readexactly(length)
    if keep is not None:
        keep["body"] = content
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


def cpu_seconds(pids) -> dict[int, float]:
    """{pid: user and system CPU seconds used so far} of the processes still there, with those of their
    children that have ended (gunicorn renews its workers: an ended worker's time is its master's)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14 to 17 of proc(5)
        used[pid] = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return used


def workers_up(server, count: int, seconds: float = 60) -> list[int]:
    """The server's processes once its `count` workers are forked and done loading the application (their
    CPU time stands still), so that the start-up is not counted as serving."""
    deadline = time.monotonic() + seconds
    while len(children(server.pid)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    used = sum(cpu_seconds(children(server.pid)).values())
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = sum(cpu_seconds(children(server.pid)).values())
        if now - used < 0.02:
            break
        used = now
    return [server.pid, *children(server.pid)]


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
    # As in production (gunicorn.conf.py): one process per core, 4 threads each.
    workers = int(os.environ.get("SPRO_LOAD_WORKERS", str(os.cpu_count() or 2)))
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
            str(THREADS),
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
        # The server's CPU time per request, the figure that a busy machine changes least (the wall-clock
        # ones above wait for cores that other work holds): read on its processes around the mix.
        cpu_before, client_before = cpu_seconds(workers_up(server, workers)), sum(os.times()[:2])
        latencies, errors, per_path, elapsed = asyncio.run(hammer(port))
        cpu_after = cpu_seconds([server.pid, *children(server.pid)])
        cpu_used = sum(value - cpu_before.get(pid, 0.0) for pid, value in cpu_after.items())
        client_used = sum(os.times()[:2]) - client_before
        load_after_mix = os.getloadavg()
        exports = asyncio.run(hammer_exports(port)) if EXPORT_SECONDS > 0 else None
        processes = [server.pid, *children(server.pid)]
        memory, memory_max = peak_rss_mb(processes), max_rss_mb(processes)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latencies.sort()
    return {
        "server": f"gunicorn gthread, {workers} workers x {THREADS} threads, PostgreSQL",
        "connections": CONNECTIONS,
        "duration_s": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:10],
        "server_cpu_ms_per_request": round(cpu_used * 1000 / max(len(latencies), 1), 3),
        "client_cpu_ms_per_request": round(client_used * 1000 / max(len(latencies), 1), 3),
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
        "page_cache": os.environ.get("SPRO_PAGE_CACHE_SECONDS", "60") != "0",
        "two_instances": two_instances() if TWO_SECONDS > 0 else None,
    }


class ThrowawayPostgres:
    """A PostgreSQL cluster of the bench's own, in a temporary folder on a free port, that it may restart
    (the shared one on 5432 is never touched). initdb refuses root: run as `postgres` when we are root."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="spro-bench-pg-"))
        self.data = self.dir / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgres://root@127.0.0.1:{self.port}/spro"

    def _run(self, *args):
        # No pipe: the server that pg_ctl starts would hold it open, and the wait would never end.
        subprocess.run(
            [*self.as_user, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=180,
        )

    def _pg_ctl(self, *args):
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", *args
        )

    def start(self):
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "root", "-E", "UTF8")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
        self._pg_ctl("-o", options, "start")

    def restart(self):
        self._pg_ctl("-m", "fast", "restart")

    def remove(self):
        try:
            self._pg_ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def gunicorn(env, port, workers):
    command = [sys.executable, "-m", "gunicorn", "spro.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "gthread", "--threads", str(THREADS)]
    command += ["--keep-alive", "30", "--log-level", "warning"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)


def wait_for(port, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"aucun serveur sur le port {port}")


# What differs between two answers by design: the CSP nonce and the CSRF token of each response.
PER_RESPONSE = re.compile(
    rb"nonce-[A-Za-z0-9_-]+|nonce=\"[A-Za-z0-9_-]+\"|csrfmiddlewaretoken\" value=\"[^\"]+\""
)


async def fetch(port, method, path, body):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        keep = {}
        status, _ = await asyncio.wait_for(one_request(reader, writer, method, path, body, keep), 30)
        return status, keep
    finally:
        writer.close()


async def shared_cache_check(ports):
    """Each address asked of the first server, then of the second: served from the shared cache, alike."""
    addresses = served = 0
    different = []
    for _, method, path, body in MIX:
        first_status, first = await fetch(ports[0], method, path, body)
        second_status, second = await fetch(ports[1], method, path, body)
        if first.get("x-cache"):
            addresses += 1
            served += second.get("x-cache") == "HIT"
        same = PER_RESPONSE.sub(b"", first["body"]) == PER_RESPONSE.sub(b"", second["body"])
        if (first_status, second_status) != (200, 200) or not same:
            different.append(f"{method} {path}: {first_status}/{second_status}")
    return {
        "addresses": addresses,
        "served_by_other": served,
        "consistent": not different,
        "different": different,
    }


async def hammer_two(ports, pg):
    """CONNECTIONS connections spread over both servers; PostgreSQL restarted a third of the way."""
    records = []
    deadline = time.monotonic() + TWO_SECONDS
    restart = {}

    async def restart_midway():
        await asyncio.sleep(TWO_SECONDS / 3)
        restart["down_at"] = time.monotonic()
        await asyncio.to_thread(pg.restart)
        restart["back_at"] = time.monotonic()

    async def connection(index):
        rng = random.Random(300 + index)
        port = ports[index % len(ports)]
        choices = [m for m in MIX for _ in range(m[0])]
        reader = writer = None
        while time.monotonic() < deadline:
            _, method, path, body = rng.choice(choices)
            started = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status, close = await asyncio.wait_for(one_request(reader, writer, method, path, body), 30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                records.append((started, time.monotonic(), port, path, type(exc).__name__))
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.05)
                continue
            records.append((started, time.monotonic(), port, path, status))
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(restart_midway(), *(connection(i) for i in range(CONNECTIONS)))
    return records, restart, time.perf_counter() - started


def two_instances() -> dict:
    """Two servers, one PostgreSQL (restarted mid-run), one Redis: 0 errors, the same answers."""
    if not (PG_BIN / "initdb").exists():
        return {"skipped": f"initdb absent ({PG_BIN})"}
    try:
        import redis

        store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
        store.ping()
    except Exception as exc:  # noqa: BLE001
        return {"skipped": f"Redis injoignable sur 127.0.0.1:6379 ({exc})"}
    store.flushdb()
    pg = ThrowawayPostgres()
    servers = []
    try:
        pg.start()
        ensure_database(pg.url)
        env = {**server_env(pg.url), "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}
        spro = [sys.executable, "-m", "spro"]
        subprocess.run([*spro, "migrate", "--noinput", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*spro, "setup-demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        ports = [free_port(), free_port()]
        servers = [gunicorn(env, port, TWO_WORKERS) for port in ports]
        for port in ports:
            wait_for(port)
        calibration_before, load_before = calibration_ms(), os.getloadavg()
        shared_before = asyncio.run(shared_cache_check(ports))
        records, restart, elapsed = asyncio.run(hammer_two(ports, pg))
        shared_after = asyncio.run(shared_cache_check(ports))
        processes = [p for server in servers for p in (server.pid, *children(server.pid))]
        memory_max = max_rss_mb(processes)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        pg.remove()
        store.flushdb()
    down_at, back_at = restart["down_at"], restart["back_at"]
    ok = [r for r in records if r[4] == 200]
    latencies = sorted((end - start) * 1000 for start, end, *_ in ok)
    before = [r for r in records if r[1] < down_at]
    back = [r for r in records if r[0] >= back_at]
    outage = [r for r in records if r[1] >= down_at and r[0] < back_at]

    def failed(rows):
        return [f"{path}: {answer}" for _, _, _, path, answer in rows if answer != 200]

    return {
        "server": f"2 x gunicorn gthread, {TWO_WORKERS} workers x {THREADS} threads, PostgreSQL, Redis",
        "connections": CONNECTIONS,
        "duration_s": round(elapsed, 1),
        "requests": len(records),
        "requests_per_s": round(len(records) / elapsed, 1),
        "per_instance": {str(i + 1): sum(1 for r in records if r[2] == port) for i, port in enumerate(ports)},
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "restart": {
            "at_s": round(TWO_SECONDS / 3, 1),
            "seconds": round(back_at - down_at, 2),
            "outage_requests": len(outage),
            "outage_answers": sum(1 for r in outage if r[4] == 503),
            "outage_other": sorted(set(a for a in failed(outage) if not a.endswith(": 503")))[:10],
        },
        "errors_before": len(failed(before)),
        "errors_once_back": len(failed(back)),
        "requests_once_back": len(back),
        "error_samples": sorted(set(failed(before) + failed(back)))[:10],
        "shared_cache": {**shared_before, "consistent_after_restart": shared_after["consistent"]},
        "rss_mb_max": memory_max,
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
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
    two = result.get("two_instances")
    if two and "skipped" not in two:
        lines.append(summary_two(two))
    elif two:
        lines.append(f"Deux instances : ignoré ({two['skipped']}).")
    return "\n".join(lines)


def summary_two(two: dict) -> str:
    return (
        f"Deux instances ({two['server']}) : {two['requests']} requêtes, {two['requests_per_s']} req/s, "
        f"p95 {two['p95_ms']} ms ; redémarrage de PostgreSQL en {two['restart']['seconds']} s : "
        f"{two['restart']['outage_answers']} réponse(s) 503 pendant la coupure, "
        f"{two['errors_once_back']} erreur(s) une fois la base revenue, {two['errors_before']} avant ; "
        f"cache partagé : {two['shared_cache']['served_by_other']}/{two['shared_cache']['addresses']} "
        f"adresses servies par l'autre instance, réponses identiques : {two['shared_cache']['consistent']} ; "
        f"mémoire max par processus {two['rss_mb_max']} Mo ; charge moyenne {two['load_average_1min']}."
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["deux-instances"]:
        os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
        figures = two_instances()
        out = ROOT / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        text = json.dumps(figures, indent=2, ensure_ascii=False)
        (out / "load_two_instances.json").write_text(text + "\n", encoding="utf-8")
        print(summary_two(figures) if "skipped" not in figures else text)
    else:
        print(json.dumps(run(), indent=2, ensure_ascii=False))
