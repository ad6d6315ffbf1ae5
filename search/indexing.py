"""Keep the search indexes in step with moderation: index on publish, never on save.

Publishing writes an offer's terms to the database index and, when configured,
to Elasticsearch; unpublishing or deleting removes them. Work runs after the
transaction commits. An Elasticsearch failure is logged and queued for retry
(``manage.py search_index retry``); the editor never sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from directory.models import OfferPage, OrganisationPage

from . import elastic_index, semantic
from .documents import OfferDocument, build_document
from .elastic_connection import is_configured
from .models import IndexGeneration, OfferPassage, OfferTerm, PendingIndexUpdate

logger = logging.getLogger("gemeinsam.search")


def indexable_offers():
    """Offers that belong in the index: live and not privacy-restricted.

    Validity dates are filtered at query time, so an offer disappears on its
    last day without anybody re-indexing it. Their related rows are read by
    ``documents.build_documents``, in bulk.
    """
    return OfferPage.objects.live().public().select_related("organisation")


def write_terms(documents: Iterable) -> None:
    """Replace the database index rows of the given documents."""
    documents = list(documents)
    ids = [d.offer_id for d in documents]
    OfferTerm.objects.filter(offer_id__in=ids).delete()
    _insert(
        OfferTerm,
        ("offer_id", "language", "field", "term"),
        (
            (d.offer_id, language, name, term[:100])
            for d in documents
            for language, name, term in d.term_rows()
        ),
    )
    OfferPassage.objects.filter(offer_id__in=ids).delete()
    _insert(
        OfferPassage,
        ("offer_id", "language", "fingerprint"),
        ((d.offer_id, language, key) for d in documents for language, key in d.passage_keys()),
    )
    IndexGeneration.bump()


def _insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL (a rebuild writes millions of term rows, and
    COPY takes them several times faster than INSERT), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=5000
        )
        return
    quote = connection.ops.quote_name
    statement = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def attach_vectors(documents: list[OfferDocument], embed: bool) -> list[str]:
    """Give documents the stored vectors of their texts, embedding missing ones if ``embed``.

    Returns the texts still without a vector (none when ``embed``).
    """
    if not semantic.enabled():
        return []
    texts = {text for d in documents for _language, text in d.passages}
    if embed:
        semantic.embed_missing(texts)
    vectors = semantic.stored(semantic.fingerprint(t) for t in texts)
    for document in documents:
        document.vectors = {
            key: vectors[key] for _language, key in document.passage_keys() if key in vectors
        }
    return [t for t in texts if semantic.fingerprint(t) not in vectors]


def index_offer(offer_id: int) -> None:
    """Bring one offer's index entries up to date with its live state.

    Texts without a vector are embedded in the background, then the offer is
    indexed again with them: publishing never waits for the model.
    """
    offer = indexable_offers().filter(pk=offer_id).first()
    if offer is None:
        remove_offer(offer_id)
        return
    document = build_document(offer)
    missing = attach_vectors([document], embed=settings.SEMANTIC_EMBED_INLINE)
    write_terms([document])
    if missing:
        semantic.in_background(_embed_then_index, offer_id, missing)
    if is_configured():
        try:
            elastic_index.index_documents([document])
        except Exception as error:  # noqa: BLE001 - any engine failure is queued, never raised
            _queue_retry(offer_id, error)
        else:
            PendingIndexUpdate.objects.filter(offer_id=offer_id).delete()


def _embed_then_index(offer_id: int, texts: list[str]) -> None:
    semantic.embed_missing(texts)
    index_offer(offer_id)


def remove_offer(offer_id: int) -> None:
    """Take one offer out of every index."""
    OfferTerm.objects.filter(offer_id=offer_id).delete()
    OfferPassage.objects.filter(offer_id=offer_id).delete()
    IndexGeneration.bump()
    if is_configured():
        try:
            elastic_index.delete_document(offer_id)
        except Exception as error:  # noqa: BLE001
            _queue_retry(offer_id, error)
        else:
            PendingIndexUpdate.objects.filter(offer_id=offer_id).delete()


def _queue_retry(offer_id: int, error: Exception) -> None:
    logger.warning("Search index update for offer %s failed, queued for retry: %s", offer_id, error)
    PendingIndexUpdate.objects.update_or_create(offer_id=offer_id, defaults={"error": str(error)})


def retry_pending() -> tuple[int, int]:
    """Retry queued updates; returns (done, still failing)."""
    done = failing = 0
    for pending in list(PendingIndexUpdate.objects.all()):
        index_offer(pending.offer_id)
        if PendingIndexUpdate.objects.filter(pk=pending.pk).exists():
            failing += 1
        else:
            done += 1
    return done, failing


# --- Signal handlers (connected in SearchConfig.ready) ----------------------


def _after_commit(function, offer_id: int) -> None:
    transaction.on_commit(lambda: function(offer_id))


def on_page_published(sender, instance, **kwargs) -> None:
    """An offer went live (or a new version did): index it."""
    if isinstance(instance, OfferPage):
        _after_commit(index_offer, instance.pk)
    elif isinstance(instance, OrganisationPage):
        # Offers carry their organisation's name in their terms.
        for offer_id in OfferPage.objects.filter(organisation=instance).values_list(
            "pk", flat=True
        ):
            _after_commit(index_offer, offer_id)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    """An offer was unpublished (also the first step of deleting a live page): remove it."""
    if isinstance(instance, OfferPage):
        _after_commit(remove_offer, instance.pk)


def on_page_moved(sender, instance, **kwargs) -> None:
    """A moved offer may have become private or public through its new parent."""
    if isinstance(instance.specific, OfferPage):
        _after_commit(index_offer, instance.pk)


def on_offer_deleted(sender, instance, **kwargs) -> None:
    """Backstop for deletions that skip unpublishing (e.g. a draft that was never live)."""
    _after_commit(remove_offer, instance.pk)
