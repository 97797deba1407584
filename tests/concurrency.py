"""Helpers for race tests: real threads with their own database connections."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

# Row locks (select_for_update) are only real on PostgreSQL; SQLite serialises writers.
postgresql_only = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are only real on PostgreSQL (run with DATABASE_URL=postgres://...)",
    ),
]


def run_together(*functions: Callable[[], object]) -> list[object]:
    """Run each function in its own thread (own DB connection), released at the same moment."""
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def worker(index: int, function: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - the test inspects what happened
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
