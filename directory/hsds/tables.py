"""The tables of the HSDS tabular data package: their columns, keys and descriptions.

HSDS's own resources (names, files, columns and their order as in HSDS's
``datapackage.json``), written down here rather than copied from the
specification, with our additions appended to their tables and described. Three
HSDS "required" columns may be empty here, and their description says so: an
organisation's description (optional on our pages), a service's organisation (none,
or not public) and an address's Land (a postcode the gazetteer does not know).
HSDS's ``program_id`` column is left out: we publish no programs table to point at.
``translations.csv`` (table, id, field, language, value) is our addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """A column: its name, Table Schema type and format, and whether it must be filled."""

    name: str
    type: str = "string"
    format: str | None = None
    required: bool = False
    enum: tuple[str, ...] = ()
    description: str = ""  # for our additions and where we differ from HSDS

    def as_field(self) -> dict[str, Any]:
        """The Table Schema field descriptor."""
        found: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.format:
            found["format"] = self.format
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            found["constraints"] = constraints
        if self.description:
            found["description"] = self.description
        return found


def _id(name: str = "id", required: bool = False) -> Column:
    return Column(name, format="uuid", required=required or name == "id")


@dataclass(frozen=True)
class Table:
    """One resource of the package."""

    name: str
    path: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, resource; "" is this one)
    primary_key: str | list[str] = "id"
    rows: list[list[str]] = field(default_factory=list, compare=False)

    def resource(self) -> dict[str, Any]:
        """The data resource descriptor for ``datapackage.json``."""
        schema: dict[str, Any] = {
            "fields": [column.as_field() for column in self.columns],
            "primaryKey": self.primary_key,
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": resource, "fields": "id"}}
                for column, resource in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


_OPTIONAL_HERE = "Required by HSDS; empty here when {}."
_ADDED = "An addition to HSDS: {}"
_STATUS = ("active", "inactive", "defunct", "temporarily closed")
_PLACE_TYPES = ("physical", "postal", "virtual")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def package_tables() -> list[Table]:
    """The package's tables, in HSDS's order of columns, our additions last."""
    text = Column
    return [
        Table(
            "organization",
            "organizations.csv",
            (
                _id(),
                text("name", required=True),
                text("alternate_name"),
                text("description", description=_OPTIONAL_HERE.format("the page has none")),
                text("email", format="email"),
                text("website", format="uri"),
                text("tax_status"),
                text("tax_id"),
                Column("year_incorporated", "number"),
                text("legal_status"),
                text("logo"),
                text("uri", format="uri", description="The organisation's page."),
                _id("parent_organization_id"),
                text("town", description=_ADDED.format("the town the organisation is in.")),
            ),
        ),
        Table(
            "service",
            "services.csv",
            (
                _id(),
                Column(
                    "organization_id",
                    format="uuid",
                    description=_OPTIONAL_HERE.format("the organisation is not public"),
                ),
                text("name", required=True),
                text("alternate_name"),
                text("description", description="The summary, a blank line, the description."),
                text("url", format="uri", description="The offer's page."),
                text("email", format="email"),
                text("status", required=True, enum=_STATUS),
                text("interpretation_services"),
                text("application_process"),
                text("fees_description"),
                text("wait_time"),
                text("fees"),
                text("accreditations"),
                text("eligibility_description"),
                Column("minimum_age", "number"),
                Column("maximum_age", "number"),
                Column("assured_date", "date", description="The day the offer was confirmed."),
                text("assurer_email", format="email"),
                text("licenses"),
                text("alert"),
                Column("last_modified", "datetime"),
                text("summary", description=_ADDED.format("the short summary, plain text.")),
                text(
                    "description_html",
                    description=_ADDED.format("the description as stored (limited HTML)."),
                ),
                text("website", format="uri", description=_ADDED.format("the offer's website.")),
                text("messenger", description=_ADDED.format("how to reach it by messenger.")),
                Column("valid_from", "date", description=_ADDED.format("first day it runs.")),
                Column("valid_to", "date", description=_ADDED.format("last day it runs.")),
                text(
                    "original_language",
                    description=_ADDED.format("the language it was first written in."),
                ),
            ),
            (("organization_id", "organization"),),
        ),
        Table(
            "location",
            "locations.csv",
            (
                _id(),
                text("location_type", required=True, enum=_PLACE_TYPES),
                text("url", format="uri"),
                _id("organization_id"),
                text("name"),
                text("alternate_name"),
                text("description"),
                text("transportation"),
                Column("latitude", "number"),
                Column("longitude", "number"),
                text("external_identifier"),
                text("external_identifier_type"),
            ),
            (("organization_id", "organization"),),
        ),
        Table(
            "address",
            "addresses.csv",
            (
                _id(),
                _id("location_id"),
                text("attention"),
                text("address_1", required=True, description="The street; the town if none."),
                text("address_2"),
                text("city", required=True),
                text("region"),
                text("state_province", description=_OPTIONAL_HERE.format("the Land is unknown")),
                text("postal_code", required=True),
                text("country", required=True),
                text("address_type", required=True, enum=_PLACE_TYPES),
            ),
            (("location_id", "location"),),
        ),
        Table(
            "service_at_location",
            "service_at_location.csv",
            (_id(), _id("service_id", True), _id("location_id", True), text("description")),
            (("service_id", "service"), ("location_id", "location")),
        ),
        Table(
            "schedule",
            "schedules.csv",
            (
                _id(),
                _id("service_id"),
                _id("location_id"),
                _id("service_at_location_id"),
                Column("valid_from", "date"),
                Column("valid_to", "date"),
                Column("dtstart", "date"),
                Column("timezone", "number"),
                Column("until", "date"),
                Column("count", "number"),
                text("wkst", enum=_DAYS),
                text("freq", enum=("WEEKLY", "MONTHLY")),
                Column("interval", "number"),
                text("byday"),
                text("byweekno"),
                text("bymonthday"),
                text("byyearday"),
                text("description"),
                Column("opens_at", "time", description="Local time in TIME_ZONE."),
                Column("closes_at", "time", description="Local time in TIME_ZONE."),
                text("schedule_link", format="uri"),
                text("attending_type"),
                text("notes"),
            ),
            (
                ("location_id", "location"),
                ("service_id", "service"),
                ("service_at_location_id", "service_at_location"),
            ),
        ),
        Table(
            "language",
            "languages.csv",
            (
                _id(),
                _id("service_id"),
                _id("location_id"),
                _id("phone_id"),
                text("name"),
                text("code"),
                text("note"),
            ),
            (("location_id", "location"), ("phone_id", "phone"), ("service_id", "service")),
        ),
        Table(
            "cost_option",
            "cost_options.csv",
            (
                _id(),
                _id("service_id", True),
                Column("valid_from", "date"),
                Column("valid_to", "date"),
                text("option"),
                text("currency"),
                Column("amount", "number", description="0 when free; empty when it costs."),
                text("amount_description"),
            ),
            (("service_id", "service"),),
        ),
        Table(
            "accessibility",
            "accessibility.csv",
            (
                _id(),
                _id("location_id"),
                text("description"),
                text("details"),
                text("url", format="uri"),
            ),
            (("location_id", "location"),),
        ),
        Table(
            "phone",
            "phones.csv",
            (
                _id(),
                _id("location_id"),
                _id("service_id"),
                _id("organization_id"),
                _id("contact_id"),
                _id("service_at_location_id"),
                text("number", required=True),
                Column("extension", "number"),
                text("type"),
                text("description"),
            ),
            (
                ("contact_id", "contact"),
                ("location_id", "location"),
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("service_at_location_id", "service_at_location"),
            ),
        ),
        Table(
            "contact",
            "contacts.csv",
            (
                _id(),
                _id("organization_id"),
                _id("service_id"),
                _id("service_at_location_id"),
                _id("location_id"),
                text("name"),
                text("title"),
                text("department"),
                text("email", format="email"),
            ),
            (
                ("location_id", "location"),
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("service_at_location_id", "service_at_location"),
            ),
        ),
        Table(
            "taxonomy",
            "taxonomies.csv",
            (
                _id(),
                text("name", required=True),
                text("description", required=True),
                text("uri", format="uri"),
                text("version"),
            ),
        ),
        Table(
            "taxonomy_term",
            "taxonomy_terms.csv",
            (
                _id(),
                text("code", description="<parent>:<slug>; a parent's code is its name."),
                text("name", required=True),
                text("description", required=True),
                _id("parent_id"),
                text("taxonomy"),
                text("language"),
                _id("taxonomy_id"),
                text("term_uri", format="uri"),
            ),
            (("taxonomy_id", "taxonomy"), ("parent_id", "")),
        ),
        Table(
            "attribute",
            "attributes.csv",
            (
                _id(),
                _id("link_id", True),
                _id("taxonomy_term_id", True),
                text("link_type", description="The code of the term's parent."),
                text("link_entity", required=True),
                text("value"),
            ),
            (("taxonomy_term_id", "taxonomy_term"),),
        ),
        Table(
            "translation",
            "translations.csv",
            (
                text("table", required=True, description="The resource the text belongs to."),
                _id("id", True),
                text("field", required=True),
                text("language", required=True),
                text("value", required=True),
            ),
            primary_key=["table", "id", "field", "language"],
        ),
    ]
