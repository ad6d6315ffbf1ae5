"""Offers from outside: district spreadsheets (CSV, XLSX) and Open Referral HSDS packages.

Every source becomes :class:`records.OfferRecord` rows; from there one path checks them
with the models' own rules (``checking``), finds the offers they match, and writes them
into the review workflow (``applying``). Modules of their own: reading a file
(``reading``), understanding its cells (``cells``, with the names of choices in
``choices``) and its headers (``columns``), reading an HSDS package (``hsds_reading``),
and running it all as background jobs (``jobs``).
"""
