"""The rules every offer follows, each written once with one message.

The public form (``forms.offer_steps``), the members' edit page and the
admin (through the models' ``clean``) all ask these functions, so a rule and
its wording cannot drift apart. Each returns the message, or None when the
rule holds.
"""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

END_AFTER_START = _("The end must be after the start.")
VALIDITY_ORDER = _("The end of validity must not be before its start.")
COST_NEEDED = _("Say what the offer costs, or mark it as free of charge.")


def time_order_problem(start: dt.time | None, end: dt.time | None) -> Promise | None:
    """A time span must end after it starts."""
    return END_AFTER_START if start and end and start >= end else None


def validity_problem(valid_from: dt.date | None, valid_until: dt.date | None) -> Promise | None:
    """An offer's validity must not end before it starts (one day is fine)."""
    return VALIDITY_ORDER if valid_from and valid_until and valid_from > valid_until else None


def cost_problem(is_free: bool | None, cost_note: str | None) -> Promise | None:
    """An offer that is not free says what it costs."""
    return COST_NEEDED if is_free is False and not (cost_note or "").strip() else None
