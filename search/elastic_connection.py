"""Where the offers live in Elasticsearch: whether it is configured, the client, the aliases.

Both the index lifecycle (``search.elastic_index``) and the queries
(``search.elastic_query``) reach the cluster through here. Searches read the
alias ``<prefix>-offers``; during a rebuild the new index also carries
``<prefix>-offers-building`` so updates reach it as well.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer


def is_configured() -> bool:
    """Whether an Elasticsearch URL is set."""
    return bool(settings.ELASTICSEARCH_URL)


def node_urls(value: str) -> list[str]:
    """The nodes ``ELASTICSEARCH_URL`` names: one URL, or several separated by commas."""
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=4)
def _client(url: str, timeout: float) -> Elasticsearch:
    nodes = node_urls(url)
    # A request that cannot reach a node goes to the next one (one try per node), so a
    # dead node does not send searches to the database while the cluster serves. A node
    # marked dead is tried again after at most two seconds (the client's default back-off
    # grows to 30 s), so search is back on Elasticsearch soon after an outage ends.
    return Elasticsearch(
        nodes,
        request_timeout=timeout,
        max_retries=len(nodes) - 1,
        retry_on_timeout=False,
        dead_node_backoff_factor=0.25,
        max_dead_node_backoff=2.0,
        # Serialises numpy vectors directly (shortest float32 digits): a rebuild's bulk
        # bodies are mostly vectors, and the standard library spent seconds on them.
        serializer=OrjsonSerializer(),
    )


def client() -> Elasticsearch:
    """The configured client; short timeouts so an outage falls back quickly."""
    return _client(settings.ELASTICSEARCH_URL, float(settings.ELASTICSEARCH_TIMEOUT))


def alias_name() -> str:
    """The alias searches read from."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-offers"


def building_alias_name() -> str:
    """The alias of an index being rebuilt; updates are written there too."""
    return f"{alias_name()}-building"
