"""Small counts masked wherever figures leave a structure.

A cell of 1 to `SPRO_ACTIVITY_MASK_THRESHOLD` - 1 people (default 5) is shown "< 5" (primary
suppression). A zero is shown as 0: it tells that nobody of a category came, which singles out no one
(the counts are one-dimensional, never crossed), and masking it would hide the shape of the activity
while adding nothing to the protection of the small cells — a masked zero does not add to what the
masked cells hide. When a table shows its total, the masked cells must not be recomputable by
subtraction: while a single cell is masked, or the masked cells add up to less than the threshold, the
smallest visible non-zero cell is masked too (secondary suppression, shown "secret": it is not small).
A total of 1 to threshold - 1 masks every cell, zeros included (they would tell what the few people
received have in common), and the total.
"""

from django.conf import settings


def threshold() -> int:
    return settings.SPRO_ACTIVITY_MASK_THRESHOLD


def is_small(value: int, limit: int) -> bool:
    """A count that could single out a person: 1 to limit - 1 (zero is not)."""
    return 0 < value < limit


def mask_cell(value: int, limit: int | None = None) -> int | None:
    """`value`, or None when it is a small count (no total shown beside it)."""
    limit = threshold() if limit is None else limit
    return None if is_small(value, limit) else value


def mask_table(counts: dict, limit: int | None = None) -> tuple[dict, int | None, set]:
    """(cells with None for masked ones, total or None, keys masked by secondary suppression) for a
    one-dimension table shown with its total."""
    limit = threshold() if limit is None else limit
    total = sum(counts.values())
    if is_small(total, limit):
        # Even the zeros: they would tell what all of a handful of people have in common.
        return dict.fromkeys(counts), None, set()
    masked = {key for key, value in counts.items() if is_small(value, limit)}
    # Masking a zero hides nothing more: the candidates are the visible non-zero cells, smallest first.
    candidates = sorted(
        (value, str(key), key) for key, value in counts.items() if key not in masked and value
    )
    secondary = set()
    while masked and candidates and (len(masked) == 1 or sum(counts[k] for k in masked) < limit):
        key = candidates.pop(0)[2]
        masked.add(key)
        secondary.add(key)
    return {key: (None if key in masked else value) for key, value in counts.items()}, total, secondary


def mask_with_total(counts: dict, limit: int | None = None) -> tuple[dict, int | None]:
    """(cells with None for masked ones, total or None): `mask_table` without the secondary keys."""
    cells, total, _secondary = mask_table(counts, limit)
    return cells, total


def shown(value: int | None, limit: int | None = None) -> str:
    """What a page prints for a masked (primary) or visible cell."""
    limit = threshold() if limit is None else limit
    return f"< {limit}" if value is None else str(value)


SECRET = "secret"
