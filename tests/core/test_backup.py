"""`spro backup` / `spro restore`: back up, wipe, restore, and every record is back.

Runs the real commands in subprocesses against a database of its own (a SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL), never against the test database.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest
from django.db import connection

SNAPSHOT = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: sorted(str(pk) for pk in m.objects.values_list("pk", flat=True))
                  for m in apps.get_models()}))
"""

FILL = """
from spro.accounts.models import User
from spro.territories.models import Region, Departement, Commune
User.objects.create_user("agent@region.test", "mot-de-passe-solide-42", first_name="Agnès")
r = Region.objects.create(code="76", name="Occitanie")
d = Departement.objects.create(code="31", name="Haute-Garonne", region=r)
Commune.objects.create(code="31555", name="Toulouse", search_name="toulouse", departement=d, region=r,
                       population=504078, postal_codes="31000", latitude=43.6, longitude=1.44)
"""


def spro(env, *args, stdin=None):
    result = subprocess.run(
        [sys.executable, "-m", "spro", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def snapshot(env):
    return json.loads(spro(env, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])


@pytest.fixture
def database_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DEBUG"] = ""
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump est absent : la sauvegarde PostgreSQL ne peut pas être testée ici.")
        import psycopg

        name = f"spro_backup_{uuid.uuid4().hex[:8]}"
        params = connection.settings_dict
        conninfo = {
            "host": params["HOST"],
            "port": params["PORT"] or 5432,
            "user": params["USER"],
            "password": params["PASSWORD"],
            "dbname": "postgres",
        }
        with psycopg.connect(**conninfo, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        user = params["USER"] or ""
        host = params["HOST"] or "127.0.0.1"
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{params['PORT'] or 5432}/{name}"
        if params["PASSWORD"]:
            env["PGPASSWORD"] = params["PASSWORD"]
        yield env
        with psycopg.connect(**conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'spro.sqlite3'}"
        yield env


def test_it_backs_up_wipes_and_restores_every_record(database_env, tmp_path):
    spro(database_env, "migrate", "--noinput", "--verbosity", "0")
    spro(database_env, "shell", "-c", FILL)
    before = snapshot(database_env)
    assert before["accounts.User"] and before["territories.Commune"] == ["31555"]

    archive = tmp_path / "sauvegarde.dump"
    spro(database_env, "backup", str(archive))
    assert archive.stat().st_size > 0

    spro(database_env, "flush", "--noinput")
    wiped = snapshot(database_env)
    assert wiped["accounts.User"] == [] and wiped["territories.Commune"] == []

    spro(database_env, "restore", "--oui", str(archive))
    assert snapshot(database_env) == before


def test_it_refuses_a_file_that_is_not_a_backup(database_env, tmp_path):
    spro(database_env, "migrate", "--noinput", "--verbosity", "0")
    bogus = tmp_path / "pas-une-sauvegarde.dump"
    bogus.write_bytes(b"ceci n'est pas une sauvegarde")
    result = subprocess.run(
        [sys.executable, "-m", "spro", "restore", "--oui", str(bogus)],
        env=database_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "sauvegarde" in result.stderr.lower() or "restauration" in result.stderr.lower()
    assert result.stdout == ""


def test_it_says_in_french_when_the_backup_file_is_missing(database_env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "spro", "restore", "--oui", str(tmp_path / "absent.dump")],
        env=database_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Fichier de sauvegarde introuvable" in result.stderr
