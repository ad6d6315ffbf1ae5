"""`migrate` alone leaves a working cache: no `createcachetable` after it (cms/apps.py).

The test database cannot show this by itself: Django's test set-up runs
`createcachetable` after its migrate. So the table is dropped first, and `migrate`
must bring it back.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_migrate_creates_the_cache_table():
    table = cache._table  # the LOCATION of the DatabaseCache in CACHES
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()

    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())

    assert table in connection.introspection.table_names()
    cache.set("migrated", "yes")
    assert cache.get("migrated") == "yes"


def test_migrate_keeps_a_cache_table_that_exists():
    cache.set("kept", "yes")
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    assert cache.get("kept") == "yes"
