"""Settings of spro, read from environment variables (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SPRO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite database lives there


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Public (it is in the source): signs sessions and reset links of `make run` only. Outside DEBUG, a missing
# key or a development key stops the start; the test suite makes a key of its own (tests/settings.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-spro-dev-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
elif not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY doit être défini en production (DEBUG désactivé) : donnez une clé longue et aléatoire, "
        'par exemple celle qu\'écrit « python -c "import secrets; print(secrets.token_urlsafe(50))" ».'
    )
elif SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY est une clé de développement, publique : en production (DEBUG désactivé), donnez une "
        "clé longue et aléatoire qui n'est écrite nulle part ailleurs."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "spro.core",
    "spro.accounts",
    "spro.territories",
    "spro.directory",
    "spro.routing",
    "spro.referrals",
    "spro.labels",
    "spro.metiers",
    "spro.activity",
    "spro.events",
    "spro.network",
    "spro.www.portal",
    "spro.www.pro",
    "spro.www.annuaire",
    "spro.www.aiguillage",
    "spro.www.structures",
    "spro.www.orientations",
    "spro.www.region",
    "spro.www.attestations",
    "spro.www.labellisation",
    "spro.www.metiers",
    "spro.www.members",
    "spro.www.committees",
    "spro.www.agenda",
    "spro.www.coverage",
    "spro.www.instruction",
    "spro.www.activity",
    "spro.www.professionals",
    "spro.www.trainings",
    "spro.www.news",
    "spro.www.resources",
    "spro.www.territories",
]

MIDDLEWARE = [
    "spro.core.operations.RequestLogMiddleware",
    "spro.core.operations.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "spro.core.middleware.ContentSecurityPolicyMiddleware",
    "spro.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "spro.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "spro.urls"
WSGI_APPLICATION = "spro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "spro" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spro.core.context_processors.portal",
                "spro.www.portal.context_processors.accessibility",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'spro.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection that the server dropped (a restart, a failover) is replaced before use.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file (not memory) so that `pytest --reuse-db` keeps the imported referential between runs.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The search's queries (spro.directory.search) are bound by the server and prepared by the connection
    # from their 5th run; Django turns preparation off unless asked. 0 turns it off (a pooler in
    # transaction mode, such as PgBouncer before 1.21, does not keep prepared statements).
    _threshold = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = _threshold or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache shared by every server process: Redis when REDIS_URL is set, else a table of the database
# (created by `spro migrate`). It holds only copies that may be lost: anonymous pages (spro.core.pagecache).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spro",
            # A Redis that stalls must not hold requests: the page is then drawn without the cache.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "spro.core.dbcache.DatabaseCache",
            "LOCATION": "spro_cache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SPRO_CACHE_MAX_ENTRIES", "5000"))},
        }
    }
# How long an anonymous page is kept (seconds; its key also changes with the minute); 0: no page cache.
SPRO_PAGE_CACHE_SECONDS = int(os.environ.get("SPRO_PAGE_CACHE_SECONDS", "60"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pro:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: failures per (email, IP) within the window before the account is locked for a while.
SPRO_LOGIN_MAX_FAILURES = int(os.environ.get("SPRO_LOGIN_MAX_FAILURES", "5"))
SPRO_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("SPRO_LOGIN_LOCKOUT_MINUTES", "15"))
# Public forms (contact request, forgotten password): posts per client address and per browser session
# within a fixed window, counted in the database by every server process (0 switches a limit off).
SPRO_FORM_MAX_PER_ADDRESS = int(os.environ.get("SPRO_FORM_MAX_PER_ADDRESS", "30"))
SPRO_FORM_MAX_PER_SESSION = int(os.environ.get("SPRO_FORM_MAX_PER_SESSION", "5"))
SPRO_FORM_WINDOW_MINUTES = int(os.environ.get("SPRO_FORM_WINDOW_MINUTES", "60"))
# Second factor (TOTP, django-otp): mandatory for Région staff and the Django admin, optional for members.
OTP_TOTP_ISSUER = os.environ.get("SPRO_TOTP_ISSUER", "SPRO")
# Optional ProConnect (OpenID Connect) login, enabled when the three variables are set.
SPRO_PROCONNECT_CLIENT_ID = os.environ.get("SPRO_PROCONNECT_CLIENT_ID", "")
SPRO_PROCONNECT_CLIENT_SECRET = os.environ.get("SPRO_PROCONNECT_CLIENT_SECRET", "")
SPRO_PROCONNECT_ISSUER = os.environ.get("SPRO_PROCONNECT_ISSUER", "").rstrip("/")
SPRO_PROCONNECT_SCOPES = os.environ.get("SPRO_PROCONNECT_SCOPES", "openid email given_name usual_name")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("SPRO_MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("SPRO_MANIFEST_STATIC")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the browser tests' server).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SPRO <ne-pas-repondre@spro.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security baseline; HTTPS-only settings are on unless DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = True
_https = env_bool("SPRO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_https)
# Behind a reverse proxy: trust its X-Forwarded-Proto, and take the client's address from the last
# entry of X-Forwarded-For (the one the proxy appended), for rate limits and login throttling.
SPRO_BEHIND_PROXY = env_bool("SPRO_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SPRO_BEHIND_PROXY else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if _https else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Preloading HSTS binds the whole domain and its subdomains for years: the Région's decision, not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Région running this deployment: its INSEE code picks its name; colours and logo are configurable.
SPRO_REGION = os.environ.get("SPRO_REGION", "76")
SPRO_REGION_NAME = os.environ.get("SPRO_REGION_NAME", "")
# Events of structures that are not SPRO members wait for the Région's approval (spro.events).
SPRO_EVENTS_MODERATION = env_bool("SPRO_EVENTS_MODERATION")
# Resources of the library published by a member structure wait for the Région's validation (spro.network).
SPRO_RESOURCES_MODERATION = env_bool("SPRO_RESOURCES_MODERATION", default=True)
SPRO_PRIMARY_COLOR = os.environ.get("SPRO_PRIMARY_COLOR", "#9a1b3d")
SPRO_SECONDARY_COLOR = os.environ.get("SPRO_SECONDARY_COLOR", "#f5a800")
SPRO_LOGO_URL = os.environ.get("SPRO_LOGO_URL", "")
SPRO_CONTACT_EMAIL = os.environ.get("SPRO_CONTACT_EMAIL", "contact-spro@region.localhost")
# Accessibility statement: the RGAA audit results (JSON, default: the file shipped with spro) and the
# address of the Région's schéma pluriannuel de mise en accessibilité.
SPRO_ACCESSIBILITY_AUDIT = os.environ.get("SPRO_ACCESSIBILITY_AUDIT", "")
SPRO_ACCESSIBILITY_PLAN_URL = os.environ.get("SPRO_ACCESSIBILITY_PLAN_URL", "")
# Map tiles: URL template and attribution; the browser alone requests tiles.
SPRO_TILE_URL = os.environ.get("SPRO_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
SPRO_TILE_ATTRIBUTION = os.environ.get("SPRO_TILE_ATTRIBUTION", "&copy; les contributeurs d'OpenStreetMap")
# Absolute address of the site, for links in emails (no request at hand in cron commands).
SPRO_BASE_URL = os.environ.get("SPRO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Referrals between structures: reminder and expiry of unanswered referrals, retention of personal data.
SPRO_REFERRAL_REMINDER_DAYS = int(os.environ.get("SPRO_REFERRAL_REMINDER_DAYS", "5"))
SPRO_REFERRAL_EXPIRY_DAYS = int(os.environ.get("SPRO_REFERRAL_EXPIRY_DAYS", "15"))
SPRO_RETENTION_DAYS = int(os.environ.get("SPRO_RETENTION_DAYS", "90"))
# The Région's Carif-Oref (regional formation offer): a link on every métier page, "{code}" replaced by
# the ROME code when present (e.g. "https://www.meformer.org/recherche?rome={code}"); empty: no link.
SPRO_CARIF_OREF_URL = os.environ.get("SPRO_CARIF_OREF_URL", "")
SPRO_CARIF_OREF_NAME = os.environ.get("SPRO_CARIF_OREF_NAME", "le Carif-Oref de votre région")
# Activity figures leaving a structure: any count under this is shown "< N" (spro.activity.masking).
SPRO_ACTIVITY_MASK_THRESHOLD = int(os.environ.get("SPRO_ACTIVITY_MASK_THRESHOLD", "5"))
# Territorial coverage: the sites counted as "open at least N half-days a week" (spro.activity.coverage).
SPRO_COVERAGE_MIN_HALF_DAYS = int(os.environ.get("SPRO_COVERAGE_MIN_HALF_DAYS", "5"))
# Processes sharing the national coverage search (spro calculer-couverture); 0: one per core, at most 8.
SPRO_COVERAGE_PROCESSES = int(os.environ.get("SPRO_COVERAGE_PROCESSES", "0"))
# Full exports (/api/v1/lieux/export.*): files rebuilt when the directory changes (spro.core.exports), and
# how many may be rebuilt at once across every server process before the API answers 503.
SPRO_EXPORT_DIR = Path(os.environ.get("SPRO_EXPORT_DIR", VAR_DIR / "exports"))
SPRO_EXPORT_MAX_REGENERATIONS = int(os.environ.get("SPRO_EXPORT_MAX_REGENERATIONS", "2"))
# The access log keeps its rows; their "why" goes after SPRO_RETENTION_DAYS, who read after this period
# (CNIL, recommendation on logging, 2021: six months to a year).
SPRO_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("SPRO_ACCESS_LOG_RETENTION_DAYS", "365"))

# One line per request (spro.requests: method, URL pattern, status, duration) and every record carrying
# the request id that the error pages show; no path, query string or IP address (spro/core/operations.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "spro.core.operations.RequestIdFilter"},
        "no_path": {"()": "spro.core.operations.PathRedactionFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_path"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own "GET /path 200" lines would repeat the path; ours replace them.
        "django.server": {"level": "WARNING"},
        "spro.requests": {"level": os.environ.get("SPRO_REQUEST_LOG_LEVEL", "INFO")},
    },
}
