"""Snapshots of what people read: texts stored in tests/referrals/snapshots/, ids masked.

A missing snapshot is written when SPRO_UPDATE_SNAPSHOTS=1 (then review it and commit it); otherwise
the test fails and shows the difference.
"""

import os
import re
from pathlib import Path

DIRECTORY = Path(__file__).parent / "snapshots"


def mask(text: str) -> str:
    text = re.sub(r"n° \d+", "n° [ID]", text)
    return re.sub(r"/(\d+)/", "/[ID]/", text)


def assert_snapshot(name: str, text: str):
    path = DIRECTORY / f"{name}.txt"
    text = mask(text)
    if os.environ.get("SPRO_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if os.environ.get("SPRO_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(
                f"Snapshot {path.name} missing: run with SPRO_UPDATE_SNAPSHOTS=1 and review it."
            )
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
