"""The aiguillage engine: a situation in, the second-door networks (best first, each with why) out.

The rules are data (`ruleset.py`, `rules/default.json`, or the active `RuleSet` of the configured
Région); they are compiled once per process and per rule-set version, then evaluated in pure Python,
so that thousands of situations take well under a second. `lieux` are looked up only when a commune
is given (`places.py`).
"""

import datetime
import threading
from dataclasses import dataclass, field

from django.conf import settings

from spro.routing.profiles import CEP_NETWORK, shipped_regions, shipped_rules
from spro.routing.ruleset import MAX_NETWORKS, CompiledRuleSet, compile_rules
from spro.routing.situation import SituationError, parse_situation


@dataclass
class Recommendation:
    code: str
    label: str
    reason: str
    source: str
    rule: str
    operator: str = ""  # the regional CEP operator in force on the day (cep-actifs only)

    def as_dict(self) -> dict:
        data = {"code": self.code, "libelle": self.label, "raison": self.reason, "source": self.source}
        if self.operator:
            data["operateur"] = self.operator
        return data


@dataclass
class Answer:
    situation: dict
    networks: list[Recommendation]
    places: list[dict] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # ids of the rules that decided
    first_level: dict = field(default_factory=dict)  # {text, links}: the first-level answer
    # A remote entry (phone line, website) proposed as the first door, when the person prefers a remote
    # mode and the Région's rules let that network be one (`remote_first_door`); a `lieux` item.
    first_door: dict | None = None

    @property
    def needs_second_door(self) -> bool:
        return bool(self.networks)

    @property
    def first_level_text(self) -> str:
        """The French first-level answer. Without a second door: what the person can do by themselves
        (the table's first-level text and its resources); with one: the resources to read before going."""
        links = " ; ".join(f"{link['title']} ({link['url']})" for link in self.first_level.get("links", []))
        if self.networks:
            if not links:
                return ""
            return f"Avant de contacter {self.networks[0].label}, vous pouvez déjà consulter : {links}."
        text = self.first_level.get("text", "").strip()
        if links:
            text = f"{text} Ressources : {links}."
        return text

    def as_dict(self) -> dict:
        data = {
            "reseaux": [n.as_dict() for n in self.networks],
            "lieux": self.places,
            "premier_niveau": self.first_level_text,
        }
        if self.first_door is not None:
            data["premiere_porte"] = self.first_door
        return data


