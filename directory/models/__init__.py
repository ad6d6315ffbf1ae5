"""The directory's models: offer and organisation pages, taxonomy, and who contributes."""

from ..occurrences import Occurrence, next_occurrences
from .contributions import (
    OfferOwner,
    OfferReminder,
    OfferReviewTask,
    OrganisationMembership,
    ProblemReport,
)
from .imports import ImportBatch, ImportColumnMapping, OfferImport
from .offers import (
    RICH_TEXT_FEATURES,
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferPageQuerySet,
    OfferWeeklySlot,
)
from .operations import FailedNotification, RateCounter
from .organisations import OrganisationIndexPage, OrganisationPage
from .places import GeocodedAddress
from .taxonomy import Category, SpokenLanguage, TargetGroup
from .translations import TranslationOrigin, TranslationState, Translator

__all__ = [
    "RICH_TEXT_FEATURES",
    "Category",
    "FailedNotification",
    "GeocodedAddress",
    "ImportBatch",
    "ImportColumnMapping",
    "Occurrence",
    "OfferDate",
    "OfferImport",
    "OfferIndexPage",
    "OfferLocation",
    "OfferOwner",
    "OfferPage",
    "OfferPageQuerySet",
    "OfferReminder",
    "OfferReviewTask",
    "OfferWeeklySlot",
    "OrganisationIndexPage",
    "OrganisationMembership",
    "OrganisationPage",
    "ProblemReport",
    "RateCounter",
    "SpokenLanguage",
    "TargetGroup",
    "TranslationOrigin",
    "TranslationState",
    "Translator",
    "next_occurrences",
]
