import pytest

from spro.routing.engine import clear_cache
from tests.referrals.factories import world


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_engine():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def w(db):
    return world()
