"""Our published taxonomy "gemeinsam": the directory's fixed lists as HSDS taxonomy terms.

HSDS links a service to a classification through an ``attribute`` that names a
``taxonomy_term``. Every fixed choice of an offer becomes such a term, under one
parent term per list:

- ``kind``: the kind of offer (``constants.kinds``);
- ``category``: the categories (``Category`` table, the order of ``constants.categories``);
- ``target-group``: the target groups (``TargetGroup`` table);
- ``format``: in person, online or hybrid (``constants.formats``) — HSDS has no field for it;
- ``feature``: the yes/no conditions HSDS has no field for — ``childcare``,
  ``interpreter_available``, ``registration_required``, ``wheelchair_accessible``
  (slugs are the model's field names); a service has the term when the flag is on;
- ``organisation-type``: the type of an organisation (``constants.organisation_types``),
  linked to organisations, not services.

A term's ``code`` is ``<parent>:<slug>`` (``category:sport``); a parent's code is its
own name. The slug alone is not enough: HSDS wants ``code`` unique in the whole
table, and "volunteering" is both a kind and a category. Names and descriptions
are the site's translated labels in the language asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..constants.formats import OfferFormat
from ..constants.kinds import OfferKind
from ..constants.organisation_types import OrganisationType
from .ids import uid

TAXONOMY_NAME = "gemeinsam"
TAXONOMY_VERSION = "1"

# The parents, in the order they are listed.
KIND, CATEGORY, TARGET_GROUP = "kind", "category", "target-group"
FORMAT, FEATURE, ORGANISATION_TYPE = "format", "feature", "organisation-type"
FEATURES: tuple[tuple[str, Promise], ...] = (
    ("childcare", gettext_lazy("Childcare provided")),
    ("interpreter_available", gettext_lazy("Interpreter available")),
    ("registration_required", gettext_lazy("Registration needed")),
    ("wheelchair_accessible", gettext_lazy("Wheelchair accessible")),
)
_PARENT_LABELS: dict[str, tuple[Promise, Promise]] = {
    KIND: (gettext_lazy("Kind of offer"), gettext_lazy("What sort of offer it is.")),
    CATEGORY: (gettext_lazy("Category"), gettext_lazy("The topic of an offer.")),
    TARGET_GROUP: (gettext_lazy("For whom"), gettext_lazy("Whom an offer is meant for.")),
    FORMAT: (
        gettext_lazy("Format"),
        gettext_lazy("Whether an offer takes place in person, online or both."),
    ),
    FEATURE: (gettext_lazy("Features"), gettext_lazy("What an offer provides besides itself.")),
    ORGANISATION_TYPE: (
        gettext_lazy("Type of organisation"),
        gettext_lazy("The legal or social form of an organisation."),
    ),
}
# Parameters of the offer list that show the offers with a term (what ``term_uri`` links to).
_LIST_FILTERS = {KIND: "kind", CATEGORY: "category", TARGET_GROUP: "target_group"}
_FEATURE_FILTERS = {"childcare": "childcare=1", "wheelchair_accessible": "accessible=1"}


@dataclass(frozen=True)
class Term:
    """One term: a parent (``group`` empty) or a value under the parent ``group``."""

    group: str
    slug: str
    label: Any  # a lazy translation, or a plain string for a retired table entry

    @property
    def code(self) -> str:
        """``<parent>:<slug>``, or a parent's own name."""
        return f"{self.group}:{self.slug}" if self.group else self.slug

    @property
    def id(self) -> str:
        """The term's HSDS id."""
        return uid("taxonomy_term", self.code)

    @property
    def parent_id(self) -> str | None:
        """The HSDS id of the parent term (None for a parent)."""
        return uid("taxonomy_term", self.group) if self.group else None


def taxonomy_id() -> str:
    """The id of the taxonomy "gemeinsam"."""
    return uid("taxonomy", TAXONOMY_NAME)


