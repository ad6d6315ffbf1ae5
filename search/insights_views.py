"""The insights pages in the admin, for moderators (issue 17, docs/INSIGHTS.md).

Thin: the report comes from ``search.insights_report.build``; these views choose the
month, add the admin's links, and render it as a page, as CSV, or for printing.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.constants.target_groups import TARGET_GROUPS
from directory.models import OfferIndexPage
from directory.translators import is_moderator

from .insights import QueryCount
from .insights_report import TABLE_SECTIONS, Period, Report, build, parse_month

MONTHS_TO_CHOOSE = 12


def _moderator(request: HttpRequest) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied


def _period(request: HttpRequest, *, tell: bool) -> Period:
    text = request.GET.get("month", "")
    if not text:
        return Period.current()
    period = parse_month(text)
    if period is None:
        if tell:
            messages.error(request, _("There is no report for that month; this month is shown."))
        return Period.current()
    return period


def _group(request: HttpRequest) -> str | None:
    group = request.GET.get("group", "")
    return group if group in dict(TARGET_GROUPS) else None


def _links(request: HttpRequest):
    """The two actions for a search without results: teach the search the words, or
    start an offer with them as its title."""
    index = OfferIndexPage.objects.first()
    words_url = reverse("wagtailsnippets_offer_search_thesaurusterm:add")

    def links(q: QueryCount) -> list[tuple[str, str]]:
        found = [
            (
                _("Add to search words"),
                f"{words_url}?{urlencode({'language': q.language, 'phrases': q.query})}",
            )
        ]
        if index is not None:
            add = reverse("wagtailadmin_pages:add", args=("directory", "offerpage", index.pk))
            found.append((_("Start an offer"), f"{add}?{urlencode({'title': q.query})}"))
        return found

    return links


def _months() -> list[Period]:
    today = timezone.localdate()
    first = today.replace(day=1)
    months = []
    for _step in range(MONTHS_TO_CHOOSE):
        months.append(Period.month(first.year, first.month))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months


def _query(report: Report, group: str | None) -> str:
    return urlencode({"month": report.period.key, **({"group": group} if group else {})})


def overview(request: HttpRequest) -> HttpResponse:
    """Every section for one month, with charts, tables, CSV links and the actions."""
    _moderator(request)
    group = _group(request)
    report = build(_period(request, tell=True), group=group, links=_links(request))
    return render(
        request,
        "search/admin/insights/overview.html",
        {
            "report": report,
            "months": _months(),
            "groups": TARGET_GROUPS,
            "group": group,
            "query": _query(report, group),
        },
    )


def printable(request: HttpRequest) -> HttpResponse:
    """The month's report for the district's committee, laid out for printing."""
    _moderator(request)
    group = _group(request)
    report = build(_period(request, tell=False), group=group)
    return render(request, "search/admin/insights/report.html", {"report": report})


def table_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One table of the month as CSV (UTF-8 with a byte order mark, so Excel reads it)."""
    _moderator(request)
    if slug not in TABLE_SECTIONS:
        raise Http404
    group = _group(request)
    report = build(_period(request, tell=False), group=group, only=[TABLE_SECTIONS[slug]])
    table = report.table(slug)
    if table is None:
        raise Http404
    response = HttpResponse("\ufeff" + table.csv(), content_type="text/csv; charset=utf-8")
    name = f"gemeinsam-{slug}-{report.period.key}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
