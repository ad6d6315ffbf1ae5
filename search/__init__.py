"""One search interface for offers: a query object in, results with facets out.

Pages, the JSON API and tests all call :func:`search.interface.search`; which
engine answers is decided there.
"""
