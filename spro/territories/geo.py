"""Great-circle distance and bounding boxes on latitude/longitude in degrees (WGS 84).

No GIS extension: a bounding box on indexed latitude/longitude columns narrows the candidates, then the
exact great-circle distance decides. Good to tens of thousands of sites on SQLite as on PostgreSQL.
"""

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180  # ~111.2 km


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine formula, stable for short distances)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within `radius_km` of (lat, lon).

    The longitude span is taken at the latitude of the box edge nearest the pole, where a degree of
    longitude is shortest, so no point of the circle falls outside. Near a pole the box spans all
    longitudes.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(min_lat), abs(max_lat))
    cos_lat = math.cos(math.radians(widest))
    if widest >= 89.9 or radius_km / (KM_PER_DEGREE_LAT * cos_lat) >= 180:
        return min_lat, max_lat, -180.0, 180.0
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
    return min_lat, max_lat, lon - dlon, lon + dlon


def point_in_ring(lon: float, lat: float, ring) -> bool:
    """Ray casting: whether (lon, lat) lies inside the closed ring [(lon, lat), ...]."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def distance_to_ring_km(lon: float, lat: float, ring) -> float:
    """Shortest distance in km from (lon, lat) to the edges of a ring, in a local flat projection."""
    kx = KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
    ky = KM_PER_DEGREE_LAT
    best = math.inf
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        ax, ay = (x0 - lon) * kx, (y0 - lat) * ky
        bx, by = (x1 - lon) * kx, (y1 - lat) * ky
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def ring_area_centroid(ring) -> tuple[float, float, float]:
    """(signed area, centroid lon, centroid lat) of a ring in degree space (shoelace formula)."""
    area = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / max(len(xs), 1), sum(ys) / max(len(ys), 1)
    return area, cx / (6 * area), cy / (6 * area)
