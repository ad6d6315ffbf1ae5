"""Imports of offers from files: each upload, the column mapping it taught, and each row's offer.

An :class:`ImportBatch` carries one file through the importer's steps (upload →
column mapping → check → preview → import); its rows and the check's outcome are
kept on it as JSON, so every step can be shown again and nothing is written to
the directory before the moderator confirms.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file on its way into the directory."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("columns to be mapped")
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("being imported")
        DONE = "done", _("imported")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        SPREADSHEET = "spreadsheet", _("spreadsheet (CSV or XLSX)")
        HSDS = "hsds", _("Open Referral HSDS package")

    class OnDuplicate(models.TextChoices):
        UPDATE = "update", _("update the existing offer")
        SKIP = "skip", _("leave the existing offer as it is")

    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    trusted = models.BooleanField(
        _("trusted source"),
        default=False,
        help_text=_("Publish the imported offers at once instead of sending them to review."),
    )
    on_duplicate = models.CharField(
        _("when a row matches an existing offer"),
        max_length=10,
        choices=OnDuplicate.choices,
        default=OnDuplicate.UPDATE,
    )
    # The file as read: header texts, and [row number, cells] pairs (spreadsheets only).
    headers = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    # For each header, the field it was mapped to ("" = not imported).
    mapping = models.JSONField(default=list, blank=True)
    # The records (``imports.records.to_json``) with their check outcome.
    records = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ImportColumnMapping(models.Model):
    """A header the template does not know, and the field a moderator mapped it to.

    Remembered so the next file from the same office needs no mapping again.
    """

    header = models.CharField(_("header (normalised)"), max_length=200, unique=True)
    key = models.CharField(_("field"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")

    def __str__(self) -> str:
        return f"{self.header} → {self.key or '-'}"


class OfferImport(models.Model):
    """The record of an offer written by an import: which file and row it came from."""

    offer = models.ForeignKey(
        "directory.OfferPage", on_delete=models.CASCADE, related_name="imports"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    row = models.PositiveIntegerField(_("row"))
    created = models.BooleanField(_("new offer"), default=True)
    # A hash of the row's content: the same row imported again is recognised as unchanged.
    fingerprint = models.CharField(max_length=32)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.row}"
