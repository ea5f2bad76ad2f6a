"""A server killed in the middle of an import loses nothing committed and leaves nothing half-written.

The import runs in a separate process on its own SQLite database; it is killed (SIGKILL, no clean-up)
once it has started writing, then the database is opened again.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def spro(args, env, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "spro", *args], env=env, cwd=ROOT, **kwargs)


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("territories_region", "territories_commune", "territories_postalcode")
        )


def test_an_import_killed_while_writing_leaves_nothing_then_a_new_run_imports_everything(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SPRO_VAR_DIR": str(tmp_path), "DEBUG": ""}
    assert spro(["migrate", "--noinput", "-v", "0"], env).wait(timeout=300) == 0
    wal = Path(f"{db}-wal")
    importer = spro(["import-territories"], env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (wal.exists() and wal.stat().st_size > 1_000_000):  # it is writing communes
        assert importer.poll() is None, "the import ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=30)

    assert counts(db) == (0, 0, 0)

    assert spro(["import-territories"], env, stdout=subprocess.DEVNULL).wait(timeout=300) == 0
    regions, communes, postal_codes = counts(db)
    assert (regions, communes) == (18, 34_875)
    assert postal_codes > 35_000
