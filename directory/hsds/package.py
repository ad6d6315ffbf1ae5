"""The directory as an HSDS 3.0 tabular data package: a ZIP of CSV files and datapackage.json.

The tables are HSDS's (names, files and columns as in HSDS's ``datapackage.json``),
filled from the same objects the API serves (``entities``), flattened: each nested
object becomes a row of its table, linked by its ``*_id`` columns. CSV files are
UTF-8 with a header row and RFC 4180 quoting (CRLF line ends); an empty cell is a
missing value. ``datapackage.json`` lists every resource with its fields, types,
primary key and foreign keys, so a Frictionless tool can check the whole package.

Texts are in one language (German unless asked otherwise); ``translations.csv``
(table, id, field, language, value) holds every text in every language it is
written in, German included. The tables and where they differ from HSDS are in
``tables``; the additions to HSDS's fields are listed in ``entities``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from ..i18n import SOURCE_LANGUAGE
from .context import Context, make_context, utc_timestamp
from .entities import organization, service
from .loading import load_offers, public_offers, public_organisations
from .tables import Column, Table, package_tables
from .taxonomy import taxonomy_dict

HSDS_VERSION = "3.0"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # none today; "true"/"false" is Table Schema's spelling
        return "true" if value else "false"
    return str(value)


class _Collector:
    """Rows by table, each entity once, from nested HSDS objects."""

    def __init__(self, tables: list[Table]) -> None:
        self.tables = {table.name: table for table in tables}
        self.seen: set[tuple[str, str]] = set()

    def add(self, name: str, entity: dict[str, Any]) -> None:
        """A row for ``entity`` in table ``name``; its texts, attributes and phones too."""
        if (name, entity["id"]) in self.seen:
            return
        self.seen.add((name, entity["id"]))
        table = self.tables[name]
        table.rows.append([_cell(entity.get(column.name)) for column in table.columns])
        for language, texts in entity.get("translations", {}).items():
            for field_name, value in texts.items():
                self.tables["translation"].rows.append(
                    [name, entity["id"], field_name, language, value]
                )
        for attribute in entity.get("attributes", ()):
            self.add("attribute", attribute)
        for phone in entity.get("phones", ()):
            self.add("phone", phone)

    def add_service(self, found: dict[str, Any]) -> None:
        """A full service and every row nested in it."""
        self.add("service", found)
        for name, key in (
            ("contact", "contacts"),
            ("schedule", "schedules"),
            ("language", "languages"),
            ("cost_option", "cost_options"),
            ("phone", "phones"),
        ):
            for entity in found[key]:
                self.add(name, entity)
        for link in found["service_at_locations"]:
            place = link["location"]
            self.add("location", place)
            for address in place.get("addresses", ()):
                self.add("address", address)
            for access in place.get("accessibility", ()):
                self.add("accessibility", access)
            self.add("service_at_location", link)


def _csv(rows: Iterable[list[str]], columns: tuple[Column, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; minimal quoting
    writer.writerow([column.name for column in columns])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def collect(ctx: Context, on: dt.date | None = None) -> list[Table]:
    """Every table filled: public organisations, public current offers, the taxonomy."""
    tables = package_tables()
    collector = _Collector(tables)
    for owner in public_organisations().order_by("pk"):
        collector.add("organization", organization(owner, ctx))
    ids = list(public_offers(on).order_by("pk").values_list("pk", flat=True))
    for bundle in load_offers(ids, on):
        collector.add_service(service(bundle, ctx))
    collector.add("taxonomy", taxonomy_dict(ctx.language))
    for term in ctx.taxonomy.terms:
        collector.add("taxonomy_term", ctx.term(term))
    return tables


def datapackage(tables: list[Table], language: str) -> dict[str, Any]:
    """The ``datapackage.json`` describing ``tables``."""
    return {
        "profile": "tabular-data-package",
        "name": "gemeinsam-hsds",
        "title": f"{settings.WAGTAIL_SITE_NAME}: Open Referral HSDS {HSDS_VERSION}",
        "description": (
            "Public, current offers, their places and times, and the organisations that run "
            "them, as HSDS 3.0 tables. Texts are in the language named by 'language'; "
            "translations.csv holds each text in every language it is written in. Columns "
            "HSDS has no field for are described in their field's description."
        ),
        "version": HSDS_VERSION,
        "language": language,
        "created": utc_timestamp(timezone.now()),
        "resources": [table.resource() for table in tables],
    }


def build_package(
    language: str = SOURCE_LANGUAGE, base_url: str = "", on: dt.date | None = None
) -> bytes:
    """The ZIP of the whole public directory, texts in ``language`` (German by default).

    ``base_url`` (scheme and host) makes the page links; ``SITE_URL`` by default.
    """
    ctx = make_context(language, base_url or settings.SITE_URL)
    tables = collect(ctx, on)
    out = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        description = json.dumps(datapackage(tables, language), indent=2, ensure_ascii=False)
        files = [("datapackage.json", description.encode("utf-8"))]
        files += [(table.path, _csv(table.rows, table.columns)) for table in tables]
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()
