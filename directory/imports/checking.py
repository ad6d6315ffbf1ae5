"""Check records with the models' own rules and decide what each row will do.

Nothing is written here. Each record gets an :class:`Outcome`: a new offer, an
update of the offer it matches, unchanged, skipped (a duplicate the moderator
chose to leave alone, or a row repeated in the file), or invalid with its
problems by column. Matching uses the submission's duplicate check
(``moderation.possible_duplicates``) and, for HSDS packages, our own ids.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rapidfuzz import process

from .. import rules
from ..constants.formats import OfferFormat
from ..gazetteer import normalise, resolve_place
from ..geo import GeoPoint, distance_km
from ..geocoding import MAX_KM_FROM_TOWN
from ..i18n import SOURCE_LANGUAGE, column, site_languages
from ..models import OfferImport, OfferLocation, OfferPage
from ..moderation import DUPLICATE_SCORE, DUPLICATE_SCORER
from ..validators import title_errors
from .building import PLAIN_FIELDS, new_page
from .records import OFFER_TEXTS, OfferRecord, Problem, to_json


class Decision:
    """What the import will do with a row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    INVALID = "invalid"
    ALL = (NEW, UPDATE, UNCHANGED, SKIP, INVALID)


@dataclass
class Outcome:
    """The check's verdict on one record."""

    decision: str
    match: int | None = None  # the existing offer a duplicate matches
    duplicate_of_row: int | None = None
    problems: list[Problem] = field(default_factory=list)


REQUIRED = {
    "title": lambda r: r.text("title", SOURCE_LANGUAGE),
    "summary": lambda r: r.text("summary", SOURCE_LANGUAGE),
    "kind": lambda r: r.kind,
    "categories": lambda r: r.categories,
    "spoken_languages": lambda r: r.spoken_languages,
    "organisation": lambda r: r.organisation.name,
}


