"""Rule tables of the aiguillage: checking them (French errors) and compiling them into Python code.

A rule table is JSON (see `rules/default.json` and `rules/README.md`):
  networks   code → {label, bring[], more[]}: labels used when the directory lacks the network
  need_map   situation need → directory need codes, to find sites offering the need
  first_level  situation need → {text, links[]}: first-level information when no second door is needed
  rules      [{id, when, network | no_second_door, score, reason, source}], evaluated all together:
             per network the best score wins; the networks are ranked by score (then rule order).

Conditions (`when`): {field: {op: value, ...}, ...} — every op of every field must hold; fields are
those of a situation. Ops: eq, ne, in, not_in, range [min, max] (inclusive, null = open), bool (false
also matches an absent value), missing (true/false); the modifier "or_missing": true accepts an absent
value. Combinators: "any": [when, ...], "all": [when, ...], "not": when.
"""

import json
import re
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from spro.routing.codes import BESOINS, RULE_FIELDS, SECTEURS

FORMAT = 1
PREFIX = re.compile(r"^[A-N]\d{0,4}$")
DEFAULT_PATH = Path(__file__).parent / "rules" / "default.json"
OPS = {"eq", "ne", "in", "not_in", "range", "bool", "missing", "or_missing"}
COMBINATORS = {"any", "all", "not"}
RULE_KEYS = {"id", "description", "when", "network", "no_second_door", "score", "reason", "source"}
# Placeholders a reason may use: the network label, and the situation's age.
REASON_FIELDS = {"network", "age"}
MAX_NETWORKS = 3


