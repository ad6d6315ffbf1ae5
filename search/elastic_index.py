"""The life of the Elasticsearch offer index: mapping, creation, writes, deletes, rebuild, check.

Every published offer is one document in a versioned index
(``<prefix>-offers-<timestamp>``) behind the alias ``<prefix>-offers``. Terms
come pre-analysed from ``search.analysis`` into keyword fields per language
and field (``title_de``, ``text_ar`` …), so the minimal test distribution
(no analysis-common module) and a full production cluster match the same
words. The same terms are also written once more into one keyword field,
``words``, each prefixed with its field and language (``title_de:deutschkurs``):
a query word expands to terms in every language and both fields, and one
``terms`` clause on ``words`` finds them all where the per-language fields need
one clause each (issue 15). How those fields are queried is
``search.elastic_query``'s job.

A rebuild fills a new index while updates keep flowing to the old one and to
the new one (alias ``<prefix>-offers-building``); documents carry the offer's
publication time as external version, so a stale copy never overwrites a
newer one. The alias then moves in one ``update_aliases`` call, and a final
reconciliation removes whatever was unpublished during the rebuild.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.utils import timezone
from elasticsearch import NotFoundError, helpers

from directory.i18n import column, site_languages

from .documents import OfferDocument
from .elastic_connection import alias_name, building_alias_name, client
from .query import FIELD_WEIGHTS
from .semantic import DIMENSIONS

# --- Mapping ------------------------------------------------------------------

WORDS = "words"  # every term of every language and field, as word_key() writes it

# The index's shape, as the queries rely on it. Raise it with every change to mapping()
# or to what documents hold: an index of another shape is then not searched (the
# database answers, /healthz says "outdated") until `search_index rebuild` makes a new
# one. Without it, a deployment would search an old index for fields it lacks and
# silently find nothing. 2: the `words` field (issue 15).
SCHEMA = 2


class OutdatedIndex(RuntimeError):
    """The index behind the alias was built for another version of the code."""


def word_key(field: str, language: str, term: str) -> str:
    """How ``term`` of ``field`` in ``language`` is written in the ``words`` field.

    Terms are stored cut at 100 characters, as in the per-language fields.
    """
    return f"{column(field, language)}:{term[:100]}"


def mapping() -> dict:
    """Field types of an offer document."""
    properties: dict[str, dict] = {
        "offer_id": {"type": "long"},
        "title_sort": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "categories": {"type": "keyword"},
        "target_groups": {"type": "keyword"},
        "spoken_languages": {"type": "keyword"},
        "languages": {"type": "keyword"},
        "is_free": {"type": "boolean"},
        "wheelchair_accessible": {"type": "boolean"},
        "childcare": {"type": "boolean"},
        "weekdays": {"type": "integer"},
        "day_parts": {"type": "keyword"},
        "valid_from": {"type": "date"},
        "valid_until": {"type": "date"},
        "points": {"type": "geo_point"},
        "towns": {"type": "keyword"},
        "card": {"type": "object", "enabled": False},  # stored for display, not searched
        # One vector per language version; kNN scores an offer by its closest text.
        # Plain HNSW (not the int8 default): the database backend ranks by exact float cosine.
        "passages": {
            "type": "nested",
            "properties": {
                "language": {"type": "keyword"},
                "vector": {
                    "type": "dense_vector",
                    "dims": DIMENSIONS,
                    "index": True,
                    "similarity": "cosine",
                    "index_options": {"type": "hnsw"},
                },
            },
        },
    }
    # The terms of a field in a language are named like its model column (title_ar).
    for language in site_languages():
        for field in FIELD_WEIGHTS:
            properties[column(field, language)] = {"type": "keyword"}
    # Only looked up, never sorted or aggregated on: no doc values.
    properties[WORDS] = {"type": "keyword", "doc_values": False}
    return {"dynamic": "strict", "_meta": {"schema": SCHEMA}, "properties": properties}


def index_settings() -> dict:
    """One shard is plenty for a district; replicas come from the environment for clusters."""
    return {
        "number_of_shards": int(settings.ELASTICSEARCH_SHARDS),
        "number_of_replicas": int(settings.ELASTICSEARCH_REPLICAS),
        "max_result_window": 10_000,
    }


def create_index(name: str, **extra_settings: str) -> None:
    """Create an empty offer index called ``name``."""
    client().indices.create(
        index=name, mappings=mapping(), settings={**index_settings(), **extra_settings}
    )


def ensure_index() -> str:
    """The index behind the alias, created (empty) if there is none yet."""
    es = client()
    if es.indices.exists_alias(name=alias_name()):
        return next(iter(es.indices.get_alias(name=alias_name())))
    name = new_index_name()
    create_index(name)
    es.indices.put_alias(index=name, name=alias_name())
    return name


def live_schema() -> int | None:
    """The schema of the index behind the alias (None: an index from before schemas)."""
    found = client().indices.get_mapping(index=alias_name())
    (body,) = found.body.values()  # the alias names exactly one index
    return body["mappings"].get("_meta", {}).get("schema")


_schema_checked = (0.0, False)  # (when, whether it matched), per process
SCHEMA_CHECK_SECONDS = 30


def require_current_schema() -> None:
    """Raise OutdatedIndex unless the live index has this code's schema.

    Asked at most every SCHEMA_CHECK_SECONDS per process; a rebuild is seen within that.
    """
    global _schema_checked
    checked_at, matched = _schema_checked
    now = time.monotonic()
    if now - checked_at >= SCHEMA_CHECK_SECONDS or not matched:
        found = live_schema()
        matched = found == SCHEMA
        _schema_checked = (now, matched)
        if not matched:
            raise OutdatedIndex(
                f"the index has schema {found}, this code needs {SCHEMA}: "
                "run `manage.py search_index rebuild`"
            )


def forget_schema_check() -> None:
    """Ask again at the next search (after a rebuild in this process, and in tests)."""
    global _schema_checked
    _schema_checked = (0.0, False)


def new_index_name() -> str:
    """A fresh, time-stamped index name."""
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


# --- Writing ------------------------------------------------------------------


def _source(document: OfferDocument) -> dict:
    source = {
        "offer_id": document.offer_id,
        "title_sort": document.title_sort,
        "kind": document.kind,
        "categories": document.categories,
        "target_groups": document.target_groups,
        "spoken_languages": document.spoken_languages,
        "languages": document.languages,
        "is_free": document.is_free,
        "wheelchair_accessible": document.wheelchair_accessible,
        "childcare": document.childcare,
        "weekdays": document.weekdays,
        "day_parts": document.day_parts,
        "valid_from": document.valid_from,
        "valid_until": document.valid_until,
        "points": [{"lat": lat, "lon": lon} for lat, lon in document.points],
        "towns": document.towns,
        "card": document.card,
        "passages": [
            {"language": language, "vector": document.vectors[key]}
            for language, key in document.passage_keys()
            if key in document.vectors
        ],
    }
    words: set[str] = set()
    for language, fields in document.terms.items():
        for field, found in fields.items():
            source[column(field, language)] = sorted({t[:100] for t in found})
            words.update(word_key(field, language, t) for t in found)
    source[WORDS] = sorted(words)
    return source


def _write_targets() -> dict[str, bool]:
    """Index name → whether updates wait for its refresh, for every index that receives
    updates: the one searched now as configured (``ELASTICSEARCH_REFRESH``); one being
    rebuilt never, since it is not refreshed until it is complete (see ``rebuild``)."""
    es = client()
    targets: dict[str, bool] = {}
    for alias, searched in ((alias_name(), True), (building_alias_name(), False)):
        if es.indices.exists_alias(name=alias):
            targets.update(dict.fromkeys(es.indices.get_alias(name=alias), searched))
    return targets or {ensure_index(): True}


def _actions(documents: Iterable[OfferDocument], indices: list[str]) -> Iterable[dict]:
    for document in documents:
        source = _source(document)
        for index in indices:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": document.offer_id,
                "version": document.version,
                "version_type": "external_gte",
                "_source": source,
            }


def index_documents(
    documents: Iterable[OfferDocument], indices: list[str] | None = None, refresh: bool = True
) -> int:
    """Write documents to ``indices`` (default: every index that receives updates);
    returns how many were written to the first of them.

    ``refresh=False`` skips ``ELASTICSEARCH_REFRESH`` (a rebuild refreshes once at the end).
    """
    documents = list(documents)
    targets = dict.fromkeys(indices, refresh) if indices else _write_targets()
    written = 0
    for waits in (True, False):
        names = [name for name, wait in targets.items() if wait == waits]
        if not names:
            continue
        done, errors = helpers.bulk(
            client(),
            _actions(documents, names),
            raise_on_error=False,
            refresh=settings.ELASTICSEARCH_REFRESH if waits else "false",
        )
        # A version conflict means a newer copy is already there: that is success.
        real = [e for e in errors if next(iter(e.values())).get("status") != 409]
        if real:
            raise RuntimeError(f"Elasticsearch rejected {len(real)} documents: {real[:3]}")
        written = written or done // len(names)
    return written


def delete_document(offer_id: int) -> None:
    """Remove one offer from every index that receives updates."""
    for index, waits in _write_targets().items():
        try:
            refresh = settings.ELASTICSEARCH_REFRESH if waits else "false"
            client().delete(index=index, id=offer_id, refresh=refresh)
        except NotFoundError:
            pass


# --- Maintenance --------------------------------------------------------------


def indexed_ids(index: str | None = None) -> set[int]:
    """Every offer id in the index (scrolls through all of it); none if there is no index."""
    if not client().indices.exists(index=index or alias_name()):
        return set()
    return {
        int(hit["_id"])
        for hit in helpers.scan(
            client(),
            index=index or alias_name(),
            query={"query": {"match_all": {}}},
            _source=False,
            size=5000,  # pages of ids: a check of 100 000 offers in 20 round trips, not 100
        )
    }


def indexed_versions(index: str | None = None) -> dict[int, int]:
    """Offer id → the version (publication time in µs) of its copy in the index."""
    if not client().indices.exists(index=index or alias_name()):
        return {}
    return {
        int(hit["_id"]): int(hit["_version"])
        for hit in helpers.scan(
            client(),
            index=index or alias_name(),
            query={"query": {"match_all": {}}, "version": True},
            size=5000,
            _source=False,
        )
    }


def batches(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(
    documents: Callable[[], Iterable[OfferDocument]],
    expected_ids: Callable[[], set[int]],
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 500,
) -> tuple[str, int, float]:
    """Fill a new index and move the alias to it; returns (index, documents, seconds)."""
    es = client()
    name = new_index_name()
    # Not refreshed while it fills: segments are then written only when the indexing
    # buffer is full, fewer and larger, and the final merge of their vector graphs
    # costs a third less (docs/PERFORMANCE.md). Nobody searches it until it is complete.
    create_index(name, refresh_interval="-1")
    # Updates during the rebuild go to the new index as well.
    es.indices.put_alias(index=name, name=building_alias_name())
    started = time.monotonic()
    written = 0
    # Batches go to Elasticsearch from a second thread while this one reads and analyses
    # the next: the sender mostly waits for the cluster, which works on the other core.
    # At most two batches wait for it, so memory stays flat however many offers there are.
    sending: deque[Future[int]] = deque()

    def collect(waiting: int) -> None:
        nonlocal written
        while len(sending) > waiting:
            written += sending.popleft().result()
            if progress:
                progress(written)

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-bulk") as sender:
            for batch in batches(documents(), chunk_size):
                sending.append(sender.submit(index_documents, batch, [name], refresh=False))
                collect(waiting=2)
            collect(waiting=0)
        es.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        es.indices.refresh(index=name)
        # A bulk load leaves a dozen segments; searching one segment (one vector graph
        # instead of one per segment) halves kNN and query times (docs/PERFORMANCE.md).
        es.options(request_timeout=3600).indices.forcemerge(index=name, max_num_segments=1)
        old = (
            list(es.indices.get_alias(name=alias_name()))
            if es.indices.exists_alias(name=alias_name())
            else []
        )
        actions = [{"add": {"index": name, "alias": alias_name()}}]
        actions += [{"remove": {"index": index, "alias": alias_name()}} for index in old]
        actions.append({"remove": {"index": name, "alias": building_alias_name()}})
        es.indices.update_aliases(actions=actions)
        forget_schema_check()  # this process searches the new index at once
    except Exception:
        es.indices.delete(index=name, ignore_unavailable=True)
        raise
    seconds = time.monotonic() - started
    for index in old:
        es.indices.delete(index=index, ignore_unavailable=True)
    # Whatever was unpublished while we filled the new index goes now.
    extra = indexed_ids(name) - expected_ids()
    for offer_id in extra:
        delete_document(offer_id)
    return name, written, seconds
