"""Open Referral HSDS 3.0 out: the directory as HSDS entities and as a tabular data package.

``ids`` makes the stable UUIDs, ``taxonomy`` our published taxonomy "gemeinsam",
``loading`` reads public offers with all their rows in a few queries, ``entities``
turns them into HSDS objects (JSON-ready dicts) and ``package`` into the ZIP of CSV
files. The read API on top of this lives in ``search.hsds_api``. docs/HSDS.md is the
design; what HSDS cannot carry is listed in ``entities`` and ``package``.
"""
