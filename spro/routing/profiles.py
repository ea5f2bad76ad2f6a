"""Rule profiles per Région: the changes a Région's own texts make to the default rule table.

A profile (`rules/profiles/<region>.json`) is a list of changes applied to `rules/default.json`, each
citing the seed text (file and section) it comes from:

  {"format": 1, "region": "24", "name": "Centre-Val de Loire", "sources": {...},
   "cep_operators": [{"from": "2020-01-01", "to": "2023-12-31", "name": "…", "source": "…"}, …],
   "changes": [{"op": "…", …, "source": "…"}, …]}

Ops: `add_rule` (`rule`, optional `before`: the id it goes before), `remove_rule` (`id`), `rescore`
(`id`, `score`), `set_reason` (`id`, `reason`), `set_network` (`code`, any of `label`, `bring`, `more`,
`phone`, `website`, `remote_first_door`: adds or updates a network; `remote_first_door: true` lets the
remote entries of the network — its phone line, its website — be the first door proposed to a person
who prefers a remote mode), `add_first_level_links` (`need` or "default", `links`),
`set_first_level_text` (`need`, `text`). Every change needs a `source`; `note` says why, in French.

`shipped_rules(region)` is the table a Région gets on its first day (default + profile), checked by
`ruleset.validate` like any published table. Broken profiles raise `RuleSetError` (French messages).
"""

import copy
import datetime
import json
from functools import cache
from pathlib import Path

from spro.routing.ruleset import RuleSetError, default_rules, validate

PROFILES_DIR = Path(__file__).parent / "rules" / "profiles"
OPS = {
    "add_rule",
    "remove_rule",
    "rescore",
    "set_reason",
    "set_network",
    "add_first_level_links",
    "set_first_level_text",
}
PROFILE_KEYS = {"format", "region", "name", "description", "sources", "cep_operators", "changes"}
NETWORK_KEYS = {"label", "bring", "more", "phone", "website", "remote_first_door"}
NETWORK_KEY_LABELS = {"remote_first_door": "ses services à distance sont une première porte"}
CEP_NETWORK = "cep-actifs"


@cache
def shipped_regions() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in PROFILES_DIR.glob("*.json")))


def _read(region_code: str) -> dict | None:
    path = PROFILES_DIR / f"{region_code}.json"
    if not region_code.isalnum() or not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RuleSetError([f"profil {path.name} : JSON invalide (ligne {error.lineno})."]) from None


@cache
def _profile(region_code: str) -> dict | None:
    return _read(region_code)


def profile(region_code: str) -> dict | None:
    """A fresh copy of the profile shipped for the Région, or None when spro ships none."""
    found = _profile(region_code)
    return copy.deepcopy(found) if found is not None else None


def _links_problem(links) -> bool:
    return not isinstance(links, list) or not all(
        isinstance(link, dict)
        and isinstance(link.get("title"), str)
        and isinstance(link.get("url"), str)
        and link["url"].startswith(("https://", "http://", "tel:"))
        for link in links
    )


