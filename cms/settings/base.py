"""Settings shared by every way of running Gemeinsam.

Everything that differs between machines comes from the environment, with
defaults that give the embedded set-up: SQLite under ``var/``, no search
server, e-mail printed to the console, DEBUG off unless asked for.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GEMEINSAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no switch from the environment ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-insecure-key-only-for-local-use")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation patches models at import time, so it loads before our apps.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "cms",
    "directory",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compressed HTML for slow phone connections (with Django's BREACH mitigation).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cms.context_processors.site_languages",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://…) in production, SQLite under var/ otherwise.
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gemeinsam.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: German is the source language; every other one falls back to it.
# Arabic and Farsi are written right to left (Django's LANGUAGES_BIDI knows both).
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("fa", "فارسی"),
    ("ro", "Română"),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = False  # one slug per page, whatever the language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Browser libraries installed by scripts/setup from npm (Leaflet) live in var/vendor/.
VENDOR_DIR = Path(os.environ.get("VENDOR_DIR", VAR_DIR / "vendor"))
STATICFILES_DIRS = [("vendor", VENDOR_DIR)] if VENDOR_DIR.is_dir() else []
# Serve straight from the apps' folders until collectstatic has run (embedded use).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded default serves uploads itself; production leaves that to the web server.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
FILE_UPLOAD_PERMISSIONS = 0o644

# E-mail: EMAIL_URL (smtp://user:pass@host:587?tls=1) in production, console otherwise.
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gemeinsam <noreply@localhost>")


def _email_settings(url: str) -> dict:
    """Translate EMAIL_URL into Django's EMAIL_* settings."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
    }


globals().update(_email_settings(EMAIL_URL))

# Search: an Elasticsearch URL switches the public search to Elasticsearch;
# without it (or while it is unreachable) the database backend answers.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "gemeinsam")
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "3"))
ELASTICSEARCH_SHARDS = int(os.environ.get("ELASTICSEARCH_SHARDS", "1"))
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))
# "false" in production (near-real-time is enough); the tests wait for each write.
ELASTICSEARCH_REFRESH = os.environ.get("ELASTICSEARCH_REFRESH", "false")

# Places: the district's centre decides between namesakes ("Weilheim" in Bavaria, not
# Baden-Württemberg); addresses the offline gazetteer does not know go to a
# Nominatim-compatible geocoder, asked at most once per second, answers cached.
DISTRICT_CENTER = os.environ.get("DISTRICT_CENTER", "47.80,11.05")  # Landkreis Weilheim-Schongau
GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org")
GEOCODER_SCHEME = os.environ.get("GEOCODER_SCHEME", "https")
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "gemeinsam-directory")
GEOCODER_ENABLED = env_bool("GEOCODER_ENABLED", True)
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "5"))

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Gemeinsam")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "cms.CustomImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.CleanImageForm"  # strips EXIF from every upload
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 8 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False  # modeltranslation is our one translation system
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
WAGTAILDOCS_EXTENSIONS = ["pdf"]

# Map tiles are the one third-party request the site may make, and only if set.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Contributions: how long an offer may go unconfirmed before its owner is asked, and how
# long they then have before it goes offline (``manage.py remind_owners``, daily by cron).
OFFER_CONFIRM_AFTER_MONTHS = int(os.environ.get("OFFER_CONFIRM_AFTER_MONTHS", "6"))
OFFER_CONFIRM_GRACE_DAYS = int(os.environ.get("OFFER_CONFIRM_GRACE_DAYS", "28"))
OFFER_EXPIRY_NOTICE_DAYS = 14  # the moderators' queue lists offers ending this soon
# Pictures typed into the public form wait here (not under MEDIA_ROOT) until it is sent.
SUBMISSION_UPLOAD_DIR = Path(os.environ.get("SUBMISSION_UPLOAD_DIR", VAR_DIR / "pending-uploads"))
# Links in e-mails point here.
SITE_URL = os.environ.get("SITE_URL", WAGTAILADMIN_BASE_URL)
# Per-address limits on what anonymous people send: (requests, seconds).
RATE_LIMITS = {
    "submission": (int(os.environ.get("RATE_LIMIT_SUBMISSIONS", "5")), 3600),
    "confirmation": (int(os.environ.get("RATE_LIMIT_CONFIRMATIONS", "30")), 3600),
    "report": (int(os.environ.get("RATE_LIMIT_REPORTS", "10")), 3600),
    "registration": (int(os.environ.get("RATE_LIMIT_REGISTRATIONS", "5")), 3600),
    "login": (int(os.environ.get("RATE_LIMIT_LOGINS", "20")), 3600),
}
# Behind a reverse proxy, the header that carries the client's address (e.g. HTTP_X_FORWARDED_FOR).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Rate-limit counters must be shared by all worker processes: a database table by default.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gemeinsam_cache",
    }
}
# Sessions exist only for people who fill in a form or log in; browsing sets no cookie.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-offers"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "gemeinsam": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
