import pytest
from django.test import Client

from spro.labels import workflow
from tests.accounts import factories as accounts
from tests.labels import factories as labels


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    """Tests run inside a transaction that never commits: e-mails leave when they are scheduled."""
    monkeypatch.setattr("spro.labels.emails.on_commit", lambda function, robust=False: function())


@pytest.fixture
def instructor(db):
    return labels.instructor()


@pytest.fixture
def region_client(instructor):
    """An instructor of the Région, logged in with a verified second factor."""
    client = Client()
    accounts.login_verified(client, instructor)
    return client


def deposited(
    name="Maison de l'orientation", network="information-jeunesse", region="76", day=None, **answers
):
    """A complete dossier for the volet SPRO, submitted by the structure's administrator."""
    structure, admin = labels.applicant(region, name, network)
    application = workflow.start_application(structure, ["spro"], admin, region_code=region)
    labels.fill(application, admin, **answers)
    workflow.submit(application, admin, day=day)
    application.refresh_from_db()
    return application, admin
