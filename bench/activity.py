"""Benchmark of the reception log (issue 12): the entry round-trip of /espace-pro/activite/nouveau/ (the
POST of one reception, then the empty form it leads back to) and the Région's indicators page
/region/activite/ over a year of demo receptions (`spro setup-demo`, which runs `demo-activite`), with and
without filters. Requests go through Django's test client in this process (middleware, templates, the
database: everything but the network). Runs on its own SQLite database, var/bench/activity.sqlite3, kept
between runs when SPRO_BENCH_KEEP=1.
Run: `python -m bench activity`; writes var/bench/activity.json (`receptions`, `entry_post_p95_ms`,
`entry_round_trip_p95_ms`, `region_page_p95_ms`, the load average and a CPU calibration).
"""

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.load import calibration_ms
from bench.search import machine
from bench.search import percentile as _percentile

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = int(os.environ.get("SPRO_BENCH_ACTIVITY_ENTRIES", "200"))
PAGES = int(os.environ.get("SPRO_BENCH_ACTIVITY_PAGES", "60"))
SEED = 20261203
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def percentile(values, q) -> float:
    return round(_percentile(values, q), 2)


def _database() -> Path:
    database = ROOT / "var" / "bench" / "activity.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("SPRO_BENCH_KEEP") == "1" and database.exists()
    env = {**os.environ, "DEBUG": "", "SPRO_HTTPS": "0", "DATABASE_URL": f"sqlite:///{database}"}
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        for command in (["migrate", "--noinput", "-v0"], ["setup-demo"]):
            subprocess.run(
                [sys.executable, "-m", "spro", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return database


def _setup_django(database: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SPRO_HTTPS"] = "0"
    os.environ["DEBUG"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per request would drown the figures
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _verified_client(user):
    """A test client logged in as `user`, with a second factor verified as the middleware requires."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.requires_second_factor or user.has_second_factor:
        device = user.totp_device() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _token(response) -> str:
    found = TOKEN.search(response.content.decode())
    if not found:
        raise RuntimeError(f"Pas de jeton de formulaire ({response.status_code}).")
    return found.group(1)


def run() -> dict:
    started = time.perf_counter()
    database = _database()
    setup_s = time.perf_counter() - started
    _setup_django(database)
    from django.conf import settings
    from django.utils import timezone

    from spro.accounts.models import User
    from spro.activity import codes
    from spro.activity.models import Reception
    from spro.directory.models import Network
    from spro.territories.models import Departement

    rng = random.Random(SEED)
    adviser = User.objects.get(email="structure@structure.demo")
    structure = adviser.structures().order_by("name", "pk").first()
    sites = list(structure.sites.filter(is_active=True).values_list("pk", flat=True))
    member = _verified_client(adviser)
    url = "/espace-pro/activite/nouveau/"
    if adviser.structures().count() > 1:
        url += f"?structure={structure.pk}"
    communes = ["31555", "Toulouse (31)", "34172", "Albi (81)", "", "30189"]
    token = _token(member.get(url))
    posts, trips = [], []
    for _ in range(ENTRIES):
        data = {
            "form_token": token,
            "date": timezone.localdate().isoformat(),
            "site": rng.choice(sites),
            "mode": rng.choice(list(codes.MODES)),
            "sexe": rng.choice(list(codes.SEXES_LOG)),
            "age_band": rng.choice(list(codes.AGE_BANDS)),
            "statut": rng.choice(list(codes.STATUTS_LOG)),
            "commune": rng.choice(communes),
            "need": rng.choice(list(codes.NEEDS_LOG)),
            "answer": rng.choice(list(codes.ANSWERS)),
            "minutes": rng.choice(["", "10", "20"]),
        }
        t0 = time.perf_counter_ns()
        response = member.post(url, data)
        t1 = time.perf_counter_ns()
        if response.status_code != 302:
            raise RuntimeError(f"POST {url} → {response.status_code}")
        page = member.get(response.url)
        t2 = time.perf_counter_ns()
        token = _token(page)
        posts.append((t1 - t0) / 1e6)
        trips.append((t2 - t0) / 1e6)

    admin = User.objects.get(email="admin@region.demo")
    region = _verified_client(admin)
    departements = list(
        Departement.objects.filter(region_id=settings.SPRO_REGION).values_list("code", flat=True)
    )
    networks = list(Network.objects.filter(is_active=True).values_list("code", flat=True))
    queries = [""]
    for _ in range(PAGES + 4):
        roll = rng.random()
        if roll < 0.4:
            queries.append("")
        elif roll < 0.7:
            queries.append(f"?departement={rng.choice(departements)}")
        else:
            queries.append(f"?reseau={rng.choice(networks)}")
    for query in queries[:5]:  # warm up
        region.get("/region/activite/" + query)
    calibration_before, load_before = calibration_ms(), os.getloadavg()
    pages = []
    for query in queries[5:]:
        t0 = time.perf_counter_ns()
        response = region.get("/region/activite/" + query)
        pages.append((time.perf_counter_ns() - t0) / 1e6)
        if response.status_code != 200:
            raise RuntimeError(f"/region/activite/{query} → {response.status_code}")
    whole_region = []
    for _ in range(10):
        t0 = time.perf_counter_ns()
        region.get("/region/activite/")
        whole_region.append((time.perf_counter_ns() - t0) / 1e6)
    return {
        "receptions": Reception.objects.count(),
        "people": sum(Reception.objects.values_list("people", flat=True)),
        "entries": len(posts),
        "entry_post_p50_ms": percentile(posts, 50),
        "entry_post_p95_ms": percentile(posts, 95),
        "entry_round_trip_p50_ms": percentile(trips, 50),
        "entry_round_trip_p95_ms": percentile(trips, 95),
        "region_pages": len(pages),
        "region_page_p50_ms": percentile(pages, 50),
        "region_page_p95_ms": percentile(pages, 95),
        "region_page_whole_region_p95_ms": percentile(whole_region, 95),
        "setup_s": round(setup_s, 1),
        "database": "sqlite (référentiel, annuaire et une année d'accueils de démonstration)",
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "calibration_ms": {"before": calibration_before, "after": calibration_ms()},
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
    }


def summary(result: dict) -> str:
    return (
        f"   {result['receptions']} accueils : saisie (POST) p95 {result['entry_post_p95_ms']} ms, "
        f"aller-retour p95 {result['entry_round_trip_p95_ms']} ms ; page Région p95 "
        f"{result['region_page_p95_ms']} ms (Région entière {result['region_page_whole_region_p95_ms']} ms), "
        f"charge moyenne {result['load_average_1min']}, étalonnage {result['calibration_ms']} ms."
    )
