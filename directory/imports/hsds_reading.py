"""An Open Referral HSDS 3.0 tabular data package (ZIP) read back into the importer's records.

Our own export (``directory.hsds.package``) re-imports without loss: texts in every
language come from ``translations.csv``, kind, categories, target groups, format and
the yes/no features from the ``gemeinsam`` taxonomy terms of ``attributes.csv``,
places from locations and addresses, weekly times and single dates from schedules.
A package of another publisher is read as far as HSDS carries the data; what our
offers need and it lacks (say, a kind) is listed in the preview like any missing cell.

Descriptions are taken as plain text (paragraphs kept) and turned into our rich text
again: HTML from a file is never stored as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from ..constants.weekdays import Weekday
from ..hsds.ids import match_uids
from ..i18n import SOURCE_LANGUAGE, site_languages
from ..models import OfferPage
from ..plain_text import rich_text_to_text
from .reading import MAX_ROWS, ReadError
from .records import DateRecord, OfferRecord, OrganisationRecord, PlaceRecord, SlotRecord

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a ZIP bomb stops here, long before memory does
BYDAY = {
    code: day
    for day, code in zip(Weekday.values, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True)
}
# Service columns (and the translated field) → the record's texts.
SERVICE_TEXTS = {
    "name": "title",
    "summary": "summary",
    "description_html": "description",
    "fees_description": "cost_note",
    "application_process": "registration_note",
}
FEATURES = ("childcare", "interpreter_available", "registration_required", "wheelchair_accessible")


def is_package(content: bytes) -> bool:
    """Whether ``content`` is a ZIP holding a ``datapackage.json`` (an XLSX is a ZIP too)."""
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "datapackage.json" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def own_offers(uids: Iterable[str]) -> dict[str, int]:
    """Those of ``uids`` that are this installation's ids of offers, with the offer's pk."""
    uids = [value for value in uids if value]
    if not uids:
        return {}
    return match_uids(uids, "offer", OfferPage.objects.values_list("pk", flat=True).iterator())


class _Package:
    """The CSV tables of a package, read once, rows by id and by the ids they point to."""

    def __init__(self, content: bytes) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile as error:
            raise ReadError(_("The ZIP file is damaged.")) from error
        with archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ReadError(_("The package unpacks to more than 200 MB; it is refused."))
            try:
                descriptor = json.loads(archive.read("datapackage.json"))
                paths = {r["name"]: r["path"] for r in descriptor["resources"]}
            except (KeyError, TypeError, ValueError) as error:
                raise ReadError(_("The package's datapackage.json cannot be read.")) from error
            self.tables = {name: self._read(archive, name, path) for name, path in paths.items()}
        if "service" not in self.tables:
            raise ReadError(_("The package has no services table."))
        if len(self.tables["service"]) > MAX_ROWS:
            raise ReadError(_("The package has more than %(n)d services.") % {"n": MAX_ROWS})

    @staticmethod
    def _read(archive: zipfile.ZipFile, name: str, path: str) -> list[dict[str, str]]:
        try:
            text = archive.read(path).decode("utf-8-sig")
        except KeyError as error:
            raise ReadError(_("The package lacks its file %(path)s.") % {"path": path}) from error
        except UnicodeDecodeError as error:
            raise ReadError(_("%(path)s is not UTF-8.") % {"path": path}) from error
        try:
            return list(csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ReadError(
                _("%(path)s cannot be read: %(e)s") % {"path": path, "e": error}
            ) from error

    def rows(self, table: str) -> list[dict[str, str]]:
        return self.tables.get(table, [])

    def by(self, table: str, column: str) -> dict[str, list[dict[str, str]]]:
        grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.rows(table):
            if row.get(column):
                grouped[row[column]].append(row)
        return grouped


def read_package(content: bytes) -> list[OfferRecord]:
    """The package's services as records, in the order of ``services.csv``."""
    package = _Package(content)
    translations: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    languages = set(site_languages())
    for row in package.rows("translation"):
        if row.get("language") in languages:
            translations[(row["table"], row["id"], row["field"])][row["language"]] = row["value"]
    terms = {row["id"]: row.get("code", "") for row in package.rows("taxonomy_term")}
    organisations = {row["id"]: row for row in package.rows("organization")}
    lookups = {
        "attributes": package.by("attribute", "link_id"),
        "languages": package.by("language", "service_id"),
        "costs": package.by("cost_option", "service_id"),
        "schedules": package.by("schedule", "service_id"),
        "contacts": package.by("contact", "service_id"),
        "phones": package.by("phone", "service_id"),
        "organisation_phones": package.by("phone", "organization_id"),
        "at": package.by("service_at_location", "service_id"),
        "addresses": package.by("address", "location_id"),
    }
    locations = {row["id"]: row for row in package.rows("location")}
    return [
        _record(n, row, translations, terms, organisations, locations, lookups)
        for n, row in enumerate(package.rows("service"), start=2)
    ]


