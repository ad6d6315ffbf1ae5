"""The moderators' import in the admin: upload → column mapping → preview → import.

The check and the import run in the background (``imports.jobs``); the batch page
shows their progress, then the preview with every problem by row and column,
then what was written. Nothing reaches the directory before the moderator
confirms the preview.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.imports import MappingForm, UploadForm
from ..imports import columns, jobs
from ..imports.reading import ReadError, write_template_csv, write_template_xlsx
from ..models import ImportBatch
from ..translators import is_moderator

ROWS_PER_PAGE = 100
PROBLEMS_SHOWN = 1000


def _moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def upload(request):
    """The first step: a file, and whether its source is trusted."""
    _moderator(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = jobs.upload(
                upload.read(),
                upload.name,
                user=request.user,
                trusted=form.cleaned_data["trusted"],
                on_duplicate=form.cleaned_data["on_duplicate"],
            )
        except ReadError as error:
            form.add_error("file", str(error))
        else:
            if batch.status == ImportBatch.Status.MAPPING:
                return redirect("directory_imports:mapping", batch.pk)
            return redirect("directory_imports:batch", batch.pk)
    return render(
        request,
        "directory/admin/imports/upload.html",
        {"form": form, "batches": ImportBatch.objects.select_related("created_by")[:20]},
    )


@require_http_methods(["GET", "POST"])
def mapping(request, batch_id: int):
    """The second step: which field each column holds; known headers come pre-chosen."""
    _moderator(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id, format=ImportBatch.Format.SPREADSHEET)
    if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.CHECKED):
        return redirect("directory_imports:batch", batch.pk)
    form = MappingForm(request.POST or None, headers=batch.headers, mapping=batch.mapping)
    problems: list[str] = []
    if request.method == "POST":
        if not form.is_valid():
            problems = [_("Choose a field from the list for every column.")]
        elif not (problems := jobs.mapping_problems(form.mapping())):
            jobs.set_mapping(batch, form.mapping())
            return redirect("directory_imports:batch", batch.pk)
    samples = [[cells[i] for _n, cells in batch.rows[:3]] for i in range(len(batch.headers))]
    return render(
        request,
        "directory/admin/imports/mapping.html",
        {
            "batch": batch,
            "columns": list(zip(form, samples, strict=True)),
            "form": form,
            "problems": problems,
        },
    )


def batch(request, batch_id: int):
    """Progress while the check or import runs; then the preview, or what was imported."""
    _moderator(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    context = {"batch": batch, "counts": jobs.counts(batch), "stalled": jobs.stalled(batch)}
    if batch.status == ImportBatch.Status.CHECKED:
        problems = [
            (item["record"]["row"], problem)
            for item in batch.records
            for problem in item["outcome"]["problems"]
        ]
        rows = Paginator(batch.records, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            problems=problems[:PROBLEMS_SHOWN],
            problems_hidden=max(0, len(problems) - PROBLEMS_SHOWN),
            rows=rows,
            to_write=context["counts"]["new"] + context["counts"]["update"],
        )
    if batch.status == ImportBatch.Status.DONE:
        context["imported"] = jobs.imported_offers(batch)
    return render(request, "directory/admin/imports/batch.html", context)


@require_POST
def confirm(request, batch_id: int):
    """The moderator confirmed the preview: write the rows."""
    _moderator(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if jobs.start_import(batch):
        messages.success(request, _("The import has started."))
    return redirect("directory_imports:batch", batch.pk)


@require_POST
def cancel(request, batch_id: int):
    """Drop a file before it is imported; nothing was written."""
    _moderator(request)
    batch = get_object_or_404(
        ImportBatch,
        pk=batch_id,
        status__in=[ImportBatch.Status.MAPPING, ImportBatch.Status.CHECKED],
    )
    batch.status = ImportBatch.Status.CANCELLED
    batch.rows, batch.records = [], []
    batch.save()
    messages.success(request, _("The import was cancelled. Nothing was written."))
    return redirect("directory_imports:upload")


@require_POST
def resume(request, batch_id: int):
    """Start a check or import again that stopped (the server was restarted)."""
    _moderator(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if jobs.stalled(batch):
        jobs.resume(batch)
    return redirect("directory_imports:batch", batch.pk)


def template(request, file_format: str):
    """The import template with its German headers and an example row."""
    _moderator(request)
    if file_format not in ("xlsx", "csv"):
        raise Http404
    headers = columns.template_headers()
    examples = {column.header: column.example for column in columns.COLUMNS}
    example = [examples.get(header, "") for header in headers]
    if file_format == "xlsx":
        content = write_template_xlsx(headers, example)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = write_template_csv(headers, example)
        kind = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="angebote-vorlage.{file_format}"'
    return response