class Engine:
    def __init__(self, compiled: CompiledRuleSet, labels: dict[str, str], version: str):
        self.compiled = compiled
        self.version = version
        self.labels = {code: info["label"] for code, info in compiled.networks.items()}
        self.labels.update(labels)
        self.network_codes = frozenset(self.labels)

    # -- reading --------------------------------------------------------------------------------------
    def parse(self, data) -> dict:
        return parse_situation(data, self.network_codes)

    def network_info(self, code: str) -> dict:
        return self.compiled.networks.get(code, {})

    def first_level(self, besoin: str | None) -> dict:
        info = self.compiled.first_level
        return info.get(besoin or "") or info.get("default") or {}

    def cep_operator(self, day: datetime.date | None = None) -> dict | None:
        """The regional CEP operator in force on `day` (today by default), looked up once per day."""
        from spro.routing.profiles import cep_operator

        day = day or datetime.date.today()
        cached = self.compiled.cep_by_day
        if day not in cached:
            if len(cached) > 1000:
                cached.clear()
            cached[day] = cep_operator(self.compiled.data, day)
        return cached[day]

    # -- deciding -------------------------------------------------------------------------------------
    def facts(self, situation: dict) -> dict:
        """What the rules test: the situation, plus what its métier tells (grand domaine, domaine, and
        the secteur when the person did not give one, by the table's `metier_secteurs`)."""
        metier = situation.get("metier")
        if not metier:
            return situation
        facts = dict(situation, metier_grand_domaine=metier[0], metier_domaine=metier[:3])
        if "secteur" not in facts:
            secteur = self.compiled.secteur_of(metier)
            if secteur:
                facts["secteur"] = secteur
        return facts

    def evaluate(self, situation: dict) -> Answer:
        """Rank the networks for an already parsed situation (see `parse`)."""
        best = {}
        stop = None
        rules = self.compiled.rules
        for index in self.compiled.matching(self.facts(situation)):
            rule = rules[index]
            if rule.network is None:
                if stop is None or rule.score > stop.score:
                    stop = rule
                continue
            current = best.get(rule.network)
            if current is None or rule.score > current.score:
                best[rule.network] = rule
        ranked = sorted(best.values(), key=lambda r: (-r.score, r.order))
        first_level = self.first_level(situation.get("besoin"))
        if not ranked or (stop is not None and stop.score >= ranked[0].score):
            return Answer(situation, [], rules=[stop.id] if stop else [], first_level=first_level)
        first_door = situation.get("premiere_porte")
        if first_door:
            # Two doors at most: the first door is never proposed again as an alternative; when it is the
            # best second door itself, the person stays there (see already_there in the rule data).
            ranked = [r for i, r in enumerate(ranked) if i == 0 or r.network != first_door]
        ranked = ranked[:MAX_NETWORKS]
        networks = []
        for i, rule in enumerate(ranked):
            label = self.labels.get(rule.network, rule.network)
            reason = rule.reason
            if "{" in reason:
                reason = reason.format(network=label, age=situation.get("age", ""))
            if i == 0 and rule.network == first_door and self.compiled.already_there:
                reason = f"{reason} {self.compiled.already_there}"
            operator = ""
            if rule.network == CEP_NETWORK and self.compiled.data.get("cep_operators"):
                found = self.cep_operator()
                if found:
                    operator = found["name"]
                    reason = f"{reason} Opérateur en vigueur aujourd'hui : {operator}."
            networks.append(Recommendation(rule.network, label, reason, rule.source, rule.id, operator))
        return Answer(situation, networks, rules=[r.id for r in ranked], first_level=first_level)

    def route(self, data, places=None) -> Answer:
        """Parse then evaluate one situation; `places` (a `PlaceFinder`) adds the nearest sites."""
        situation = self.parse(data)
        answer = self.evaluate(situation)
        if places is not None and situation.get("commune"):
            answer.places = places.find(
                situation["commune"],
                [n.code for n in answer.networks],
                situation.get("besoin"),
                self.compiled.need_map,
                remote=bool(situation.get("a_distance")),
            )
        if places is not None:
            answer.first_door = self.remote_first_door(situation, places)
        return answer

    def remote_first_door(self, situation: dict, places) -> dict | None:
        """The remote entry proposed as first door: only to a person who prefers a remote mode, only
        when the Région's rules name networks whose remote entries are first doors (`remote_first_door`),
        serving the person's commune (the Région's own territory when no commune is given)."""
        codes = self.compiled.remote_first_doors
        if not codes or not situation.get("a_distance"):
            return None
        region = self.compiled.data.get("region") or settings.SPRO_REGION
        found = places.remote_first_doors(situation.get("commune"), region, codes)
        return found[0] if found else None

    def route_many(self, items: list, places=None) -> list[Answer]:
        """Every situation of a list; the first bad one raises `SituationError` carrying its index."""
        parsed = []
        for index, data in enumerate(items):
            try:
                parsed.append(self.parse(data))
            except SituationError as error:
                raise error.at(index) from None
        answers = [self.evaluate(s) for s in parsed]
        if places is not None:
            for index, answer in enumerate(answers):
                situation = answer.situation
                if situation.get("commune"):
                    try:
                        answer.places = places.find(
                            situation["commune"],
                            [n.code for n in answer.networks],
                            situation.get("besoin"),
                            self.compiled.need_map,
                            remote=bool(situation.get("a_distance")),
                        )
                    except SituationError as error:
                        raise error.at(index) from None
                answer.first_door = self.remote_first_door(situation, places)
        return answers


# --- rules compiled once per process and per rule-set version ------------------------------------------

_lock = threading.Lock()
_compiled: dict[str, CompiledRuleSet] = {}


def _network_labels() -> dict[str, str]:
    from spro.directory.models import Network

    return dict(Network.objects.filter(is_active=True).values_list("code", "label"))


def get_engine(region_code: str | None = None) -> Engine:
    """The engine of the Région's active rule set, or of the rules shipped for the Région (the default
    table changed by its profile, `profiles.py`; the default table alone for a Région without one).

    Two small queries per call (the active version, the network labels of the directory, so that a
    renamed network shows at once); the rules themselves are compiled once per version.
    """
    from spro.routing.models import RuleSet

    region_code = region_code or settings.SPRO_REGION
    active = (
        RuleSet.objects.filter(region_code=region_code, is_active=True)
        .values_list("pk", "version", "created_at")
        .first()
    )
    # The creation time guards against a reused id (SQLite after a rollback) mapping to other rules.
    key = f"{region_code}:v{active[1]}#{active[0]}@{active[2].timestamp()}" if active else "default"
    if not active and region_code in shipped_regions():
        key = f"livre-{region_code}"
    compiled = _compiled.get(key)
    if compiled is None:
        with _lock:
            rules = RuleSet.objects.get(pk=active[0]).rules if active else shipped_rules(region_code)
            compiled = _compiled[key] = compile_rules(rules)
    return Engine(compiled, _network_labels(), key)


def clear_cache():
    _compiled.clear()
