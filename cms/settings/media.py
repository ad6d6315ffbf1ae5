"""The storages for media on S3-compatible object storage (MEDIA_S3_BUCKET in base.py).

A function rather than settings lines, so the tests configure a bucket exactly as an
installation does. Only names here: the classes load when Django first uses a storage.
"""

from __future__ import annotations


def s3_storages(bucket_name: str, **connection: str | None) -> dict[str, dict]:
    """STORAGES entries: public media under ``media/``, waiting pictures under ``pending/``.

    ``connection`` holds django-storages' S3 options (endpoint_url, region_name,
    access_key, secret_key, addressing_style); None leaves boto3's own default.
    """
    common = {
        "bucket_name": bucket_name,
        **{key: value for key, value in connection.items() if value is not None},
        "file_overwrite": False,  # two uploads of "photo.jpg" must not replace each other
        "default_acl": None,  # the bucket's policy decides; objects carry no ACL of their own
    }
    return {
        "default": {
            "BACKEND": "cms.media_storage.PublicMediaStorage",
            "OPTIONS": {**common, "location": "media", "querystring_auth": False},
        },
        # Never linked: read by the site only (directory/pending_pictures.py).
        "pending": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "pending"},
        },
    }
