"""Stable HSDS identifiers: a UUIDv5 per entity from this installation's namespace.

Each id is ``uuid5(HSDS_NAMESPACE, "<kind>:<key>")``, e.g. ``offer:42`` for the
offer with pk 42. The same database therefore exports the same ids on every
call, and another installation (another namespace) exports different ones.

A UUIDv5 cannot be decoded, and we store nothing. Our own ids are recognised by
recomputing them: :func:`parse_uid` and :func:`match_uids` are given the kind and
the keys that could be meant (the pks an importer or a view has at hand) and say
which one an id names. Computing a UUIDv5 takes about a microsecond, so even all
offers of a district are checked in a millisecond or two, and no table has to be
kept in step with the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings

Key = int | str


@lru_cache(maxsize=8)
def _namespace(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def namespace() -> uuid.UUID:
    """This installation's namespace (the ``HSDS_NAMESPACE`` setting)."""
    return _namespace(settings.HSDS_NAMESPACE)


def uid(kind: str, key: Key) -> str:
    """The id of entity ``kind`` with ``key`` (a pk, or a code for fixed entities)."""
    return str(uuid.uuid5(namespace(), f"{kind}:{key}"))


def normalise(value: str) -> str | None:
    """``value`` as a canonical lower-case UUID string, or None if it is not a UUID.

    Only the 36-character hyphenated form is taken: ``uuid.UUID`` would also read
    braces, "urn:uuid:" and 32 bare hex digits, which HSDS ids never are.
    """
    if not isinstance(value, str) or len(value) != 36 or not value.isascii():
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def match_uids(values: Iterable[str], kind: str, keys: Iterable[Key]) -> dict[str, Key]:
    """Those of ``values`` that are our ids of ``kind`` for one of ``keys``, with that key.

    What an importer needs to tell its own offers from foreign ones: pass the ids
    read from a package and the pks of the offers in the database.
    """
    wanted = {canonical: value for value in values if (canonical := normalise(value))}
    if not wanted:
        return {}
    found: dict[str, Key] = {}
    for key in keys:
        candidate = uid(kind, key)
        if candidate in wanted:
            found[wanted[candidate]] = key
    return found


def parse_uid(value: str, kind: str, keys: Iterable[Key]) -> tuple[str, Key] | None:
    """``(kind, key)`` if ``value`` is our id of ``kind`` for one of ``keys``, else None."""
    found = match_uids([value], kind, keys)
    return (kind, found[value]) if found else None
