"""The rule tables are compiled into Python code once per rule-set version (issue 18): the compiled table
says, for every situation, exactly which rules hold by the rule language of ruleset.py — checked here
against a plain reading of that language, over the default table and every shipped profile."""

import pytest

from bench.aiguillage import situations as varied_situations
from spro.routing import profiles
from spro.routing.engine import Engine
from spro.routing.ruleset import compile_matcher, compile_rules, compile_when, default_rules
from tests.routing.space import pair_space

TABLES = ["default", *profiles.shipped_regions()]
METIERS = ["D1102", "G1602", "A1414", "K2111", "M1805", "N4101", "H2909"]


def holds(when: dict, s: dict) -> bool:
    """The rule language as ruleset.py's docstring states it, read naively."""
    for key, spec in when.items():
        if key == "any":
            ok = any(holds(w, s) for w in spec)
        elif key == "all":
            ok = all(holds(w, s) for w in spec)
        elif key == "not":
            ok = not holds(spec, s)
        else:
            v = s.get(key)
            if v is None and spec.get("or_missing"):
                ok = True
            else:
                ok = all(op_holds(op, value, v) for op, value in spec.items() if op != "or_missing")
        if not ok:
            return False
    return True


def op_holds(op, value, v) -> bool:
    if op == "eq":
        return v == value
    if op == "ne":
        return v != value
    if op == "in":
        return v in value
    if op == "not_in":
        return v not in value
    if op == "range":
        low, high = value
        return v is not None and (low is None or v >= low) and (high is None or v <= high)
    if op == "bool":
        return (v is True) == value
    if op == "missing":
        return (v is None) == value
    raise AssertionError(op)


def sample() -> list[dict]:
    """Situations over every field: every 7th of the consistency space, and varied ones with métiers."""
    items = list(pair_space())[::7] + varied_situations(1500, ["31555", "45234"], seed=7)
    for index, item in enumerate(items[::5]):
        item["metier"] = METIERS[index % len(METIERS)]
    return items


SAMPLE = sample()


@pytest.mark.parametrize("name", TABLES)
def test_the_compiled_table_holds_exactly_the_rules_the_language_says(name):
    data = default_rules() if name == "default" else profiles.shipped_rules(name)
    engine = Engine(compile_rules(data), {}, name)
    whens = [rule.get("when") or {} for rule in data["rules"]]
    for situation in SAMPLE:
        facts = engine.facts(engine.parse(situation))
        expected = [i for i, when in enumerate(whens) if holds(when, facts)]
        assert engine.compiled.matching(facts) == expected, (situation, facts)
        assert [i for i, rule in enumerate(engine.compiled.rules) if rule.test(facts)] == expected


def test_values_are_constants_of_the_compiled_code_never_spliced_into_it():
    # A value that would be code if pasted into the source stays a plain value.
    hostile = "x' or True or '"
    when = {"commune": {"eq": hostile}}
    assert compile_when(when)({"commune": "31555"}) is False
    assert compile_when(when)({"commune": hostile}) is True
    assert compile_matcher([when, {}])({"commune": "31555"}) == [1]


@pytest.mark.parametrize(
    ("when", "situation", "expected"),
    [
        ({"age": {"range": [16, None]}}, {}, False),
        ({"age": {"range": [16, None], "or_missing": True}}, {}, True),
        ({"rqth": {"bool": False}}, {}, True),
        ({"rqth": {"bool": False}}, {"rqth": True}, False),
        ({"statut": {"missing": True}}, {}, True),
        ({"not": {"statut": {"in": ["eleve"]}}}, {}, True),
        ({"any": [{"age": {"eq": 3}}, {"statut": {"eq": "eleve"}}]}, {"statut": "eleve"}, True),
        ({}, {}, True),
    ],
)
def test_edge_cases_of_the_language(when, situation, expected):
    assert compile_when(when)(situation) is expected
    assert holds(when, situation) is expected
    assert compile_matcher([when])(situation) == ([0] if expected else [])
