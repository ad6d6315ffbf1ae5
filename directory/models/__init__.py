"""The directory's models: offer and organisation pages, taxonomy, and who contributes."""

from .contributions import (
    OfferOwner,
    OfferReminder,
    OfferReviewTask,
    OrganisationMembership,
    ProblemReport,
)
from .operations import FailedNotification, RateCounter
from .pages import (
    RICH_TEXT_FEATURES,
    SOURCE_LANGUAGE,
    Category,
    GeocodedAddress,
    Occurrence,
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferPageQuerySet,
    OfferWeeklySlot,
    OrganisationIndexPage,
    OrganisationPage,
    SpokenLanguage,
    TargetGroup,
    next_occurrences,
)

__all__ = [
    "RICH_TEXT_FEATURES",
    "SOURCE_LANGUAGE",
    "Category",
    "FailedNotification",
    "GeocodedAddress",
    "Occurrence",
    "OfferDate",
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
    "next_occurrences",
]
