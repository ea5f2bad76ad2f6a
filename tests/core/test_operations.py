"""Running spro as a hosting team would: the health endpoint, one log line per request without personal
data, and a French 503 while the database is away, with service back by itself when it returns."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_health_endpoint_says_ok_and_nothing_else_when_database_and_cache_answer(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_request_is_logged_on_one_line_with_its_pattern_status_and_duration_but_no_query(client, caplog):
    with caplog.at_level(logging.INFO, logger="spro.requests"):
        response = client.get("/lieux/987654321/", {"courriel": "lea@example.org"})
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "spro.requests"]
    line = record.getMessage()
    assert line.startswith("GET /lieux/<int:site_id>/ 404 ")
    assert line.endswith("ms")
    assert "987654321" not in line and "lea@example.org" not in line and "127.0.0.1" not in line
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_the_home_page_is_logged_under_its_own_pattern(client, caplog):
    with caplog.at_level(logging.INFO, logger="spro.requests"):
        client.get("/sante/")
        client.get("/")
    assert [r.getMessage().split(" ")[:2] for r in caplog.records if r.name == "spro.requests"] == [
        ["GET", "/sante/"],
        ["GET", "/"],
    ]


@pytest.mark.django_db
def test_a_request_id_from_the_proxy_is_kept_and_a_malformed_one_replaced(client):
    assert (
        client.get("/sante/", headers={"X-Request-ID": "lb-0123456789ab"})["X-Request-ID"]
        == "lb-0123456789ab"
    )
    replaced = client.get("/sante/", headers={"X-Request-ID": "<script>\n"})["X-Request-ID"]
    assert replaced != "<script>\n" and len(replaced) == 16


def _failing_view(request, n):
    raise RuntimeError("panne simulée")


# The project's URLs and one view that fails (ROOT_URLCONF of the test below).
urlpatterns = [*__import__("spro.urls").urls.urlpatterns, path("panne/<int:n>/", _failing_view)]


def _server_line(record) -> str:
    """The record as the server's configured handler (settings.LOGGING, « console ») wrote it: its filters
    ran when the record was emitted, during the request."""
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h.formatter, logging.Formatter) and "%(request_id)s" in (h.formatter._fmt or "")
    ]
    return handler.format(record)


@pytest.mark.django_db
def test_a_server_error_is_logged_with_the_request_id_the_person_sees_and_no_path(client, settings, caplog):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/panne/4242/", {"commune": "31555"})
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    [error] = [r for r in caplog.records if r.name == "django.request"]
    assert error.levelname == "ERROR" and error.exc_info[0] is RuntimeError
    line = _server_line(error)
    assert f"ERROR [{request_id}] django.request Internal Server Error: /panne/<int:n>/" in line
    assert "4242" not in line.splitlines()[0]
    [request_line] = [r.getMessage() for r in caplog.records if r.name == "spro.requests"]
    assert request_line.startswith("GET /panne/<int:n>/ 500 ") and "31555" not in request_line


@pytest.mark.django_db
def test_a_page_not_found_is_logged_without_the_path_typed(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/lieux/987654321/")
        client.get("/lea.martin@example.org/")
    lines = [_server_line(r) for r in caplog.records if r.name == "django.request"]
    assert [line.split(" django.request ")[1] for line in lines] == [
        "Not Found: /lieux/<int:site_id>/",
        "Not Found: -",
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SwitchableLink:
    """A TCP relay to PostgreSQL that can be cut (the database "stops": connections dropped, new ones
    refused) and restored, on the same port, as a database restart or failover looks to spro."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = _free_port()
        self.sockets: list[socket.socket] = []
        self.listener = None

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def _get(url, headers=None):
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.django_db
def test_with_the_database_stopped_answers_are_a_french_503_and_service_comes_back(settings, tmp_path):
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        pytest.skip(
            "PostgreSQL absent sur 127.0.0.1:5432 : le test d'indisponibilité de la base en a besoin."
        )
    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    # On a PostgreSQL run the server reads the migrated test database; on SQLite, the `test` database.
    database = settings.DATABASES["default"]["NAME"] if on_postgresql else "test"
    link = SwitchableLink(5432)
    link.up()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://root@127.0.0.1:{link.port}/{database}",
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: the broken one must be replaced
        "DEBUG": "0",
        "SPRO_HTTPS": "0",
        "SPRO_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    # The health check also reads the cache, by default a table of that database (`spro migrate` makes it;
    # the migrated test database of a PostgreSQL run has it). The page cache is off: this test's own
    # transaction holds its rows, which the server would wait for.
    env["SPRO_PAGE_CACHE_SECONDS"] = "0"
    if not on_postgresql:
        subprocess.run([sys.executable, "-m", "spro", "createcachetable"], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(base + "/sante/")[0] == 200
                break
            except (OSError, AssertionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        link.down()
        status, headers, body = _get(base + "/mentions-legales/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Service momentanément indisponible" in body and "Internal Server Error" not in body
        # The hosting team reads the fault and the request line under the id the person was shown.
        request_id = headers["X-Request-ID"]
        assert request_id in body
        log = (tmp_path / "server.log").read_text()
        assert f"WARNING [{request_id}] spro.operations base de données injoignable" in log
        assert f"[{request_id}] spro.requests GET /mentions-legales/ 503 " in log
        # A signed-in person's session is read by a middleware, before any view: the same 503.
        status, headers, body = _get(base + "/espace-pro/", {"Cookie": "sessionid=" + "a" * 32})
        assert (status, headers["Retry-After"]) == (503, "30")
        assert "Service momentanément indisponible" in body
        status, headers, body = _get(base + "/api/v1/lieux?commune=31555")
        assert (status, headers["Content-Type"]) == (503, "application/json"), body[:200]
        assert "momentanément indisponible" in json.loads(body)["detail"]
        assert _get(base + "/sante/")[:1] == (503,)

        link.up()
        assert _get(base + "/sante/")[0] == 200
        if on_postgresql:
            assert _get(base + "/mentions-legales/")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=15)
        link.down()


def test_a_server_process_freezes_what_its_start_up_built_out_of_the_collectors_sight(tmp_path):
    """Loading the WSGI application (what gunicorn's master does once, before forking its workers) leaves
    the modules, settings and URL patterns in the garbage collector's permanent generation: a full
    collection no longer walks them (they cost 45 ms pauses to the searches)."""
    probe = (
        "import gc; before = gc.get_freeze_count(); import spro.wsgi; "
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "SPRO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'spro.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, frozen, tracked = map(int, done.stdout.split())
    assert before == 0 and frozen > 10_000
    assert tracked < frozen / 10  # what is left for the collector to walk is what came after
