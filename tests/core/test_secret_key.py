"""Production refuses to start with no secret key or with the public development key; development keeps
its key of convenience. Each case imports the settings in a fresh interpreter, as `spro` or gunicorn do."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_KEY = "django-insecure-spro-dev-key-do-not-use-in-production"
REAL_KEY = "Xk3-production-like-secret-key-with-enough-randomness-9fQ2pLs7Vb1"


def start(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(SPRO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="spro.settings", **variables)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_without_a_key_when_debug_is_off(tmp_path):
    for debug in ("0", ""):
        result = start(tmp_path, DEBUG=debug)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY doit être défini" in result.stderr


def test_it_refuses_the_public_development_key_when_debug_is_off(tmp_path):
    for key in (DEVELOPMENT_KEY, "django-insecure-une-autre-cle-generee-par-startproject"):
        result = start(tmp_path, DEBUG="0", SECRET_KEY=key)
        assert result.returncode != 0
        assert "clé de développement" in result.stderr


def test_the_former_escape_variable_no_longer_allows_the_development_key(tmp_path):
    result = start(tmp_path, DEBUG="0", SPRO_REQUIRE_SECRET_KEY="0")
    assert result.returncode != 0


def test_it_starts_with_a_real_key_in_production(tmp_path):
    result = start(tmp_path, DEBUG="0", SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == REAL_KEY


def test_development_keeps_its_key_of_convenience(tmp_path):
    result = start(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DEVELOPMENT_KEY
