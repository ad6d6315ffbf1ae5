"""A search as a calendar to subscribe to: "all Sprachcafés near Weilheim" on a phone.

``/<language>/search/calendar.ics?<the search's parameters>`` answers with one
iCalendar file holding the times of the search's first ``FEED_SIZE`` offers, in
the order the search ranks them; a calendar app that subscribes to the address
asks again now and then and sees new and ended offers. The same search form
checks the parameters as on the results page, and only public, current offers
are ever found (the search interface's rule).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directory.calendar import offers_calendar
from directory.models import OfferPage

from .forms import MAX_PAGE_SIZE, OfferSearchForm
from .interface import search

FEED_SIZE = MAX_PAGE_SIZE  # more events than this make a phone's calendar unreadable


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The offers a search finds, as one .ics file (400 with the reason for a bad search)."""
    parameters = request.GET.copy()
    parameters.pop("page", None)  # always the best-ranked offers
    parameters["page_size"] = str(FEED_SIZE)
    form = OfferSearchForm(parameters, default_page_size=FEED_SIZE)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            _("This search cannot be a calendar: %(problems)s") % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    ids = [hit.offer.pk for hit in search(form.to_query()).hits]
    offers = (
        OfferPage.objects.public_current()
        .filter(pk__in=ids)
        .prefetch_related("locations", "weekly_slots", "dates")
    )
    ranked = sorted(offers, key=lambda offer: ids.index(offer.pk))
    body = offers_calendar(
        [(offer, offer.get_full_url(request)) for offer in ranked],
        request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gemeinsam.ics"'
    return response