def _codes(attributes: list[dict[str, str]], terms: dict[str, str], parent: str) -> list[str]:
    prefix = parent + ":"
    codes = (terms.get(a.get("taxonomy_term_id", ""), "") for a in attributes)
    return [code.removeprefix(prefix) for code in codes if code.startswith(prefix)]


def _record(n, service, translations, terms, organisations, locations, lookups) -> OfferRecord:
    record = OfferRecord(row=n, uid=service["id"])
    record.columns = {key: f"services.csv: {column}" for column, key in SERVICE_TEXTS.items()}
    for column, key in SERVICE_TEXTS.items():
        texts = dict(translations.get(("service", service["id"], column), {}))
        texts.setdefault(SOURCE_LANGUAGE, service.get(column, ""))
        if column == "description_html":
            texts = {language: rich_text_to_text(value) for language, value in texts.items()}
        record.texts[key] = {language: value for language, value in texts.items() if value}
    attributes = lookups["attributes"].get(service["id"], [])
    kinds, formats = _codes(attributes, terms, "kind"), _codes(attributes, terms, "format")
    record.kind = kinds[0] if kinds else ""
    record.format = formats[0] if formats else ""
    record.categories = _codes(attributes, terms, "category")
    record.target_groups = _codes(attributes, terms, "target-group")
    for feature in _codes(attributes, terms, "feature"):
        if feature in FEATURES:
            setattr(record, feature, True)
    if service.get("interpretation_services"):
        record.interpreter_available = True
    record.spoken_languages = [
        row["code"] for row in lookups["languages"].get(service["id"], []) if row.get("code")
    ]
    costs = lookups["costs"].get(service["id"], [])
    record.is_free = any(_number(row.get("amount")) == 0 for row in costs) or (
        not costs and not service.get("fees_description")
    )
    record.valid_from = _date(service.get("valid_from"))
    record.valid_until = _date(service.get("valid_to"))
    record.website = service.get("website", "")
    record.messenger = service.get("messenger", "")
    record.contact_email = service.get("email", "")
    for contact in lookups["contacts"].get(service["id"], [])[:1]:
        record.contact_name = contact.get("name", "")
        record.contact_email = record.contact_email or contact.get("email", "")
    for phone in lookups["phones"].get(service["id"], [])[:1]:
        record.contact_phone = phone.get("number", "")
    owner = organisations.get(service.get("organization_id", ""), {})
    record.organisation = _organisation(
        owner,
        attributes_of=lookups["attributes"],
        terms=terms,
        phones=lookups["organisation_phones"],
    )
    for link in lookups["at"].get(service["id"], []):
        location = locations.get(link.get("location_id", ""))
        if location is not None:
            record.places.append(_place(location, lookups["addresses"], translations))
    _schedules(record, lookups["schedules"].get(service["id"], []), translations)
    return record


def _organisation(row, *, attributes_of, terms, phones) -> OrganisationRecord:
    if not row:
        return OrganisationRecord()
    types = _codes(attributes_of.get(row["id"], []), terms, "organisation-type")
    phone = next((p.get("number", "") for p in phones.get(row["id"], [])), "")
    return OrganisationRecord(
        name=row.get("name", ""),
        org_type=types[0] if types else "",
        description=row.get("description", ""),
        email=row.get("email", ""),
        phone=phone,
        website=row.get("website", ""),
        town=row.get("town", ""),
        uid=row["id"],
    )


def _place(location, addresses, translations) -> PlaceRecord:
    address = next(iter(addresses.get(location["id"], [])), {})
    street = address.get("address_1", "")
    city = address.get("city", "")
    transit = dict(translations.get(("location", location["id"], "transportation"), {}))
    if location.get("transportation"):
        transit.setdefault(SOURCE_LANGUAGE, location["transportation"])
    return PlaceRecord(
        name=location.get("name", ""),
        # Our export writes the town as the first address line of a place without a street.
        street="" if street == city else street,
        postcode=address.get("postal_code", ""),
        town=city,
        latitude=_number(location.get("latitude")),
        longitude=_number(location.get("longitude")),
        transit_note=transit,
    )


def _schedules(record: OfferRecord, rows: list[dict[str, str]], translations) -> None:
    for row in rows:
        notes = dict(translations.get(("schedule", row["id"], "notes"), {}))
        if row.get("notes"):
            notes.setdefault(SOURCE_LANGUAGE, row["notes"])
        for language, value in notes.items():
            record.texts.setdefault("schedule_note", {}).setdefault(language, value)
        start, end = _time(row.get("opens_at")), _time(row.get("closes_at"))
        if row.get("count") == "1" and (day := _date(row.get("dtstart"))):
            record.dates.append(DateRecord(day, start, end))
        elif row.get("freq") == "WEEKLY" and start and end:
            for code in (row.get("byday") or "").split(","):
                if code.strip() in BYDAY:
                    record.slots.append(SlotRecord(BYDAY[code.strip()], start, end))
        record.valid_from = record.valid_from or _date(row.get("valid_from"))
        record.valid_until = record.valid_until or _date(row.get("valid_to"))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
