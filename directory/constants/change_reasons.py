"""Ready-made reasons a moderator can tick when asking for changes or rejecting an offer.

Each is one plain sentence addressed to the submitter, translated into every site
language, so a ticked reason reaches them in their own language even when the
moderator writes only German. The moderator sees the same sentence in the dialog:
what they tick is what the submitter reads.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeReason(models.TextChoices):
    """Why an offer cannot be published as it is."""

    # Asking for changes: the submitter can fix these.
    TIME_MISSING = "time_missing", _("Please add the day and the time of your offer.")
    PLACE_UNCLEAR = (
        "place_unclear",
        _("Please write the address more exactly, so that people can find the place."),
    )
    CONTACT_MISSING = (
        "contact_missing",
        _("Please add a way to contact you, for example a phone number or an e-mail address."),
    )
    TEXT_UNCLEAR = (
        "text_unclear",
        _(
            "The text is hard to understand. Please say in short, simple sentences "
            "what people can do at your offer."
        ),
    )
    PICTURE_UNSUITABLE = (
        "picture_unsuitable",
        _(
            "The picture does not fit the offer. Please choose another picture "
            "or send the offer without a picture."
        ),
    )
    PICTURE_CONSENT = (
        "picture_consent",
        _(
            "People can be recognised in the picture. Please send it only if these people agreed; "
            "otherwise choose another picture."
        ),
    )
    # Rejecting for good.
    DUPLICATE = "duplicate", _("This offer is already in the directory.")
    NOT_FOR_NEWCOMERS = (
        "not_for_newcomers",
        _("The directory only shows offers for people who are new here. This offer is not one."),
    )
    OUTSIDE_AREA = "outside_area", _("The offer does not take place in our district.")
    ADVERTISING = "advertising", _("The directory does not show advertising for a business.")


# Which reasons fit which workflow action (the names in ``OfferReviewTask.get_actions``).
REASONS_FOR_ACTION: dict[str, list[ChangeReason]] = {
    "reject": [
        ChangeReason.TIME_MISSING,
        ChangeReason.PLACE_UNCLEAR,
        ChangeReason.CONTACT_MISSING,
        ChangeReason.TEXT_UNCLEAR,
        ChangeReason.PICTURE_UNSUITABLE,
        ChangeReason.PICTURE_CONSENT,
    ],
    "decline": [
        ChangeReason.DUPLICATE,
        ChangeReason.NOT_FOR_NEWCOMERS,
        ChangeReason.OUTSIDE_AREA,
        ChangeReason.ADVERTISING,
    ],
}