class RuleSetError(ValueError):
    """A rule table that cannot be used; `errors` lists every problem in French."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("Règles d'aiguillage invalides : " + " ; ".join(errors))


@cache
def default_rules() -> dict:
    with DEFAULT_PATH.open(encoding="utf-8") as f:
        return json.load(f)


def _check_value(field_name, op, value, where, errors):
    kind, codes = RULE_FIELDS[field_name]
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and not isinstance(value, list):
        errors.append(f"{where} : l'opérateur « {op} » attend une liste.")
        return
    for v in values:
        if kind == "code" and v not in codes:
            errors.append(f"{where} : valeur « {v} » inconnue pour « {field_name} ».")
        elif kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            errors.append(f"{where} : un nombre entier est attendu pour « {field_name} ».")
        elif kind == "bool" and not isinstance(v, bool):
            errors.append(f"{where} : true ou false est attendu pour « {field_name} ».")
        elif kind == "str" and not isinstance(v, str):
            errors.append(f"{where} : un texte est attendu pour « {field_name} ».")


def _check_when(when, where, errors):
    if not isinstance(when, dict):
        errors.append(f"{where} : « when » doit être un objet.")
        return
    for key, spec in when.items():
        if key in ("any", "all"):
            if not isinstance(spec, list) or not spec:
                errors.append(f"{where} : « {key} » attend une liste non vide de conditions.")
                continue
            for i, sub in enumerate(spec):
                _check_when(sub, f"{where}, {key}[{i}]", errors)
        elif key == "not":
            _check_when(spec, f"{where}, not", errors)
        elif key not in RULE_FIELDS:
            errors.append(f"{where} : champ « {key} » inconnu.")
        elif not isinstance(spec, dict) or not spec:
            errors.append(f"{where} : la condition sur « {key} » doit être un objet d'opérateurs.")
        else:
            for op, value in spec.items():
                at = f"{where}, champ « {key} », opérateur « {op} »"
                if op not in OPS:
                    errors.append(f"{at} : opérateur inconnu (possibles : {', '.join(sorted(OPS))}).")
                elif op in ("missing", "or_missing", "bool"):
                    if not isinstance(value, bool):
                        errors.append(f"{at} : true ou false est attendu.")
                    elif op == "bool" and RULE_FIELDS[key][0] != "bool":
                        errors.append(f"{at} : « bool » ne s'applique qu'aux champs vrai/faux.")
                elif op == "range":
                    ok = isinstance(value, list) and len(value) == 2
                    ok = ok and all(
                        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value
                    )
                    if not ok or RULE_FIELDS[key][0] != "int":
                        errors.append(f"{at} : [minimum, maximum] entiers attendus sur un champ numérique.")
                else:
                    _check_value(key, op, value, at, errors)


def validate(data) -> list[str]:
    """Every problem of a rule table, in French; an empty list when it can be used."""
    if not isinstance(data, dict):
        return ["le jeu de règles doit être un objet JSON."]
    errors: list[str] = []
    if data.get("format") != FORMAT:
        errors.append(f"« format » doit valoir {FORMAT}.")
    networks = data.get("networks")
    if not isinstance(networks, dict) or not networks:
        errors.append("« networks » doit lister les réseaux (code → libellé).")
        networks = {}
    for code, info in networks.items():
        if not isinstance(info, dict) or not isinstance(info.get("label"), str) or not info["label"].strip():
            errors.append(f"Réseau « {code} » : un libellé (« label ») est obligatoire.")
        elif not isinstance(info.get("remote_first_door", False), bool):
            errors.append(f"Réseau « {code} » : « remote_first_door » vaut true ou false.")
    need_map = data.get("need_map", {})
    if not isinstance(need_map, dict) or any(k not in BESOINS for k in need_map):
        errors.append("« need_map » doit associer des besoins connus à des besoins de l'annuaire.")
    metier_secteurs = data.get("metier_secteurs", {})
    if not isinstance(metier_secteurs, dict):
        errors.append("« metier_secteurs » doit associer des préfixes de code ROME à des secteurs.")
    else:
        for prefix, secteur in metier_secteurs.items():
            if not PREFIX.match(prefix):
                errors.append(
                    f"« metier_secteurs » : « {prefix} » n'est pas un début de code ROME (ex. A, D11, D1102)."
                )
            if secteur not in SECTEURS:
                errors.append(f"« metier_secteurs », « {prefix} » : secteur « {secteur} » inconnu.")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        errors.append("« rules » doit être une liste non vide de règles.")
        rules = []
    seen = set()
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            errors.append(f"Règle n° {i + 1} : un objet est attendu.")
            continue
        rid = rule.get("id")
        where = f"Règle « {rid} »" if rid else f"Règle n° {i + 1}"
        if not isinstance(rid, str) or not rid:
            errors.append(f"{where} : un identifiant (« id ») est obligatoire.")
        elif rid in seen:
            errors.append(f"{where} : identifiant en double.")
        seen.add(rid)
        for key in set(rule) - RULE_KEYS:
            errors.append(f"{where} : clé « {key} » inconnue.")
        _check_when(rule.get("when", {}), where, errors)
        score = rule.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 1000:
            errors.append(f"{where} : « score » doit être un entier entre 0 et 1000.")
        if not isinstance(rule.get("source"), str) or not rule["source"].strip():
            errors.append(f"{where} : la source (charte ou texte de loi) est obligatoire.")
        if rule.get("no_second_door"):
            if "network" in rule:
                errors.append(f"{where} : une règle « no_second_door » ne recommande pas de réseau.")
            continue
        if rule.get("network") not in networks:
            errors.append(f"{where} : réseau « {rule.get('network')} » absent de « networks ».")
        reason = rule.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            errors.append(f"{where} : la raison (« reason ») est obligatoire.")
        else:
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(reason) if name is not None}
            except ValueError:
                names = {"?"}
            if names - REASON_FIELDS:
                errors.append(
                    f"{where} : la raison ne peut utiliser que {{network}} et {{age}} comme variables."
                )
    return errors


# --- compilation -------------------------------------------------------------------------------------


class _Source:
    """Python source of the conditions of one table, compiled once per rule-set version.

    Each `when` becomes one boolean expression over local variables (one per field, read once per
    situation); every value of the table is a named constant of the generated code's namespace, never
    text spliced into it (field names and values only ever appear as constants)."""

    def __init__(self):
        self.constants: dict[str, object] = {}
        self.fields: dict[str, str] = {}  # field name → local variable

    def constant(self, value) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def variable(self, field_name: str) -> str:
        if field_name not in self.fields:
            self.fields[field_name] = f"v{len(self.fields)}"
        return self.fields[field_name]

    def field(self, name: str, spec: dict) -> str:
        v = self.variable(name)
        tests = []
        for op, value in spec.items():
            if op == "eq":
                tests.append(f"{v} == {self.constant(value)}")
            elif op == "ne":
                tests.append(f"{v} != {self.constant(value)}")
            elif op == "in":
                tests.append(f"{v} in {self.constant(frozenset(value))}")
            elif op == "not_in":
                tests.append(f"{v} not in {self.constant(frozenset(value))}")
            elif op == "range":
                low = value[0] if value[0] is not None else -(10**9)
                high = value[1] if value[1] is not None else 10**9
                tests.append(f"({v} is not None and {self.constant(low)} <= {v} <= {self.constant(high)})")
            elif op == "bool":
                tests.append(f"{v} is True" if value else f"{v} is not True")
            elif op == "missing":
                tests.append(f"{v} is None" if value else f"{v} is not None")
        test = " and ".join(tests) or "True"
        if spec.get("or_missing", False):
            return f"({v} is None or ({test}))"
        return f"({test})"

    def when(self, when: dict) -> str:
        parts = []
        for key, spec in when.items():
            if key == "any":
                parts.append("(" + " or ".join(self.when(w) for w in spec) + ")")
            elif key == "all":
                parts.append("(" + " and ".join(self.when(w) for w in spec) + ")")
            elif key == "not":
                parts.append(f"(not {self.when(spec)})")
            else:
                parts.append(self.field(key, spec))
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def function(self, name: str, body: list[str]):
        """`def name(situation)` reading each field once, then `body`."""
        reads = [f"    {v} = get({self.constant(f)})" for f, v in self.fields.items()]
        source = "\n".join([f"def {name}(situation):", "    get = situation.get", *reads, *body]) + "\n"
        namespace = dict(self.constants)
        exec(compile(source, f"<règles d'aiguillage: {name}>", "exec"), namespace)  # noqa: S102
        return namespace[name]


def compile_when(when):
    """One predicate `situation -> bool` for a `when` object."""
    source = _Source()
    expression = source.when(when)
    return source.function("test", [f"    return bool({expression})"])


def compile_matcher(whens: list[dict]):
    """One function `situation -> [indices of the rules that hold]` for a whole table: every field is
    read once, every condition is plain Python comparisons (no call per rule or per operator)."""
    source = _Source()
    body = ["    found = []", "    add = found.append"]
    for index, when in enumerate(whens):
        body.append(f"    if {source.when(when) if when else 'True'}:")
        body.append(f"        add({index})")
    body.append("    return found")
    return source.function("matching", body)


@dataclass(frozen=True)
class CompiledRule:
    id: str
    order: int
    test: object
    network: str | None
    score: int
    reason: str
    source: str


@dataclass
class CompiledRuleSet:
    data: dict
    rules: list[CompiledRule]
    matching: object = None  # situation → indices of the rules that hold (compile_matcher)
    networks: dict = field(default_factory=dict)
    need_map: dict = field(default_factory=dict)
    first_level: dict = field(default_factory=dict)
    already_there: str = ""
    metier_secteurs: dict = field(default_factory=dict)
    cep_by_day: dict = field(default_factory=dict)  # day → regional CEP operator (engine.cep_operator)
    # Networks whose remote entries may be the first door of a person who prefers a remote mode.
    remote_first_doors: tuple = ()

    def secteur_of(self, metier: str) -> str | None:
        """The secteur of a ROME code by the longest prefix of `metier_secteurs` ("D1102" → "D11")."""
        for length in range(len(metier), 0, -1):
            secteur = self.metier_secteurs.get(metier[:length])
            if secteur:
                return secteur
        return None


def compile_rules(data: dict) -> CompiledRuleSet:
    errors = validate(data)
    if errors:
        raise RuleSetError(errors)
    rules = [
        CompiledRule(
            id=r["id"],
            order=i,
            test=compile_when(r.get("when", {})) if r.get("when") else (lambda s: True),
            network=None if r.get("no_second_door") else r["network"],
            score=r["score"],
            reason=r.get("reason", ""),
            source=r["source"],
        )
        for i, r in enumerate(data["rules"])
    ]
    return CompiledRuleSet(
        data=data,
        rules=rules,
        matching=compile_matcher([r.get("when") or {} for r in data["rules"]]),
        networks=data["networks"],
        need_map=data.get("need_map", {}),
        first_level=data.get("first_level", {}),
        already_there=data.get("already_there", ""),
        metier_secteurs=data.get("metier_secteurs", {}),
        remote_first_doors=tuple(
            sorted(code for code, info in data["networks"].items() if info.get("remote_first_door"))
        ),
    )
