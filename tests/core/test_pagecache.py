"""Anonymous public pages served from the cache that every server process shares (spro.core.pagecache):
drawn once, never stale after an edit or a new minute, never served to a signed-in person."""

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spro.__main__ import main
from spro.core import pagecache
from spro.directory.models import Site
from tests.directory import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
WEDNESDAY_9H59 = datetime(2026, 11, 25, 9, 59, 30, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` — the writes inside are followed by what their commit triggers in production
    (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def site_page(client, site):
    response = client.get(reverse("annuaire:site", args=[site.pk]))
    assert response.status_code == 200
    return response


def text(response) -> str:
    return html.unescape(response.content.decode())


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_an_anonymous_page_is_drawn_once_then_served_from_the_cache_with_a_nonce_of_its_own(
    client, committed
):
    with committed():
        site = f.site("CIO de Rangueil")
    first, second = site_page(client, site), site_page(client, site)
    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert not first.cookies and not second.cookies
    # The content security policy's nonce is the replaying response's, in its header and in the page.
    old, new = nonce_of(first), nonce_of(second)
    assert old != new and f'nonce="{new}"' in second.content.decode() and old not in second.content.decode()
    assert second.content == first.content.replace(old.encode(), new.encode())
    assert second["X-Frame-Options"] == "DENY" and second["X-Request-ID"] != first["X-Request-ID"]


def test_an_edit_of_the_directory_is_never_served_stale(client, committed):
    with committed():
        site = f.site("CIO de Rangueil")
    search = "/annuaire/?commune=31555&rayon=20"
    assert "CIO de Rangueil" in text(site_page(client, site)) and "CIO de Rangueil" in text(
        client.get(search)
    )
    assert client.get(search)["X-Cache"] == "HIT"
    with committed():
        site.name = "CIO de Toulouse-Rangueil"
        site.save()
        # Before its commit, this transaction's pages are drawn from its own data, never from the cache.
        during = site_page(client, site)
        assert "X-Cache" not in during and "CIO de Toulouse-Rangueil" in text(during)
    for response in (site_page(client, site), client.get(search)):
        assert response["X-Cache"] == "MISS"
        assert "CIO de Toulouse-Rangueil" in text(response)
    with committed():
        site.structure.is_active = False
        site.structure.save()
    assert client.get(reverse("annuaire:site", args=[site.pk])).status_code == 404
    assert "CIO de Toulouse-Rangueil" not in text(client.get(search))


def test_the_search_form_reads_its_networks_once_per_generation_and_shows_a_new_network_at_once(
    client, committed
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spro.directory.models import Network

    with committed():
        f.site("CIO de Rangueil")

    def networks_read(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200 and response["X-Cache"] == "MISS"
        return sum('FROM "directory_network"' in query["sql"] for query in ctx.captured_queries)

    assert networks_read("/annuaire/?commune=31555&rayon=20") == 1
    # Another page of the same generation: the list is the one read for the first.
    assert networks_read("/annuaire/?commune=31555&rayon=30") == 0
    with committed():
        Network.objects.create(code="point-orientation-test", label="Point d'orientation test")
    assert networks_read("/annuaire/?commune=31555&rayon=50") == 1
    assert "Point d'orientation test" in text(client.get("/annuaire/?commune=31555&rayon=10"))


def test_the_api_answers_follow_an_edit_too(client, committed):
    with committed():
        site = f.site("Mission Locale", network_code="mission-locale")
    url = "/api/v1/lieux?commune=31555&rayon=10"
    assert [item["nom"] for item in client.get(url).json()["items"]] == ["Mission Locale"]
    assert client.get(url)["X-Cache"] == "HIT"
    with committed():
        f.site("Mission Locale (antenne)", network_code="mission-locale", north_km=2)
    assert [item["nom"] for item in client.get(url).json()["items"]] == [
        "Mission Locale",
        "Mission Locale (antenne)",
    ]
    assert client.get(f"/api/v1/lieux/{site.pk}").json()["nom"] == "Mission Locale"


def test_writes_that_send_no_signal_are_renewed_by_the_end_of_any_spro_command(
    client, committed, monkeypatch
):
    import django.core.management

    with committed():
        site = f.site("CIO de Rangueil")
    site_page(client, site)

    def bulk_import(argv):  # a command that writes with QuerySet.update, which sends no signal
        Site.objects.filter(pk=site.pk).update(name="CIO renommé en masse")

    monkeypatch.setattr(django.core.management, "execute_from_command_line", bulk_import)
    monkeypatch.setattr(sys, "argv", ["spro", "runserver"])  # a command that writes nothing
    main()
    assert "CIO de Rangueil" in text(site_page(client, site))  # the bulk write alone: the cache did not know
    monkeypatch.setattr(sys, "argv", ["spro", "import-data-inclusion", "lieux.json"])
    main()
    renewed = site_page(client, site)
    assert renewed["X-Cache"] == "MISS" and "CIO renommé en masse" in text(renewed)


def test_a_new_minute_is_a_new_page_so_the_opening_state_is_never_stale(client, committed):
    with time_machine.travel(WEDNESDAY_9H59, tick=False) as clock:
        with committed():
            site = f.site("CIO de Rangueil", opening_hours="Mo-Su 08:00-10:00")
        first, second = site_page(client, site), site_page(client, site)
        assert "Ouvert maintenant, ferme à 10 h" in text(first) and second["X-Cache"] == "HIT"
        clock.shift(timedelta(seconds=60))  # 10:00:30
        later = site_page(client, site)
        assert later["X-Cache"] == "MISS"
        assert "Fermé, ouvre demain à 8 h" in text(later) and "Ouvert maintenant" not in text(later)


def test_a_signed_in_person_is_never_served_a_cached_page_nor_stored_for_the_public(
    client, committed, django_user_model
):
    with committed():
        user = django_user_model.objects.create_user(email="conseillere@example.org", password="x" * 16)
        client.force_login(user)
    anonymous = Client()
    anonymous.get("/")
    assert anonymous.get("/")["X-Cache"] == "HIT"
    for _ in range(2):
        page = client.get("/")
        assert "X-Cache" not in page and "Se déconnecter" in text(page)
    public = anonymous.get("/")
    assert public["X-Cache"] == "HIT" and "Se déconnecter" not in text(public)


def test_a_visitor_with_a_message_waiting_gets_the_page_drawn_for_them(client, committed):
    url = "/annuaire/?commune=31555&rayon=20"
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    client.cookies["messages"] = "un message signé"
    assert "X-Cache" not in client.get(url)


def test_a_page_with_a_form_that_posts_is_never_stored(client):
    """The aiguillage's first question posts a CSRF token: its page sets the cookie that goes with it."""
    for _ in range(2):
        page = client.get(reverse("aiguillage:start"))
        assert page.status_code == 200 and "X-Cache" not in page and "csrftoken" in page.cookies


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


CHILD = """
import hashlib, json
from django.test import Client
from spro.core import pagecache
pagecache.settings_epoch = {epoch}  # the test's settings overrides, the same in both processes
response = Client().get({path!r})
print(json.dumps({{"cache": response.get("X-Cache"), "body": hashlib.sha256(response.content).hexdigest(),
    "generation": pagecache.generation()}}))
"""


def other_process(path: str, tmp_path) -> dict:
    """Another server process on the same Redis (and an empty database it never needs for a cached page)."""
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'autre-serveur.sqlite3'}",
        "SPRO_VAR_DIR": str(tmp_path),
        "DEBUG": "",
        "SPRO_HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "spro.settings",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); exec("
            + repr(CHILD.format(path=path, epoch=pagecache.settings_epoch))
            + ")",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not redis_answers(), reason="Redis absent sur 127.0.0.1:6379")
def test_two_server_processes_share_the_pages_and_their_generation_through_redis(
    client, committed, settings, tmp_path
):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spro",
        }
    }
    try:
        with committed():
            site = f.site("CIO de Rangueil")
        path = f"/api/v1/lieux/{site.pk}"
        drawn = client.get(path)
        assert drawn["X-Cache"] == "MISS"
        other = other_process(path, tmp_path)
        assert other["cache"] == "HIT" and other["body"] == hashlib.sha256(drawn.content).hexdigest()
        assert other["generation"] == pagecache.generation()
        with committed():
            site.name = "CIO de Toulouse-Rangueil"
            site.save()
        renewed = pagecache.generation()
        after = other_process(path, tmp_path)
        assert renewed != other["generation"] and after["generation"] == renewed
        assert after["cache"] is None  # the old page is not served: the other process draws it again
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
