"""Great-circle distance and bounding boxes."""

import random

import pytest

from spro.territories.geo import bounding_box, distance_km, distance_to_ring_km, point_in_ring

TOULOUSE = (43.6045, 1.4440)
MONTPELLIER = (43.6108, 3.8767)
PARIS = (48.8566, 2.3522)


def test_known_distances():
    assert distance_km(*TOULOUSE, *MONTPELLIER) == pytest.approx(196, abs=2)
    assert distance_km(*PARIS, *TOULOUSE) == pytest.approx(589, abs=3)
    assert distance_km(*PARIS, *PARIS) == 0


def test_distance_is_symmetric_and_handles_antipodes():
    assert distance_km(*TOULOUSE, *PARIS) == distance_km(*PARIS, *TOULOUSE)
    assert distance_km(0, 0, 0, 180) == pytest.approx(20015, abs=1)


@pytest.mark.parametrize("center", [TOULOUSE, PARIS, (-20.88, 55.45), (64.0, -21.0)])
@pytest.mark.parametrize("radius", [1, 10, 50, 200])
def test_every_point_within_the_radius_lies_in_the_bounding_box(center, radius):
    min_lat, max_lat, min_lon, max_lon = bounding_box(*center, radius)
    rng = random.Random(radius)
    for _ in range(2000):
        lat = center[0] + rng.uniform(-3, 3) * radius / 111
        lon = center[1] + rng.uniform(-6, 6) * radius / 111
        if distance_km(*center, lat, lon) <= radius:
            assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def test_the_box_is_not_much_larger_than_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*TOULOUSE, 10)
    assert distance_km(min_lat, TOULOUSE[1], max_lat, TOULOUSE[1]) == pytest.approx(20, abs=0.1)
    assert distance_km(TOULOUSE[0], min_lon, TOULOUSE[0], max_lon) == pytest.approx(20, rel=0.01)


def test_near_a_pole_the_box_spans_every_longitude():
    assert bounding_box(89.95, 10, 20)[2:] == (-180.0, 180.0)


def test_point_in_ring():
    ring = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    assert point_in_ring(1, 1, ring)
    assert not point_in_ring(3, 1, ring)


def test_distance_to_a_ring_is_measured_to_its_edges_not_its_corners():
    ring = [(1.0, 43.0), (1.1, 43.0), (1.1, 43.1), (1.0, 43.1), (1.0, 43.0)]
    assert distance_to_ring_km(1.11, 43.05, ring) == pytest.approx(0.81, abs=0.02)
    assert distance_to_ring_km(1.1, 43.05, ring) == pytest.approx(0, abs=1e-9)
