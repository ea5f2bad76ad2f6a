"""Small counts masked wherever figures leave a structure.

A cell under `SPRO_ACTIVITY_MASK_THRESHOLD` (default 5, zero included) is shown "< 5" (primary
suppression). When a table shows its total, the masked cells must not be recomputable by subtraction:
while a single cell is masked, or the masked cells add up to less than the threshold, the smallest
visible cell is masked too (secondary suppression). A total under the threshold masks everything.
"""

from django.conf import settings


def threshold() -> int:
    return settings.SPRO_ACTIVITY_MASK_THRESHOLD


def mask_cell(value: int, limit: int | None = None) -> int | None:
    """`value`, or None when it is under the threshold (no total shown beside it)."""
    limit = threshold() if limit is None else limit
    return value if value >= limit else None


def mask_with_total(counts: dict, limit: int | None = None) -> tuple[dict, int | None]:
    """(cells with None for masked ones, total or None) for a one-dimension table shown with its total."""
    limit = threshold() if limit is None else limit
    total = sum(counts.values())
    if total < limit:
        return {key: None for key in counts}, None
    masked = {key for key, value in counts.items() if value < limit}
    visible = sorted((value, str(key), key) for key, value in counts.items() if key not in masked)
    while masked and visible and (len(masked) == 1 or sum(counts[k] for k in masked) < limit):
        masked.add(visible.pop(0)[2])
    return {key: (None if key in masked else value) for key, value in counts.items()}, total


def shown(value: int | None, limit: int | None = None) -> str:
    """What a page prints for a masked or visible cell."""
    limit = threshold() if limit is None else limit
    return f"< {limit}" if value is None else str(value)
