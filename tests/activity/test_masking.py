"""No count under the threshold leaves a structure, even by subtraction from a total.

A small count is 1 to threshold - 1: zero is no one, so it shows as 0 (masking it would not hide a
small cell better: a masked zero adds nothing to what the masked cells share)."""

import itertools

import pytest

from spro.activity.masking import mask_cell, mask_table, mask_with_total, shown


def test_a_small_cell_is_shown_as_under_the_threshold_and_a_zero_as_zero():
    assert mask_cell(4, 5) is None
    assert mask_cell(1, 5) is None
    assert mask_cell(0, 5) == 0
    assert mask_cell(5, 5) == 5
    assert shown(None, 5) == "< 5"


def test_a_single_masked_cell_cannot_be_recomputed_from_the_total():
    cells, total, secondary = mask_table({"femme": 40, "homme": 37, "non-precise": 2}, 5)
    assert total == 79
    assert cells["non-precise"] is None
    assert cells["homme"] is None and secondary == {"homme"}  # the smallest visible cell is masked too
    assert cells["femme"] == 40


def test_secondary_suppression_skips_zeros_that_would_hide_nothing():
    cells, total, secondary = mask_table({"a": 0, "b": 3, "c": 20, "d": 30}, 5)
    assert cells == {"a": 0, "b": None, "c": None, "d": 30} and total == 53 and secondary == {"c"}


def test_a_total_under_the_threshold_masks_every_cell_even_its_zeros():
    # "0" beside a hidden total of 3 would tell what the three people have in common.
    cells, total = mask_with_total({"a": 3, "b": 0, "c": 0}, 5)
    assert total is None and set(cells.values()) == {None}


def test_an_empty_table_shows_its_zeros():
    assert mask_with_total({"a": 0, "b": 0}, 5) == ({"a": 0, "b": 0}, 0)


@pytest.mark.parametrize("counts", list(itertools.product([0, 1, 3, 4, 5, 6, 12], repeat=3)))
def test_no_masked_cell_is_known_by_subtraction(counts):
    table = dict(zip("abc", counts, strict=True))
    cells, total, secondary = mask_table(table, 5)
    # Nothing small is shown, and what is shown is true: a zero is a real zero.
    assert all(value is None or value == 0 or value >= 5 for value in cells.values())
    assert all(value is None or value == table[key] for key, value in cells.items())
    assert all(table[key] >= 5 for key in secondary)
    masked = [key for key, value in cells.items() if value is None]
    if total is not None and masked:
        hidden = total - sum(value for value in cells.values() if value is not None)
        assert len(masked) >= 2 and hidden >= 5  # several cells share at least 5: none is deduced
    if total is None:
        assert sum(counts) < 5


def test_the_threshold_is_a_setting(settings):
    settings.SPRO_ACTIVITY_MASK_THRESHOLD = 10
    assert mask_cell(9) is None and mask_cell(10) == 10 and shown(None) == "< 10"
