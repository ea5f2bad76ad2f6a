"""`spro` console command: the project's manage.py (`python -m spro` is the same)."""

import os
import sys

# Commands that write nothing the public pages show; after any other, the cached pages are renewed.
READ_ONLY = {
    "help",
    "version",
    "check",
    "runserver",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "createcachetable",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    finally:
        if len(sys.argv) > 1 and sys.argv[1] not in READ_ONLY:
            renew_cached_pages()


def renew_cached_pages() -> None:
    """Imports and bulk updates write without the signals that renew the cached pages
    (spro.core.pagecache): the end of the command renews them all."""
    try:
        from spro.core.pagecache import bump

        bump()
    except Exception:  # noqa: BLE001, S110 (settings unreadable, cache absent: nothing was cached either)
        pass


if __name__ == "__main__":
    main()
