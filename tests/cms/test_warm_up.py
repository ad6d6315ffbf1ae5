"""The warm-up gunicorn runs before forking leaves what the first search needs loaded."""

import pytest

from directory import gazetteer
from search import analysis


@pytest.mark.django_db(transaction=True)
def test_warm_up_loads_the_gazetteer_and_closes_the_database():
    from django.db import connection

    from cms.warm_up import warm_up

    gazetteer._gazetteer.cache_clear()
    analysis.analyse_word.cache_clear()
    warm_up()
    assert gazetteer._gazetteer.cache_info().currsize == 1
    assert analysis.analyse_word.cache_info().currsize >= 8
    # Nothing a forked worker would share (Django keeps an in-memory SQLite test database
    # open, since closing it would lose it; the test command's run is on PostgreSQL).
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    assert in_memory or connection.connection is None
