import pytest

from spro.routing.engine import clear_cache


@pytest.fixture(autouse=True)
def fresh_engine():
    """The engine caches network labels read from the database; each test starts from its own data."""
    clear_cache()
    yield
    clear_cache()
