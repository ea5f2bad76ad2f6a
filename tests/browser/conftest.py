"""Browser tests: Debian's Chromium driven by Playwright against a real spro server.

The server is `spro runserver` in a separate process, on its own SQLite database prepared once per
session (migrations, referential, demo directory and accounts through `spro setup-demo`), so browser
tests never touch the database of the other tests. Every request leaving 127.0.0.1 is aborted and
recorded: map tiles point to a local URL and the tests assert that no external request was attempted.
Tests marked `browser` are skipped, with a message, when /usr/bin/chromium is absent.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SPRO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]


def chromium_missing() -> bool:
    return not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MAIL_DIRS: list[Path] = []
# Unused recovery codes of the accounts a browser test enrolled in a second factor, by e-mail: the server is
# shared, so a later test logging in as the same person needs them.
RECOVERY_CODES: dict[str, list[str]] = {}
# The environment of the browser tests' server (its database above all), for a test that must run a
# management command against the same data (`run_in_server_env`).
SERVER_ENVS: list[dict] = []


DEMO_PASSWORD = "demo-spro-2026"


def log_in(visit, email: str, check_form=None):
    """Log `email` in on the shared server, enrolling a second factor the first time a Région agent
    comes, or giving one of its recovery codes later. `check_form(url_name, form)`, if given, is called
    on each second-factor form before it is filled (the form-error walk checks them in error)."""
    from base64 import b32decode

    from django_otp.oath import totp

    page = visit.page
    visit.goto("/comptes/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    if "/double-authentification/activer/" in page.url:
        if check_form:
            check_form("accounts:second_factor_setup", page.locator("form[method=post]").last)
            visit.goto("/comptes/double-authentification/activer/")
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        mailed = re.findall(r"sur votre compte : (\d{6})", sent_emails())
        page.get_by_label("Code reçu par courriel").fill(mailed[-1])
        page.get_by_label("Code à 6 chiffres affiché par l'application").fill(
            f"{totp(b32decode(secret)):06d}"
        )
        page.get_by_role("button", name="Activer").click()
        page.wait_for_load_state("networkidle")
        RECOVERY_CODES[email] = page.locator("#recovery-codes code").all_inner_texts()
    elif "/connexion/double-authentification/" in page.url:
        if check_form:
            check_form("accounts:login_second_factor", page.locator("form[method=post]").first)
        page.get_by_label("Code à 6 chiffres ou code de secours").fill(RECOVERY_CODES[email].pop())
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state("networkidle")
    assert "/comptes/connexion/" not in page.url, f"{email} n'a pas pu se connecter"


def run_in_server_env(*command: str) -> str:
    """Run `spro <command>` on the browser tests' server's database; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "spro", *command],
        env=SERVER_ENVS[-1],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def sent_emails() -> str:
    """Every message the browser tests' server has sent so far, as text, oldest first."""
    files = sorted(MAIL_DIRS[-1].glob("*.log"), key=lambda f: f.stat().st_mtime) if MAIL_DIRS else []
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


# Package scope: the server and the browser stop as soon as the last browser test is done, not at the end
# of the session; the worker that ran them goes on with database tests without Chromium's processes
# drawing pages (a map, a clock) on the same cores.
@pytest.fixture(scope="package")
def server_url(tmp_path_factory):
    if chromium_missing():
        pytest.skip(f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    var_dir = tmp_path_factory.mktemp("browser-var")
    env = {
        **os.environ,
        "SPRO_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'browser.sqlite3'}",
        "DEBUG": "0",
        "SPRO_HTTPS": "0",
        "SPRO_TILE_URL": "/tuiles-de-test/{z}/{x}/{y}.png",
        # Mail is written to files, so that a test can read what the server sent (`sent_emails`).
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var_dir / "emails"),
        "PYTHONUNBUFFERED": "1",
    }
    spro = [sys.executable, "-m", "spro"]
    for command in (["migrate", "--noinput", "-v", "0"], ["setup-demo"]):
        subprocess.run(spro + command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    port = free_port()
    log = open(var_dir / "server.log", "wb")  # noqa: SIM115 (closed at teardown)
    process = subprocess.Popen(
        spro + ["runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    MAIL_DIRS.append(var_dir / "emails")
    SERVER_ENVS.append(env)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/mentions-legales/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((var_dir / "server.log").read_text()[-3000:]) from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="package")
def browser(server_url):
    from playwright.sync_api import sync_playwright

    # On several workers, the worker running the browser tests may be given database tests after them:
    # Playwright's event loop then stays set in this process, which Django takes for an async context.
    # The tests call the ORM synchronously, as the server does: the check does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


class Visit:
    """A browser page on the test server that records console errors and attempted external requests."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        page.on("console", self._on_console)
        page.route("**/*", self._route)

    def _on_console(self, message):
        # A missing tile image (local 404 by design) is not an error of the page.
        if message.type == "error" and "tuiles-de-test" not in (message.location or {}).get("url", ""):
            if "Failed to load resource" not in message.text:
                self.console_errors.append(message.text)

    def _route(self, route):
        if route.request.url.startswith(self.base_url):
            route.continue_()
        else:
            self.external_requests.append(route.request.url)
            route.abort()

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response


@pytest.fixture
def visit(browser, server_url):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Visit(page, server_url)
    context.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests last in a single process, and, when the suite runs on several workers (pytest-xdist,
    `--dist loadgroup`), all on one worker: one server and one browser for the whole run. xdist's scheduler
    hands out the largest group first, so that worker starts with them, then takes database tests once the
    server and Chromium have stopped (`DJANGO_ALLOW_ASYNC_UNSAFE`, above). First of the hooks: xdist's own
    reads the `xdist_group` marker in this same hook to name the group in the test's id."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
