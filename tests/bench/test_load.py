"""bench.load's memory figures: the sum over the server's processes and the largest single process."""

import os

from bench import load

GONE = 2**22 + 12345  # above the default pid_max: no such process


def test_the_largest_process_memory_is_one_process_high_water_mark():
    me = os.getpid()

    assert 0 < load.max_rss_mb([me, me]) < load.peak_rss_mb([me, me])
    assert load.max_rss_mb([me, me]) == load.peak_rss_mb([me])


def test_a_process_gone_counts_for_nothing():
    me = os.getpid()

    assert load.max_rss_mb([me, GONE]) == load.max_rss_mb([me])
    assert load.max_rss_mb([GONE]) == 0