def _check_operators(operators, errors):
    if not isinstance(operators, list):
        errors.append("« cep_operators » doit être une liste de périodes.")
        return
    periods = []
    for i, entry in enumerate(operators):
        where = f"Opérateur CEP n° {i + 1}"
        if not isinstance(entry, dict):
            errors.append(f"{where} : un objet est attendu.")
            continue
        for key in ("name", "source"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                errors.append(f"{where} : « {key} » est obligatoire.")
        try:
            start = datetime.date.fromisoformat(entry.get("from", ""))
            end = datetime.date.fromisoformat(entry.get("to", ""))
        except (TypeError, ValueError):
            errors.append(f"{where} : « from » et « to » doivent être des dates AAAA-MM-JJ.")
            continue
        if end < start:
            errors.append(f"{where} : la fin du marché précède son début.")
        periods.append((start, end, i + 1))
    periods.sort()
    for (_, end, n), (start, _, m) in zip(periods, periods[1:], strict=False):
        if start <= end:
            errors.append(f"Opérateurs CEP n° {n} et n° {m} : les périodes se chevauchent.")


def apply(profile_data: dict, base: dict | None = None) -> dict:
    """The default table (or `base`) changed by the profile; raises RuleSetError listing every problem."""
    errors = []
    if not isinstance(profile_data, dict):
        raise RuleSetError(["le profil doit être un objet JSON."])
    for key in sorted(set(profile_data) - PROFILE_KEYS):
        errors.append(f"clé « {key} » inconnue dans le profil.")
    if profile_data.get("format") != 1:
        errors.append("« format » du profil doit valoir 1.")
    region = profile_data.get("region")
    if not isinstance(region, str) or not region:
        errors.append("« region » (code INSEE de la Région) est obligatoire.")
    _check_operators(profile_data.get("cep_operators", []), errors)
    rules = copy.deepcopy(base if base is not None else default_rules())
    rules["region"] = region
    if profile_data.get("name"):
        rules["description"] = f"{rules.get('description', '')} Profil : {profile_data['name']}.".strip()
    changes = profile_data.get("changes")
    if not isinstance(changes, list) or not changes:
        errors.append("« changes » doit être une liste non vide de changements.")
        changes = []
    for i, change in enumerate(changes):
        where = f"Changement n° {i + 1}"
        if not isinstance(change, dict):
            errors.append(f"{where} : un objet est attendu.")
            continue
        op = change.get("op")
        where = f"{where} ({op})"
        if op not in OPS:
            errors.append(f"{where} : opération inconnue (possibles : {', '.join(sorted(OPS))}).")
            continue
        if not isinstance(change.get("source"), str) or not change["source"].strip():
            errors.append(f"{where} : la source (texte de la Région, fichier et section) est obligatoire.")
        _apply_one(rules, op, change, where, errors)
    if profile_data.get("cep_operators"):
        rules["cep_operators"] = profile_data["cep_operators"]
    if not errors:
        errors = [f"après application du profil : {e}" for e in validate(rules)]
    if errors:
        raise RuleSetError(errors)
    return rules


def _rule_index(rules, rule_id, where, errors):
    for index, rule in enumerate(rules["rules"]):
        if rule.get("id") == rule_id:
            return index
    errors.append(f"{where} : règle « {rule_id} » introuvable.")
    return None


def _apply_one(rules, op, change, where, errors):
    if op == "add_rule":
        rule = change.get("rule")
        if not isinstance(rule, dict):
            errors.append(f"{where} : « rule » doit être une règle (objet).")
            return
        if any(r.get("id") == rule.get("id") for r in rules["rules"]):
            errors.append(f"{where} : la règle « {rule.get('id')} » existe déjà.")
            return
        position = len(rules["rules"])
        if change.get("before"):
            position = _rule_index(rules, change["before"], where, errors)
            if position is None:
                return
        rules["rules"].insert(position, copy.deepcopy(rule))
    elif op in ("remove_rule", "rescore", "set_reason"):
        index = _rule_index(rules, change.get("id"), where, errors)
        if index is None:
            return
        if op == "remove_rule":
            del rules["rules"][index]
        elif op == "rescore":
            score = change.get("score")
            if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 1000:
                errors.append(f"{where} : « score » doit être un entier entre 0 et 1000.")
                return
            rules["rules"][index]["score"] = score
        else:
            reason = change.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                errors.append(f"{where} : « reason » doit être une phrase en français.")
                return
            rules["rules"][index]["reason"] = reason
    elif op == "set_network":
        code = change.get("code")
        values = {k: v for k, v in change.items() if k in NETWORK_KEYS}
        if not isinstance(code, str) or not code:
            errors.append(f"{where} : « code » du réseau est obligatoire.")
            return
        if not values:
            errors.append(f"{where} : rien à changer (label, bring, more, phone, website).")
            return
        if "remote_first_door" in values and not isinstance(values["remote_first_door"], bool):
            errors.append(f"{where} : « remote_first_door » vaut true ou false.")
            return
        if "more" in values and _links_problem(values["more"]):
            errors.append(f"{where} : « more » doit lister des liens {{title, url}}.")
            return
        network = rules["networks"].setdefault(code, {"bring": [], "more": []})
        network.update(copy.deepcopy(values))
    else:
        need = change.get("need", "default")
        entry = rules.setdefault("first_level", {}).get(need)
        if entry is None:
            entry = copy.deepcopy(rules["first_level"].get("default", {"text": "", "links": []}))
            rules["first_level"][need] = entry
        if op == "add_first_level_links":
            links = change.get("links")
            if _links_problem(links) or not links:
                errors.append(f"{where} : « links » doit lister des liens {{title, url}}.")
                return
            entry["links"] = copy.deepcopy(links) + [
                link for link in entry.get("links", []) if link not in links
            ]
        else:
            text = change.get("text")
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{where} : « text » doit être un texte en français.")
                return
            entry["text"] = text


@cache
def _shipped(region_code: str) -> str | None:
    found = _profile(region_code)
    return json.dumps(apply(found), ensure_ascii=False) if found is not None else None


def shipped_rules(region_code: str) -> dict:
    """The rules spro ships for the Région: the default table changed by the Région's profile."""
    text = _shipped(region_code)
    return json.loads(text) if text is not None else copy.deepcopy(default_rules())


def cep_operator(rules: dict, day: datetime.date | None = None) -> dict | None:
    """The regional CEP operator (for employees) in force on `day`, by the table's contract periods."""
    day = day or datetime.date.today()
    for entry in rules.get("cep_operators", []):
        if datetime.date.fromisoformat(entry["from"]) <= day <= datetime.date.fromisoformat(entry["to"]):
            return entry
    return None


# --- the difference, in French -------------------------------------------------------------------------


def describe(profile_data: dict) -> list[str]:
    """One French sentence per change of the profile, with its source (for `difference`)."""
    default = default_rules()
    by_id = {r["id"]: r for r in default["rules"]}
    lines = []
    for change in profile_data.get("changes", []):
        op = change["op"]
        if op == "add_rule":
            rule = change["rule"]
            target = (
                "aucune deuxième porte" if rule.get("no_second_door") else f"réseau « {rule.get('network')} »"
            )
            text = f"Règle ajoutée « {rule['id']} » ({target}, score {rule['score']})"
        elif op == "remove_rule":
            old = by_id.get(change["id"], {})
            text = f"Règle retirée « {change['id']} » (réseau « {old.get('network', '—')} »)"
        elif op == "rescore":
            old = by_id.get(change["id"], {}).get("score", "—")
            text = f"Règle « {change['id']} » : score {old} → {change['score']}"
        elif op == "set_reason":
            text = f"Règle « {change['id']} » : nouvelle raison « {change['reason']} »"
        elif op == "set_network":
            known = change["code"] in default["networks"]
            what = ", ".join(
                f"{k} = {v}" if isinstance(v, str) else NETWORK_KEY_LABELS.get(k, k)
                for k, v in change.items()
                if k in NETWORK_KEYS and v is not False
            )
            text = f"Réseau {'modifié' if known else 'ajouté'} « {change['code']} » : {what}"
        elif op == "add_first_level_links":
            titles = ", ".join(link["title"] for link in change["links"])
            text = f"Premier niveau ({change.get('need', 'default')}) : liens ajoutés — {titles}"
        else:
            text = f"Premier niveau ({change.get('need', 'default')}) : texte remplacé"
        if change.get("note"):
            text += f". {change['note']}"
        lines.append(f"- {text} [source : {change['source']}]")
    for entry in profile_data.get("cep_operators", []):
        lines.append(
            f"- Opérateur régional du CEP du {entry['from']} au {entry['to']} : {entry['name']} "
            f"[source : {entry['source']}]"
        )
    return lines
