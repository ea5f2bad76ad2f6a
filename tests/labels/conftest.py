import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def mail_at_once(request, monkeypatch):
    """Tests run inside a transaction that never commits: e-mails leave when they are scheduled
    (test_emails.py checks that, for real, none leaves before the commit)."""
    if "real_commit" in request.keywords:
        return
    monkeypatch.setattr("spro.labels.emails.on_commit", lambda function, robust=False: function())
