"""One results measurement in a fresh process, so that its peak memory is its own.

    python -m benchmarks.report_child SLUG results|report|pdf

Prints one JSON line: seconds (wall and this process's CPU), queries, rows fetched from the
database, bytes of the page or PDF, the RSS after start-up and the peak RSS while measuring
(the kernel's high-water mark, reset after start-up). `results` counts the wave's results
(uncached), `report` gets the report page through the test client with an empty cache
(`report-cached`: a second time, with the results in the cache),
`pdf` makes the report PDF as the worker does (or, in a tree without a worker PDF, through
the synchronous view). The same file runs in an older tree (`make bench` with
BENCH_BASELINE=<dir>) to measure before and after in one run.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

from benchmarks.export_child import _peak_rss_mb, _reset_peak, _status_mb


class RowCounter:
    """Counts the rows the database hands to Python (cursor fetches) and the queries."""

    def __init__(self) -> None:
        self.rows = 0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        result = execute(sql, params, many, context)
        cursor = context["cursor"]
        # Wrap the fetch methods of this cursor (once) to count rows.
        if not getattr(cursor, "_rows_counted", False):
            for name in ("fetchall", "fetchmany", "fetchone"):
                setattr(cursor, name, self._counting(getattr(cursor, name)))
            cursor._rows_counted = True
        return result

    def _counting(self, fetch):
        def wrapped(*args, **kwargs):
            rows = fetch(*args, **kwargs)
            if isinstance(rows, list):
                self.rows += len(rows)
            elif rows is not None:
                self.rows += 1
            return rows

        return wrapped


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def _measure(slug: str, mode: str):
    from django.core.cache import cache
    from django.urls import reverse

    from surveys.analysis import results
    from surveys.models import Wave

    wave = Wave.objects.get(slug=slug)
    cache.clear()
    if mode == "results":
        collect = getattr(results, "collect_wave_results", None) or results.wave_results
        return lambda: (collect(wave), 0)[1]
    if mode in {"report", "report-cached"}:
        client = _client()
        url = reverse("surveys:results_report", args=[slug])
        if mode == "report-cached":
            client.get(url)  # counts the results into the cache: the next page reuses them

        def report() -> int:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return len(response.content)

        return report
    try:
        from surveys.analysis import report_pdf
    except ImportError:
        client = _client()
        url = reverse("surveys:results_report_pdf", args=[slug])

        def synchronous() -> int:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return len(response.content)

        return synchronous

    from surveys.analysis.export_jobs import export_dir

    for old in export_dir().glob(f"report-{wave.pk}-*.pdf"):
        old.unlink()  # made by an earlier run: measure making it

    def worker() -> int:
        path = report_pdf.report_pdf_build(wave_id=wave.pk, language="nb")
        return path.stat().st_size

    return worker


def main() -> None:
    from benchmarks.__main__ import BENCH_ENVIRONMENT

    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    limit = int(os.environ.get("BENCH_MEMORY_LIMIT_MB", "3000")) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from surveys.analysis import results as results_module

    slug, mode = sys.argv[1], sys.argv[2]
    call = _measure(slug, mode)
    counter = RowCounter()
    connection.ensure_connection()
    baseline = _status_mb("VmRSS")
    reset = _reset_peak()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        size = call()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": time.process_time() - cpu,
                "queries": counter.queries,
                "rows": counter.rows,
                "bytes": size,
                "baseline_rss_mb": baseline,
                "peak_rss_mb": _peak_rss_mb(reset),
                "tree": str(Path(results_module.__file__).parents[2]),
            }
        )
    )


if __name__ == "__main__":
    main()
