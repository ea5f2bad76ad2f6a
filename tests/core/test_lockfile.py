"""The production lock file (requirements/production.txt, written by `make lock`) stays in step with
pyproject.toml: a production install (`pip install --require-hashes -r requirements/production.txt`)
gets exactly the dependencies spro declares, each pinned and checked by its hash.

Read from the files alone (no network): the lock's `# via` notes say why each package is there."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "production.txt"
OURSELVES = "spro (pyproject.toml)"
BUILD = "-r requirements/build.in"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _declared() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, _pyproject()["project"]["dependencies"])}


def _build_requirements(text: str) -> set[str]:
    return {str(Requirement(line)) for line in text.splitlines() if line and not line.startswith("#")}


def _locked() -> dict[str, dict]:
    """name -> {"version", "hashes", "via"} from the lock file."""
    entries: dict[str, dict] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        text = line.strip().rstrip("\\").strip()
        if not text or text.startswith("# This file") or text == "#    make lock":
            continue
        if not line.startswith((" ", "#")):
            pin = re.fullmatch(r"([A-Za-z0-9._-]+)==([^ ;]+)(?: ;.*)?", text)
            assert pin, f"ligne du fichier de verrouillage non épinglée : {line!r}"
            current = entries.setdefault(
                canonicalize_name(pin[1]), {"version": pin[2], "hashes": [], "via": set()}
            )
        elif text.startswith("--hash="):
            current["hashes"].append(text.removeprefix("--hash="))
        elif text.startswith("# via"):
            if text != "# via":
                current["via"].add(text.removeprefix("# via").strip())
        elif text.startswith("#   "):
            current["via"].add(text.removeprefix("#").strip())
    return entries


def test_every_declared_dependency_is_locked_at_a_version_pyproject_allows():
    locked = _locked()
    for name, requirement in _declared().items():
        assert name in locked, f"{name} est dans pyproject.toml mais pas dans le verrou : lancez make lock"
        assert requirement.specifier.contains(locked[name]["version"], prereleases=True), (
            f"{name}=={locked[name]['version']} ne respecte pas « {requirement} » : lancez make lock"
        )
        assert OURSELVES in locked[name]["via"]


def test_what_builds_spro_is_locked_too_so_the_install_of_spro_itself_fetches_nothing():
    build = (ROOT / "requirements" / "build.in").read_text()
    assert _build_requirements(build) == set(_pyproject()["build-system"]["requires"])
    locked = _locked()
    for requirement in map(Requirement, _pyproject()["build-system"]["requires"]):
        entry = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(entry["version"]) and BUILD in entry["via"]


def test_nothing_is_locked_that_spro_no_longer_needs():
    declared, locked = _declared(), _locked()
    for name, entry in locked.items():
        if OURSELVES in entry["via"]:
            assert name in declared, f"{name} n'est plus dans pyproject.toml : lancez make lock"
        # Every other package is there for a locked package that needs it, or to build spro.
        needed_by = {canonicalize_name(v) for v in entry["via"] - {OURSELVES, BUILD}}
        assert entry["via"] and needed_by <= set(locked), f"{name} : requis par {entry['via']}"


def test_every_locked_package_is_checked_by_a_sha256_hash():
    for name, entry in _locked().items():
        assert entry["hashes"], f"{name} sans empreinte"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in entry["hashes"]), name


def test_the_readme_production_install_uses_the_lock_with_hashes():
    readme = (ROOT / "README.md").read_text()
    assert "pip install --require-hashes -r requirements/production.txt" in readme
    assert "pip install --no-deps --no-build-isolation ." in readme
