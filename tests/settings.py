"""Settings of the test suite: spro's own settings, with a secret key made for this run.

The suite runs with DEBUG off, as production does, and production refuses to start without a real key
(spro/settings.py). The key goes into the environment so that the `spro` processes a test starts (browser
server, backup, crash safety) start too.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", f"spro-tests-{secrets.token_urlsafe(48)}")

from spro.settings import *  # noqa: E402, F403
