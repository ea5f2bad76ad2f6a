"""A link that opens a new window says so in its visible text, not only in a title (RGAA 13.2, WCAG 3.2.5)."""

import re
from pathlib import Path

SPRO = Path(__file__).resolve().parents[2] / "spro"
LINK = re.compile(r"<a\b(?P<attrs>[^>]*)>(?P<content>.*?)</a>", re.S)
SR_ONLY = re.compile(r'<span class="fr-sr-only">.*?</span>', re.S)


def new_window_links():
    for path in sorted(SPRO.rglob("*.html")):
        if "static" in path.parts:
            continue
        for match in LINK.finditer(path.read_text(encoding="utf-8")):
            if "_blank" in match["attrs"]:
                yield path.relative_to(SPRO.parent), match


def test_the_project_has_links_opening_a_new_window_to_check():
    assert list(new_window_links()), "the site page links to OpenStreetMap in a new window"


def test_every_link_opening_a_new_window_says_so_in_its_visible_text():
    silent = []
    for path, match in new_window_links():
        visible = SR_ONLY.sub("", match["content"])
        if "(nouvelle fenêtre)" not in visible or "title=" in match["attrs"]:
            silent.append(f"{path}: {match[0][:120]}")
    assert silent == []
