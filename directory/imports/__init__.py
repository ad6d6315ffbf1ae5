"""Offers from outside: district spreadsheets (CSV, XLSX) and Open Referral HSDS packages.

Every source becomes :class:`records.OfferRecord` rows; from there one path checks them
with the models' own rules (``checking``), finds the offers they match, and writes them
into the review workflow (``applying``). Reading a file (``reading``), understanding
its cells (``cells``) and its headers (``columns``) are modules of their own.
"""
