"""A commune's point: its mairie when inside (or near) its contour, otherwise the contour's centroid."""

import struct

import pytest

from spro.territories.importer import commune_point
from spro.territories.wkb import read_point, read_polygons


def point_hex(lon, lat) -> str:
    return struct.pack("<BIdd", 1, 1, lon, lat).hex()


def square_hex(lon0, lat0, size) -> str:
    ring = [(lon0, lat0), (lon0 + size, lat0), (lon0 + size, lat0 + size), (lon0, lat0 + size), (lon0, lat0)]
    polygon = struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)
    return (struct.pack("<BII", 1, 6, 1) + polygon).hex()


SQUARE = square_hex(1.0, 43.0, 0.1)  # about 8 km by 11 km


def test_the_mairie_inside_the_contour_is_the_point():
    assert commune_point(SQUARE, point_hex(1.02, 43.03)) == (43.03, 1.02)


def test_a_mairie_just_outside_the_simplified_contour_is_kept():
    assert commune_point(SQUARE, point_hex(1.11, 43.05)) == (43.05, 1.11)  # ~0.8 km east


def test_a_misplaced_mairie_gives_way_to_the_centroid():
    lat, lon = commune_point(SQUARE, point_hex(5.0, 48.0))
    assert (lat, lon) == (pytest.approx(43.05), pytest.approx(1.05))


def test_without_mairie_the_centroid_is_the_point():
    lat, lon = commune_point(SQUARE, "\\N")
    assert (lat, lon) == (pytest.approx(43.05), pytest.approx(1.05))


def test_without_contour_the_mairie_is_the_point_and_without_both_there_is_none():
    assert commune_point("\\N", point_hex(1.0, 43.0)) == (43.0, 1.0)
    assert commune_point("\\N", "\\N") is None


def test_wkb_readers_refuse_what_they_cannot_read():
    assert read_point(point_hex(2.5, 45.0)) == (2.5, 45.0)
    assert len(read_polygons(SQUARE)) == 1
    with pytest.raises(ValueError, match="hexadécimal"):
        read_point("zz")
    with pytest.raises(ValueError, match="point attendu"):
        read_point(SQUARE)
    with pytest.raises(ValueError, match="tronqué"):
        read_polygons(SQUARE[:60])
