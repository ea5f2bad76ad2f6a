"""No count under the threshold leaves a structure, even by subtraction from a total."""

import itertools

import pytest

from spro.activity.masking import mask_cell, mask_with_total, shown


def test_a_small_cell_is_shown_as_under_the_threshold():
    assert mask_cell(4, 5) is None
    assert mask_cell(0, 5) is None
    assert mask_cell(5, 5) == 5
    assert shown(None, 5) == "< 5"


def test_a_single_masked_cell_cannot_be_recomputed_from_the_total():
    cells, total = mask_with_total({"femme": 40, "homme": 37, "non-precise": 2}, 5)
    assert total == 79
    assert cells["non-precise"] is None
    assert cells["homme"] is None  # the smallest visible cell is masked too
    assert cells["femme"] == 40


def test_a_total_under_the_threshold_masks_everything():
    cells, total = mask_with_total({"a": 2, "b": 1}, 5)
    assert total is None and set(cells.values()) == {None}


@pytest.mark.parametrize("counts", list(itertools.product([0, 1, 3, 4, 5, 6, 12], repeat=3)))
def test_no_masked_cell_is_known_by_subtraction(counts):
    table = dict(zip("abc", counts, strict=True))
    cells, total = mask_with_total(table, 5)
    assert all(value is None or value >= 5 for value in cells.values())
    masked = [key for key, value in cells.items() if value is None]
    if total is not None and masked:
        hidden = total - sum(value for value in cells.values() if value is not None)
        assert len(masked) >= 2 and hidden >= 5  # several cells share at least 5: none is deduced


def test_the_threshold_is_a_setting(settings):
    settings.SPRO_ACTIVITY_MASK_THRESHOLD = 10
    assert mask_cell(9) is None and mask_cell(10) == 10 and shown(None) == "< 10"