def fingerprint(record: OfferRecord) -> str:
    """A hash of the record's content (not its row number): the same row gives the same hash."""
    data = to_json(record)
    for name in ("row", "problems", "columns"):
        data.pop(name, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def model_problems(record: OfferRecord) -> list[Problem]:
    """The models' own validation of the offer, its times and places, by the file's columns."""
    found: list[Problem] = []

    def note(name: str, messages: Iterable[str]) -> None:
        found.extend(Problem(record.column_of(name), str(m)) for m in messages)

    missing = [name for name, present in REQUIRED.items() if not present(record)]
    for name in missing:
        note(name, [_("This is required and empty.")])
    page = new_page(record)
    own = set(_TEXT_COLUMNS) | set(PLAIN_FIELDS)
    excluded = [f.name for f in OfferPage._meta.fields if f.name not in own]
    try:
        page.clean_fields(exclude=excluded)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if _record_field(name) not in missing:  # said once already, in plain words
                note(_record_field(name), messages)
    for name, message in title_errors(page).items():
        note(_record_field(name), [message])
    for name, problem in (
        ("valid_until", rules.validity_problem(page.valid_from, page.valid_until)),
        ("cost_note", rules.cost_problem(page.is_free, page.cost_note)),
    ):
        if problem:
            note(name, [problem])
    for children, name in ((page.weekly_slots, "slots"), (page.dates, "dates")):
        for child in children.all():
            try:
                child.full_clean(exclude=["page"])
            except ValidationError as error:
                note(name, error.messages)
    if page.format in (OfferFormat.IN_PERSON, OfferFormat.HYBRID) and not record.places:
        note("places", [_("An offer that takes place in person needs at least one place.")])
    for place in page.locations.all():
        try:
            place.full_clean(exclude=["page"])
        except ValidationError as error:
            note("places", error.messages)
        else:
            note("places", _place_problems(place))
    return found


def _record_field(column: str) -> str:
    """The record field for a model column: ``summary_ar`` → ``summary:ar``."""
    return _TEXT_COLUMNS.get(column, column)


# Model column of a text in a language → the record field ("title_ar" → "title:ar").
_TEXT_COLUMNS = {
    column(name, language): name if language == SOURCE_LANGUAGE else f"{name}:{language}"
    for name in OFFER_TEXTS
    for language in site_languages()
}


def _place_problems(place) -> list[str]:
    """A place must be findable: a known postcode or town; coordinates near it (as the geocoder)."""
    known = (resolve_place(place.postcode) if place.postcode else None) or (
        resolve_place(place.town) if place.town else None
    )
    label = f"{place.postcode} {place.town}".strip()
    if known is None:
        return [
            _('We do not know the place "%(place)s". Check the postcode and town.')
            % {"place": label}
        ]
    if place.latitude is not None and place.longitude is not None:
        point = GeoPoint(place.latitude, place.longitude)
        if distance_km(point, known.latitude, known.longitude) > MAX_KM_FROM_TOWN:
            return [
                _("The coordinates of %(place)s lie more than %(km)d km from the town.")
                % {"place": label, "km": MAX_KM_FROM_TOWN}
            ]
    return []


def _same_offer_key(record: OfferRecord) -> tuple[str, frozenset[str], str]:
    towns = frozenset(normalise(p.town or p.postcode) for p in record.places)
    return (
        normalise(record.text("title", SOURCE_LANGUAGE)),
        towns,
        normalise(record.organisation.name),
    )


class DuplicateFinder:
    """The submission's duplicate check (``moderation.possible_duplicates``) for whole files.

    Same rule: a similar title (``DUPLICATE_SCORER`` ≥ ``DUPLICATE_SCORE``) in the same
    town or from the same organisation. But every offer's title, towns and organisation are
    read once, not queried per row: a file of 10,000 rows stays linear. Organisations are
    compared by name, since a row names its organisation rather than pointing to one.
    """

    def __init__(self) -> None:
        title = column("title", SOURCE_LANGUAGE)
        self.titles: dict[int, str] = {}
        self.by_place: dict[str, set[int]] = defaultdict(set)
        rows = OfferPage.objects.values_list("pk", title, f"organisation__{title}")
        for pk, name, organisation in rows.iterator():
            self.titles[pk] = normalise(name or "")
            if organisation:
                self.by_place["organisation:" + normalise(organisation)].add(pk)
        for pk, town in OfferLocation.objects.values_list("page_id", "town").iterator():
            self.by_place["town:" + normalise(town)].add(pk)

    def find(self, record: OfferRecord) -> int | None:
        """The existing offer most like ``record``, if one is alike enough."""
        towns = {"town:" + normalise(place.town) for place in record.places if place.town}
        in_town = set().union(*(self.by_place.get(key, ()) for key in towns))
        organisation = "organisation:" + normalise(record.organisation.name)
        candidates = in_town | self.by_place.get(organisation, set())
        if not candidates:
            return None
        title = normalise(record.text("title", SOURCE_LANGUAGE))
        found = process.extract(
            title,
            {pk: self.titles[pk] for pk in candidates},
            scorer=DUPLICATE_SCORER,
            score_cutoff=DUPLICATE_SCORE,
            limit=None,
        )
        if not found:
            return None
        # A token-set ratio is 100 for any title whose words include the other's ("Sprachcafé
        # Au" in "Sprachcafé Au in der Hallertau"): among equals, the same town and then the
        # same title win.
        _title, _score, pk = max(
            found, key=lambda m: (m[1], m[2] in in_town, self.titles[m[2]] == title)
        )
        return pk


def check_records(
    records: list[OfferRecord],
    *,
    on_duplicate: str,
    own_offers: dict[str, int] | None = None,
    last_imports: dict[int, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """The outcome of every record, in order.

    ``own_offers`` maps our HSDS ids to offer pks (an HSDS package from this installation);
    ``last_imports`` maps offer pks to the fingerprint of the row that last wrote them.
    """
    own_offers = own_offers or {}
    last_imports = last_imports or {}
    finder = DuplicateFinder()
    seen: dict[tuple, int] = {}
    outcomes = []
    for n, record in enumerate(records, start=1):
        outcomes.append(_check(record, on_duplicate, own_offers, last_imports, seen, finder))
        if progress is not None:
            progress(n)
    return outcomes


def _check(record, on_duplicate, own_offers, last_imports, seen, finder) -> Outcome:
    # A cell that could not be read is reported once, not again as "required" or invalid.
    unreadable = {problem.column for problem in record.problems}
    problems = list(record.problems) + [
        p for p in model_problems(record) if p.column not in unreadable
    ]
    if problems:
        return Outcome(Decision.INVALID, problems=problems)
    key = _same_offer_key(record)
    if key in seen:
        return Outcome(Decision.SKIP, duplicate_of_row=seen[key])
    seen[key] = record.row
    match = own_offers.get(record.uid) or finder.find(record)
    if match is None:
        return Outcome(Decision.NEW)
    if on_duplicate != "update":
        return Outcome(Decision.SKIP, match=match)
    if last_imports.get(match) == fingerprint(record):
        return Outcome(Decision.UNCHANGED, match=match)
    return Outcome(Decision.UPDATE, match=match)


def tally(decisions: Iterable[str]) -> dict[str, int]:
    """How many rows got each decision."""
    found = dict.fromkeys(Decision.ALL, 0)
    for decision in decisions:
        found[decision] += 1
    return found


def last_fingerprints() -> dict[int, str]:
    """Offer pk → fingerprint of the row that last wrote it (from any import)."""
    rows = OfferImport.objects.order_by("imported_at", "pk").values_list("offer_id", "fingerprint")
    return dict(rows.iterator())  # later rows overwrite earlier ones: the last import wins
