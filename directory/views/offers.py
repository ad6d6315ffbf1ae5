"""What people do with an offer besides reading it: put it in their calendar, print a flyer."""

from __future__ import annotations

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..calendar import offer_calendar
from ..models import OfferPage
from ..slugs import ascii_slug


def _public_offer(offer_id: int) -> OfferPage:
    offer = OfferPage.objects.public_current().filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


@require_GET
def calendar(request, offer_id: int):
    """The offer's weekly times and dates as an .ics file."""
    offer = _public_offer(offer_id)
    url = offer.get_full_url(request)
    body = offer_calendar(offer, url, request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # A slug: the title never reaches the header as it was typed.
    name = ascii_slug(offer.title_de or offer.slug, "angebot")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@require_GET
def flyer(request, offer_id: int):
    """A printable page: the essentials and a QR code that leads to the offer's page."""
    offer = _public_offer(offer_id)
    url = offer.get_full_url(request)
    qr = segno.make(url, error="m")
    return render(
        request,
        "directory/offer_flyer.html",
        {
            "page": offer,
            "offer_url": url,
            # segno writes the SVG itself and escapes the title; the data is our own URL.
            "qr_svg": mark_safe(  # noqa: S308
                qr.svg_inline(
                    scale=6,
                    dark="#000",
                    light="#fff",
                    omitsize=True,
                    svgclass="qr",
                    title=_("QR code that leads to this page"),
                )
            ),
            "upcoming": offer.upcoming(limit=4),
        },
    )
