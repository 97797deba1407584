"""Settings that the benchmarks showed to matter on PostgreSQL."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_jit_is_off_for_the_app_connections():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (run with DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
