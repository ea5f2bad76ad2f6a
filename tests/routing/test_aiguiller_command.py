"""`spro aiguiller`: JSON situations on standard input, JSON answers on standard output."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.routing.factories import site

ROOT = Path(__file__).resolve().parents[2]


class Pipe:
    """Stand-in for sys.stdin / sys.stdout with a binary buffer, as the command uses."""

    def __init__(self, data: bytes = b""):
        self.buffer = io.BytesIO(data)


def run(monkeypatch, stdin: bytes):
    out, err = Pipe(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", Pipe(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = 0
    try:
        call_command("aiguiller")
    except SystemExit as exit_:
        code = exit_.code
    return code, out.buffer.getvalue().decode("utf-8"), err.getvalue()


@pytest.mark.django_db
def test_an_object_gives_an_object(monkeypatch):
    code, out, err = run(
        monkeypatch, b'{"age": 45, "statut": "demandeur-emploi", "besoin": "trouver-emploi"}'
    )
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert answer["reseaux"][0]["code"] == "france-travail"
    assert answer["reseaux"][0]["raison"].startswith("Vous êtes demandeur d'emploi")
    assert answer["lieux"] == []
    assert "é" in out  # UTF-8, not \u00e9 escapes


@pytest.mark.django_db
def test_an_array_gives_an_array_in_the_same_order(monkeypatch):
    situations = [{"statut": "eleve"}, {"besoin": "documentation"}, {"statut": "etudiant"}, {}]
    code, out, _ = run(monkeypatch, json.dumps(situations).encode())
    assert code == 0
    answers = json.loads(out)
    assert [a["reseaux"][0]["code"] if a["reseaux"] else None for a in answers] == ["cio", None, "suio", None]


@pytest.mark.django_db
def test_it_adds_the_nearest_sites_when_a_commune_is_given(monkeypatch):
    near = site("cio", needs=["orientation-scolaire"], offset_km=1)
    code, out, _ = run(
        monkeypatch, b'{"statut": "eleve", "besoin": "orientation-etudes", "commune": "31555"}'
    )
    assert code == 0
    assert [p["id"] for p in json.loads(out)["lieux"]] == [near.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stdin, message",
    [
        (b'{"age": ', "Erreur : JSON invalide (ligne 1, colonne 9) : valeur attendue."),
        (
            b'"eleve"',
            "Erreur : l'entrée doit être un objet JSON (une situation) ou un tableau de situations.",
        ),
        (b'{"statut": "chomeur"}', "Erreur : Champ « statut » : valeur « chomeur » inconnue."),
        (b'[{}, {"age": "17"}]', "Erreur : Situation d'indice 1 (n° 2) — Champ « age » : un nombre entier"),
        (b'[{}, {"commune": "99999"}]', "Erreur : Situation d'indice 1 (n° 2) — Champ « commune » : commune"),
        ('{"age": 17}'.encode("utf-16"), "Erreur : l'entrée standard n'est pas du texte UTF-8."),
    ],
)
def test_bad_input_exits_with_2_a_french_message_and_nothing_on_stdout(monkeypatch, stdin, message):
    code, out, err = run(monkeypatch, stdin)
    assert code == 2
    assert out == ""
    assert err.startswith(message)


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host = settings.get("USER") or "root", settings.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def spro(stdin: bytes):
    env = {**os.environ, "DATABASE_URL": database_url()}
    return subprocess.run(
        [sys.executable, "-m", "spro", "aiguiller"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


@pytest.mark.django_db
def test_the_console_command_answers_through_real_pipes():
    result = spro(
        json.dumps([{"age": 20, "statut": "sans-activite", "besoin": "trouver-emploi"}] * 3).encode()
    )
    assert result.returncode == 0, result.stderr.decode()
    answers = json.loads(result.stdout.decode("utf-8"))
    assert [a["reseaux"][0]["code"] for a in answers] == ["mission-locale"] * 3


@pytest.mark.django_db
def test_the_console_command_exits_with_2_and_prints_nothing_on_bad_input():
    result = spro(b'[{"statut": "eleve"}, {"besoin": "chomage"}]')
    assert result.returncode == 2
    assert result.stdout == b""
    assert "Situation d'indice 1 (n° 2) — Champ « besoin » : valeur « chomage » inconnue." in (
        result.stderr.decode("utf-8")
    )
