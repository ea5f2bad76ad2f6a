"""`spro politique-labels verifier|publier|exporter|historique`: like `spro regles-aiguillage`."""

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from spro.labels.models import LabelPolicy
from spro.labels.policy import shipped_policy

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("politique-labels", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def policy_file(tmp_path):
    def write(document, name="politique.json"):
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_verifier_accepts_a_valid_policy_without_publishing_it(settings, policy_file):
    settings.SPRO_REGION = "84"
    output = run("verifier", policy_file(shipped_policy("84")))
    assert output.startswith("Politique valide : Labellisation SPRO Auvergne-Rhône-Alpes, 1 volet(s)")
    assert not LabelPolicy.objects.exists()


def test_publier_makes_a_new_version_in_force_and_keeps_the_previous(settings, policy_file):
    settings.SPRO_REGION = "76"
    document = shipped_policy("76")
    run("publier", policy_file(document), "--commentaire", "Version livrée")
    document["name"] = "Label Occitanie Orientation 2027"
    assert "Version 2 publiée" in run("publier", policy_file(document))
    versions = list(LabelPolicy.objects.filter(region_code="76").values_list("version", "is_active"))
    assert versions == [(2, True), (1, False)]
    assert json.loads(run("exporter"))["name"] == "Label Occitanie Orientation 2027"
    assert json.loads(run("exporter", "--numero", "1"))["name"] == "Label Occitanie Orientation"
    history = run("historique").splitlines()
    assert history[0].startswith("v2 — ") and "en vigueur" in history[0]
    assert "archivée" in history[1] and history[1].endswith("Version livrée")


def test_exporter_prints_the_shipped_policy_of_spro_region_when_none_was_published(settings):
    settings.SPRO_REGION = "52"
    assert json.loads(run("exporter")) == shipped_policy("52")


def test_a_policy_of_another_region_is_refused(settings, policy_file):
    settings.SPRO_REGION = "76"
    with pytest.raises(CommandError) as raised:
        run("publier", policy_file(shipped_policy("84")))
    assert raised.value.returncode == 2
    assert "celle de la Région 84" in str(raised.value)
    assert not LabelPolicy.objects.exists()


def test_an_invalid_file_gets_french_messages_on_stderr_and_exit_code_2(tmp_path):
    document = shipped_policy("76")
    document["validity"]["tacit_renewals"] = "deux"
    document["volets"] = []
    path = tmp_path / "politique.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "spro", "politique-labels", "verifier", str(path), "--region", "76"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Politique invalide" in done.stderr
    assert "« volets » doit lister au moins un volet." in done.stderr
    assert "validity.tacit_renewals doit être un entier entre 0 et 10." in done.stderr


def test_a_file_that_is_not_json_is_refused_in_french(tmp_path):
    path = tmp_path / "politique.json"
    path.write_text("{ pas du json", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run("verifier", str(path))
    assert raised.value.returncode == 2
    assert "JSON" in str(raised.value)
