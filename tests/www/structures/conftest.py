import pytest

from tests.www.structures.factories import world as build_world


@pytest.fixture
def world(db):
    return build_world()
