"""Settings of the test suite: spro's own settings, with a secret key made for this run.

The suite runs with DEBUG off, as production does, and production refuses to start without a real key
(spro/settings.py). The key goes into the environment so that the `spro` processes a test starts (browser
server, backup, crash safety) start too.
"""

import os
import secrets

from django.conf import global_settings

os.environ.setdefault("SECRET_KEY", f"spro-tests-{secrets.token_urlsafe(48)}")

from spro.settings import *  # noqa: E402, F403

# The production hasher is deliberately slow (about half a second a password on this machine); the tests
# check who may log in, not the hashing cost, so new passwords are hashed quickly. The production hashers
# follow, so that a hash made by them (a fixture, a `spro` process) is still checked.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
