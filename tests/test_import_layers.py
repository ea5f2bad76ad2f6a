"""The rooms of spro import downwards only (docs: architecture, "Layout"): the territories below the
directory, the directory below the apps that use it (accounts, referrals, labels…), and no domain app
imports the web (`www`) or the API. Imports inside functions count too."""

import ast
from pathlib import Path

SPRO = Path(__file__).resolve().parents[1] / "spro"
# Each room, and the rooms it must never import.
FORBIDDEN = {
    "territories": {"directory", "accounts", "referrals", "routing", "labels", "www", "api"},
    "directory": {"accounts", "referrals", "routing", "labels", "www", "api"},
    "accounts": {"referrals", "labels", "www", "api"},
    "routing": {"labels", "www", "api"},
    "referrals": {"labels", "www", "api"},
    # Labels sit above the directory and routing (they read structures, networks, sites).
    "labels": {"referrals", "www", "api"},
    # The agenda reads structures, sites, communes, aiguillage codes and SPRO statuses.
    "events": {"referrals", "www", "api"},
    # The network's life reads structures, sites, SPRO statuses and the events' time zone.
    "network": {"referrals", "www", "api"},
}


def imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        rooms.update(name.split(".")[1] for name in names if name.startswith("spro.") and "." in name)
    return rooms


def test_no_room_imports_a_room_above_it():
    upward = []
    for room, forbidden in FORBIDDEN.items():
        for path in sorted((SPRO / room).rglob("*.py")):
            for target in sorted(imported_rooms(path) & forbidden):
                upward.append(f"{path.relative_to(SPRO.parent)} imports spro.{target}")
    assert upward == []
