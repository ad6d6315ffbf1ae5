"""Report a problem with an offer: the report goes into the moderators' queue."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from ..forms.reports import ProblemReportForm
from ..i18n import active_language
from ..models import OfferPage, ProblemReport
from ..ratelimit import rate_limited


@never_cache
@rate_limited("report")
@require_http_methods(["GET", "POST"])
def report(request, offer_id: int):
    """The form (on its own page, so browsing an offer sets no cookie) and the thank-you."""
    offer = OfferPage.objects.public_current().filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            if not form.is_spam():
                filed = ProblemReport.objects.create(
                    offer=offer,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    email=form.cleaned_data["email"],
                    language=active_language(),
                )
                log(
                    instance=offer,
                    action="directory.reported",
                    data={"report": filed.pk, "reason": filed.reason},
                )
            return render(request, "directory/report_thanks.html", {"offer": offer})
    else:
        form = ProblemReportForm()
    return render(request, "directory/report.html", {"offer": offer, "form": form})