class Taxonomy:
    """Every term of "gemeinsam", found by id or by parent and slug.

    Categories and target groups come from their tables (one small query each), so
    a retired entry an offer still points at keeps its term.
    """

    def __init__(self) -> None:
        from ..models import Category, TargetGroup

        values: list[tuple[str, list[tuple[str, Any]]]] = [
            (KIND, list(OfferKind.choices)),
            (CATEGORY, [(c.slug, c.label) for c in Category.objects.order_by("sort_order", "pk")]),
            (
                TARGET_GROUP,
                [(g.slug, g.label) for g in TargetGroup.objects.order_by("sort_order", "pk")],
            ),
            (FORMAT, list(OfferFormat.choices)),
            (FEATURE, list(FEATURES)),
            (ORGANISATION_TYPE, list(OrganisationType.choices)),
        ]
        self.terms: list[Term] = []
        for group, children in values:
            self.terms.append(Term("", group, _PARENT_LABELS[group][0]))
            self.terms += [Term(group, slug, label) for slug, label in children]
        self.by_id = {term.id: term for term in self.terms}
        self.by_code = {term.code: term for term in self.terms}

    def term(self, group: str, slug: str) -> Term:
        """The term for ``slug`` under ``group`` (a plain one for a value no list knows)."""
        return self.by_code.get(f"{group}:{slug}") or Term(group, slug, slug)

    def children(self, parent: Term) -> list[Term]:
        """The terms directly under ``parent``."""
        return [term for term in self.terms if term.group and term.group == parent.code]


def taxonomy_dict(language: str) -> dict[str, Any]:
    """The HSDS ``taxonomy`` object of "gemeinsam", its description in ``language``."""
    with translation.override(language):
        description = _(
            "The fixed lists of the directory Gemeinsam: kinds of offer, categories, "
            "target groups, formats, features and types of organisation."
        )
    return {
        "id": taxonomy_id(),
        "name": TAXONOMY_NAME,
        "description": description,
        "version": TAXONOMY_VERSION,
    }


def term_uri(term: Term, offer_list_url: str) -> str | None:
    """The offer list showing the offers with ``term``, where the list can filter by it."""
    if not offer_list_url or not term.group:
        return None
    if term.group in _LIST_FILTERS:
        return f"{offer_list_url}?{_LIST_FILTERS[term.group]}={term.slug}"
    if term.group == FEATURE and term.slug in _FEATURE_FILTERS:
        return f"{offer_list_url}?{_FEATURE_FILTERS[term.slug]}"
    return None


def term_dict(term: Term, language: str, offer_list_url: str = "") -> dict[str, Any]:
    """The HSDS ``taxonomy_term`` object of ``term``, name and description in ``language``."""
    with translation.override(language):
        name = str(term.label)
        if term.group:
            group_name = str(_PARENT_LABELS[term.group][0]) if term.group in _PARENT_LABELS else ""
            description = _("%(group)s: %(name)s") % {"group": group_name, "name": name}
        else:
            description = str(_PARENT_LABELS[term.slug][1])
    found: dict[str, Any] = {
        "id": term.id,
        "code": term.code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_id(),
        "language": language,
    }
    if term.parent_id:
        found["parent_id"] = term.parent_id
    if uri := term_uri(term, offer_list_url):
        found["term_uri"] = uri
    return found


def offers_with(term: Term, offers):
    """``offers`` (a queryset) narrowed to those the term is linked to.

    A parent stands for any of its children; an organisation type for the offers of
    organisations of that type.
    """
    fields = {KIND: "kind", FORMAT: "format", ORGANISATION_TYPE: "organisation__org_type"}
    if not term.group:
        if term.slug == CATEGORY:
            return offers.filter(categories__isnull=False).distinct()
        if term.slug == TARGET_GROUP:
            return offers.filter(target_groups__isnull=False).distinct()
        if term.slug == FEATURE:
            any_flag = Q()
            for flag, _label in FEATURES:
                any_flag |= Q(**{flag: True})
            return offers.filter(any_flag)
        if term.slug == ORGANISATION_TYPE:
            return offers.filter(organisation__isnull=False).exclude(organisation__org_type="")
        return offers  # every offer has a kind and a format
    if term.group == CATEGORY:
        return offers.filter(categories__slug=term.slug).distinct()
    if term.group == TARGET_GROUP:
        return offers.filter(target_groups__slug=term.slug).distinct()
    if term.group == FEATURE:
        return offers.filter(**{term.slug: True})
    return offers.filter(**{fields[term.group]: term.slug})
