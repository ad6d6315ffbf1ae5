"""Media on S3-compatible object storage, for installations with several web servers.

``MEDIA_S3_BUCKET`` switches it on (cms/settings/base.py); otherwise media stay on the
local disk. django-storages does the work. Two things are our own:

- Public files (offer pictures and their renditions) are linked at ``MEDIA_URL`` like
  on disk, not at the bucket's address: browsers then only talk to the site (or the
  CDN the district chose), as the privacy rules demand. The proxy in front maps
  ``MEDIA_URL`` to the bucket (docs/OPERATIONS.md).
- Pictures of forms not yet sent live in the same bucket under another prefix, private
  and never linked (directory/pending_pictures.py reads them through the storage).
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PublicMediaStorage(S3Storage):
    """The bucket's ``media/`` prefix, linked through ``MEDIA_URL``."""

    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        """``MEDIA_URL`` + the file's name, as FileSystemStorage links it.

        The key in the bucket carries the location prefix (``media/``); the URL does not,
        because the proxy's ``/media/`` already points at that prefix.
        """
        return urljoin(settings.MEDIA_URL, filepath_to_uri(clean_name(name)).lstrip("/"))
