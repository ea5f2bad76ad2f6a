"""The engine against scenarios: the shared list of the project (../shared) and our own, from the domain.

A scenario passes when the first recommended network is in `accept` (no network at all when `accept`
is empty) and the first network is not in `must_not`.
"""

import json
from pathlib import Path

import pytest

from spro.routing.engine import Engine
from spro.routing.ruleset import compile_rules, default_rules

ROOT = Path(__file__).resolve().parents[2]
# The project's shared folder sits beside the main checkout (../shared) or beside the worktrees' folder.
SHARED = next(
    (
        path
        for path in (
            ROOT.parent / "shared" / "scenarios" / "aiguillage-public.json",
            ROOT.parent.parent / "shared" / "scenarios" / "aiguillage-public.json",
        )
        if path.exists()
    ),
    ROOT.parent / "shared" / "scenarios" / "aiguillage-public.json",
)
OWN = Path(__file__).with_name("domain_scenarios.json")
RECODED = Path(__file__).with_name("shared_scenarios_recoded.json")


def load(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


ENGINE = Engine(compile_rules(default_rules()), {}, "default")


def check(scenario):
    answer = ENGINE.route(scenario["situation"])
    codes = [n.code for n in answer.networks]
    if not scenario["accept"]:
        assert codes == [], f"{scenario['id']}: no second door expected, got {codes} ({answer.rules})"
        return
    assert codes, f"{scenario['id']}: a second door was expected"
    assert codes[0] in scenario["accept"], f"{scenario['id']}: {codes} ({answer.rules})"
    assert codes[0] not in scenario.get("must_not", []), f"{scenario['id']}: {codes}"


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
@pytest.mark.parametrize("scenario", load(SHARED), ids=lambda s: s["id"])
def test_it_passes_the_shared_scenario(scenario):
    check(scenario)


def recoded() -> list:
    """The shared scenarios as a person filling the questionnaire would code them (issue 17)."""
    shared = {s["id"]: s for s in load(SHARED)}
    codings = json.loads(RECODED.read_text(encoding="utf-8"))
    codings.pop("_description")
    return [
        dict(shared[coding.get("base", key)], id=f"{key} (recodé)", situation=coding["situation"])
        for key, coding in codings.items()
        if coding.get("base", key) in shared
    ]


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
def test_every_shared_scenario_is_recoded():
    codings = json.loads(RECODED.read_text(encoding="utf-8"))
    assert {s["id"] for s in load(SHARED)} <= set(codings)


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
@pytest.mark.parametrize("scenario", recoded(), ids=lambda s: s["id"])
def test_it_passes_the_shared_scenario_as_a_person_codes_it(scenario):
    check(scenario)


@pytest.mark.parametrize("scenario", load(OWN), ids=lambda s: s["id"])
def test_it_passes_the_domain_scenario(scenario):
    check(scenario)


def test_it_has_enough_own_scenarios_to_mean_something():
    assert len(load(OWN)) >= 30
