"""Full exports served from files, rebuilt only when what they show has changed.

An export is a file under `SPRO_EXPORT_DIR` (default `SPRO_VAR_DIR/exports/`) named after a *version*:
a cheap fingerprint of the data it shows, computed by the caller on each request (for the directory,
`spro.directory.version.directory_version()`). While the version is unchanged, every request streams
the same file (no slot needed) with `ETag` and `Last-Modified`, and a client that already has it gets
`304 Not Modified`. When the version moves, the first request writes the new file — to a temporary file
in the same folder, then renamed over, so a reader never sees half a file — and removes the old ones.

Regenerations are limited across every process of the machine (`SPRO_EXPORT_MAX_REGENERATIONS`, 2 by
default) with `flock` on slot files, released by the kernel even if a process dies: over the limit, or
while the same file is already being written, `ExportBusy` is raised at once and the caller answers
503 with `Retry-After`, so that waiting downloads never hold the server's threads.
"""

import fcntl
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

RETRY_AFTER_S = 10
ABANDONED_TEMP_S = 3600  # a temporary file this old was left by a killed process


class ExportBusy(Exception):
    """Too many exports are being regenerated right now; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int = RETRY_AFTER_S):
        super().__init__("Trop d'exports complets sont en préparation en ce moment.")
        self.retry_after = retry_after


@dataclass
class ExportFile:
    stream: BinaryIO  # open for reading: still readable if a newer version removes the file meanwhile
    etag: str
    last_modified: float
    size: int


def export_dir() -> Path:
    directory = Path(settings.SPRO_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def version_key(version: str) -> str:
    return hashlib.sha256(version.encode()).hexdigest()[:24]


@contextmanager
def _try_lock(path: Path):
    """Yield True holding an exclusive `flock` on `path`, or False at once if another holder has it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def regeneration_slot(directory: Path | None = None):
    """Hold one of the `SPRO_EXPORT_MAX_REGENERATIONS` slots shared by every process, or raise
    `ExportBusy` when all are taken."""
    directory = directory or export_dir()
    for index in range(max(1, settings.SPRO_EXPORT_MAX_REGENERATIONS)):
        with _try_lock(directory / f".slot-{index}.lock") as held:
            if held:
                yield index
                return
    raise ExportBusy()


def _open(path: Path, key: str) -> ExportFile | None:
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return None
    stat = os.fstat(stream.fileno())
    return ExportFile(stream=stream, etag=f'"{key}"', last_modified=stat.st_mtime, size=stat.st_size)


def _remove_others(directory: Path, stem: str, suffix: str, keep: Path) -> None:
    for old in directory.glob(f"{stem}-*{suffix}"):
        if old != keep:
            old.unlink(missing_ok=True)
    for temp in directory.glob(f".{stem}-*{suffix}.*.tmp"):
        try:
            if time.time() - temp.stat().st_mtime > ABANDONED_TEMP_S:
                temp.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def current_export(name: str, version: str, write: Callable[[BinaryIO], None]) -> ExportFile:
    """The file of export `name` (e.g. "lieux.csv") for `version`, written by `write(stream)` first if
    it does not exist yet. Raises `ExportBusy` rather than wait for another writer."""
    directory = export_dir()
    stem, dot, extension = name.rpartition(".")
    suffix = dot + extension
    key = version_key(version)
    path = directory / f"{stem}-{key}{suffix}"
    found = _open(path, key)
    if found is not None:
        return found
    lock = directory / f".{name}.lock"
    with _try_lock(lock) as held:
        if not held:  # the same export is being written by another request
            raise ExportBusy(_retry_after(lock))
        found = _open(path, key)  # written while this request waited for the lock
        if found is not None:
            return found
        with regeneration_slot(directory):
            started = time.monotonic()
            temp = directory / f".{stem}-{key}{suffix}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
            try:
                with temp.open("wb") as stream:
                    write(stream)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temp, path)
            finally:
                temp.unlink(missing_ok=True)
            _remove_others(directory, stem, suffix, keep=path)
            lock.write_text(f"{time.monotonic() - started:.1f}")  # how long the next one may take
        return _open(path, key)


def _retry_after(lock: Path) -> int:
    """Seconds a client should wait: how long the last build of this export took, at least 1 s."""
    try:
        return max(1, min(300, round(float(lock.read_text() or RETRY_AFTER_S))))
    except (OSError, ValueError):
        return RETRY_AFTER_S


def export_response(request, export: ExportFile, content_type: str, filename: str):
    """Stream `export` (or answer 304 when the client's copy is current), with validation headers."""
    not_modified = get_conditional_response(
        request, etag=export.etag, last_modified=int(export.last_modified)
    )
    headers = {
        "ETag": export.etag,
        "Last-Modified": http_date(export.last_modified),
        # Anyone may keep a copy, but must ask whether it is still current before using it.
        "Cache-Control": "public, no-cache",
    }
    if not_modified is not None:  # 304, or 412 for a failed If-Match
        export.stream.close()
        response = not_modified
    else:
        response = FileResponse(
            export.stream, content_type=content_type, as_attachment=True, filename=filename
        )
    for header, value in headers.items():
        response[header] = value
    return response
