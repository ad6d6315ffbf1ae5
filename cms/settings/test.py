"""Settings for the test suite: fast hashing, mail kept in memory, media in a temp dir."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="gemeinsam-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="gemeinsam-test-static-")
SUBMISSION_UPLOAD_DIR = tempfile.mkdtemp(prefix="gemeinsam-test-pending-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "pending": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SUBMISSION_UPLOAD_DIR, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Elasticsearch only where a test asks for it (the ``backend`` fixture), on the node
# the test command started (TEST_ELASTICSEARCH_URL); everything else uses the database.
ELASTICSEARCH_URL = ""
ELASTICSEARCH_REFRESH = "wait_for"
IMPORT_INLINE = True  # a test sees the check and the import finish before it goes on
SEMANTIC_EMBED_INLINE = True  # a test sees an offer's vectors as soon as it is published
ELASTICSEARCH_INDEX_PREFIX = "gemeinsam-test"
GEOCODER_ENABLED = False  # tests that geocode start their own Nominatim-speaking server
SITE_URL = "http://testserver"
# The page cache only where a test turns it on (tests/cms/test_page_cache.py): elsewhere
# tests change rows directly, without the signals a real change sends.
PAGE_CACHE_SECONDS = 0
INSIGHTS_FLUSH_TIMER = False  # tests call search.insights_log.flush() themselves
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file like the embedded default's (WAL, IMMEDIATE, a busy timeout), not shared memory:
    # the threads of a test then wait for each other as workers do, instead of failing at
    # once with "database table is locked".
    _database_folder = tempfile.mkdtemp(prefix="gemeinsam-test-db-")
    DATABASES["default"]["TEST"] = {"NAME": str(Path(_database_folder) / "test.sqlite3")}  # noqa: F405
    # Removed when the process ends, after pytest-django has dropped the database.
    atexit.register(shutil.rmtree, _database_folder, True)
