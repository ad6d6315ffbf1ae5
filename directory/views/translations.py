"""The translators' pages in the admin: their languages, a queue per language, and the
side-by-side editor that saves a revision of one offer's texts in one language."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import moderation, translators
from ..forms.translations import TranslationForm
from ..i18n import site_languages
from ..models import OfferPage
from ..translation_status import (
    NEEDS_WORK,
    STATUS_LABELS,
    mark_reviewed,
    slots,
    source_of,
    statuses,
)


def _allowed(request, language: str) -> None:
    if language not in site_languages() or language not in translators.languages_of(request.user):
        raise PermissionDenied


def overview(request):
    """The languages the user translates, with how much work waits in each."""
    languages = translators.languages_of(request.user)
    if not languages:
        raise PermissionDenied
    rows = []
    for language, entries in translators.queues(languages).items():
        counts = dict.fromkeys(NEEDS_WORK, 0)
        for entry in entries:
            for status, count in entry.counts.items():
                counts[status] += count
        rows.append((language, len(entries), [(STATUS_LABELS[s], counts[s]) for s in NEEDS_WORK]))
    return render(request, "directory/admin/translations/overview.html", {"rows": rows})


def language_queue(request, language: str):
    """Offers waiting for work in ``language``: missing, outdated, automatic; oldest first."""
    _allowed(request, language)
    entries = translators.queue(language)
    return render(
        request,
        "directory/admin/translations/queue.html",
        {"language": language, "entries": entries},
    )


@require_http_methods(["GET", "POST"])
def translate(request, language: str, page_id: int):
    """One offer's texts: the source next to the translation in ``language``."""
    _allowed(request, language)
    page = OfferPage.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    draft = page.get_latest_revision_as_object()
    if language == (draft.original_language or ""):
        raise Http404  # the offer was written in this language: nothing to translate
    texts = slots(draft)
    states = statuses(draft)
    form = TranslationForm(request.POST or None, slots=texts, language=language, states=states)
    if request.method == "POST" and form.is_valid():
        written, confirmed = form.changes()
        if not written and not confirmed:
            messages.info(request, _("Nothing was changed."))
            return redirect("directory_translations:translate", language, page.pk)
        for slot, value in written:
            slot.write(language, value)
        try:
            draft.full_clean()
        except ValidationError as error:
            # A rule of the whole offer: shown above the form, everything typed kept.
            form.add_model_errors(error)
            return _form_page(request, page, draft, language, form)
        for slot in confirmed + [slot for slot, _value in written]:
            mark_reviewed(page, slot, language)
        revision = draft.save_revision(user=request.user, log_action=True, clean=False)
        if translators.publishes_directly(request.user):
            # Translators have no page permissions; being trusted is their permission.
            revision.publish(user=request.user, skip_permission_checks=True)
            messages.success(request, _("Translation saved and published."))
        else:
            moderation.submit_for_review(page, request.user)
            messages.success(request, _("Translation saved and sent to the moderators."))
        return redirect("directory_translations:queue", language)
    return _form_page(request, page, draft, language, form)


def _form_page(request, page, draft, language: str, form: TranslationForm):
    rows = [
        (slot, slot.text(source_of(draft, language)), text, confirm, STATUS_LABELS[status])
        for slot, text, confirm, status in form.bound_rows()
    ]
    return render(
        request,
        "directory/admin/translations/translate.html",
        {
            "page": page,
            "language": language,
            "source_language": source_of(draft, language),
            "form": form,
            "rows": rows,
            "in_review": moderation.in_review(page) is not None,
        },
    )
