"""Consistent backups of the database, with the database's own tools.

SQLite: the online backup API of the sqlite3 module (a consistent copy while the site runs).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`, so that a
restore either completes or leaves the database as it was.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _settings(alias="default") -> dict:
    return connections[alias].settings_dict


def vendor(alias="default") -> str:
    return connections[alias].vendor


def _pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise BackupError(
            f"L'outil « {tool} » de PostgreSQL est introuvable : installez le client PostgreSQL "
            "(paquet Debian postgresql-client) de la même version que le serveur."
        )
    return path


def backup(target: Path, alias="default") -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    db = _settings(alias)
    connections[alias].close()
    if vendor(alias) == "sqlite":
        source = sqlite3.connect(db["NAME"])
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
        return target
    if vendor(alias) == "postgresql":
        env, args = _pg_env_and_args(db)
        cmd = [_require("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args, db["NAME"]]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"La sauvegarde a échoué : {result.stderr.strip()}")
        return target
    raise BackupError(f"Base de données non prise en charge : {vendor(alias)}.")


def restore(source: Path, alias="default") -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Fichier de sauvegarde introuvable : {source}")
    db = _settings(alias)
    connections[alias].close()
    if vendor(alias) == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Ce fichier n'est pas une sauvegarde SQLite valide : {exc}") from exc
        try:
            dest = sqlite3.connect(db["NAME"])
            with dest:
                backup_db.backup(dest)
            dest.close()
        finally:
            backup_db.close()
        return
    if vendor(alias) == "postgresql":
        env, args = _pg_env_and_args(db)
        cmd = [
            _require("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            db["NAME"],
            *args,
            str(source),
        ]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"La restauration a échoué, la base est inchangée : {result.stderr.strip()}")
        return
    raise BackupError(f"Base de données non prise en charge : {vendor(alias)}.")
