"""The WSGI application of a spro server (gunicorn -c gunicorn.conf.py, README « Mise en production »)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spro.settings")
application = get_wsgi_application()

from spro.core.operations import settle_memory  # noqa: E402 (needs the settings loaded above)

settle_memory()
