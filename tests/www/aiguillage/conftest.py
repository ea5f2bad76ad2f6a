import pytest

from spro.routing.engine import clear_cache


@pytest.fixture(autouse=True)
def fresh_engine():
    """Compiled rules are cached per process; each test compiles them afresh."""
    clear_cache()
    yield
    clear_cache()
