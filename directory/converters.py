"""URL converters: ids that the database can hold, or no match (404) before any query."""

from __future__ import annotations

from django.urls import register_converter

# Wagtail's page ids are 32-bit (AutoField): a larger number is no page. Checking in the
# URL keeps "99999999999999999999" from reaching the database, where it would raise
# OverflowError (SQLite) or an out-of-range error (PostgreSQL) instead of a 404.
MAX_PAGE_ID = 2**31 - 1


class PageIdConverter:
    """A positive page id in ASCII digits, at most ``MAX_PAGE_ID``."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_PAGE_ID:
            raise ValueError("not a page id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


# Registered on import: the public URLs and the admin's translation pages both use it.
register_converter(PageIdConverter, "page_id")
