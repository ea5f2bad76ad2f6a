"""`spro regles-aiguillage`: check, publish, export, list, go back to the default rules."""

import json

import pytest
from django.core.management import CommandError, call_command

from spro.routing.models import RuleSet
from spro.routing.ruleset import default_rules

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("regles-aiguillage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def rules_file(tmp_path):
    path = tmp_path / "regles.json"
    path.write_text(json.dumps(default_rules(), ensure_ascii=False), encoding="utf-8")
    return path


def test_it_checks_a_valid_file(rules_file):
    assert run("verifier", str(rules_file)).startswith("Règles valides :")


def test_it_lists_every_problem_of_an_invalid_file_in_french(tmp_path):
    broken = default_rules() | {"format": 2}
    path = tmp_path / "faux.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("verifier", str(path))
    assert "« format » doit valoir 1." in str(caught.value)
    assert caught.value.returncode == 2


def test_it_publishes_a_new_version_each_time_and_lists_them(rules_file, settings):
    settings.SPRO_REGION = "28"
    assert run("publier", str(rules_file), "--commentaire", "premier essai").startswith("Version 1 publiée")
    assert run("publier", str(rules_file)).startswith("Version 2 publiée")
    history = run("historique")
    assert "v2 — " in history and "en vigueur" in history
    assert "v1 — " in history and "archivée" in history and "premier essai" in history
    assert RuleSet.objects.filter(region_code="28", is_active=True).get().version == 2


def test_it_exports_the_rules_in_force(rules_file, settings):
    settings.SPRO_REGION = "28"
    assert json.loads(run("exporter")) == default_rules()
    run("publier", str(rules_file))
    assert json.loads(run("exporter", "--numero", "1")) == default_rules()


def test_it_goes_back_to_the_default_rules(rules_file, settings):
    settings.SPRO_REGION = "28"
    run("publier", str(rules_file))
    assert run("regles-par-defaut").startswith("Les règles par défaut s'appliquent de nouveau.")
    assert not RuleSet.objects.filter(is_active=True).exists()


def test_it_explains_an_unreadable_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON invalide"):
        run("verifier", str(path))
    with pytest.raises(CommandError, match="Fichier illisible"):
        run("verifier", str(tmp_path / "absent.json"))
