"""A complete questionnaire in process: the personal link, the first section page, every
section saved once (16 in the 2011 questionnaire) and the submit, through the Django test
client, with this process's CPU time and the queries of every request.

The server CPU of the whole journey is the figure to compare with a single-POST survey; the
per-save figures show what a section save costs whatever its size.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from benchmarks.report import Table, Target

JOURNEYS = 6  # the first warms the caches and is not counted


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _timed(
    client: Any, method: str, path: str, data: dict | None = None
) -> tuple[float, int, int, int]:
    """(CPU ms, queries, status, all statements) of one request.

    Queries leave out BEGIN, COMMIT and savepoints (Django logs those too): the query-count
    targets count the statements that do work."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        cpu = time.process_time()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data)
        spent = (time.process_time() - cpu) * 1000
    work = [q for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    return spent, len(work), response.status_code, len(captured)


def run_journey(sizes: list[int], options: Any) -> list[Table]:
    from django.test import Client

    from benchmarks import generator, load
    from benchmarks.suites import _dataset
    from surveys.models import Wave

    table = Table(
        "A complete questionnaire in process: link, first page, every section saved, submit",
        [
            "register",
            "step",
            "requests",
            "CPU median ms",
            "CPU total ms",
            "queries median",
            "queries max",
            "with BEGIN/COMMIT",
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        slug = f"bench-journey-{size}"
        wave = Wave.objects.filter(slug=slug, edition=dataset.edition).first()
        if wave is None:
            wave = generator.load_wave(slug=slug, edition=dataset.edition)
        steps: dict[str, list[tuple[float, int, int]]] = {
            "link": [],
            "page": [],
            "save": [],
            "submit": [],
        }
        totals = []
        for index, work in enumerate(load.prepare(wave, options.seed)[:JOURNEYS]):
            client = Client()
            measured = [("link", _timed(client, "GET", work.link))]
            measured.append(("page", _timed(client, "GET", work.first_page)))
            measured += [
                ("save", _timed(client, "POST", path, data)) for path, data in work.sections
            ]
            measured.append(
                (
                    "submit",
                    _timed(
                        client,
                        "POST",
                        work.review,
                        {"confirm": "yes", "organisation": work.organisation},
                    ),
                )
            )
            bad = [(step, status) for step, (_cpu, _q, status, _all) in measured if status >= 400]
            if bad:
                raise RuntimeError(f"journey failed: {bad[:3]}")
            if index == 0:
                continue
            for step, (cpu, queries, _status, statements) in measured:
                steps[step].append((cpu, queries, statements))
            totals.append(sum(cpu for _step, (cpu, *_rest) in measured))
        journeys = len(totals)
        for step, samples in steps.items():
            cpus = [cpu for cpu, _queries, _all in samples]
            queries = [q for _cpu, q, _all in samples]
            statements = [n for _cpu, _q, n in samples]
            table.rows.append(
                [
                    size,
                    step,
                    len(samples) // journeys,
                    statistics.median(cpus),
                    sum(cpus) / journeys,
                    statistics.median(queries),
                    max(queries),
                    statistics.median(statements),
                ]
            )
        table.rows.append(
            [size, "whole questionnaire", "", "", statistics.median(totals), "", "", ""]
        )
        saves = steps["save"]
        table.targets += [
            Target(
                "server CPU of a complete questionnaire (median of journeys)",
                statistics.median(totals),
                120,
                "ms",
            ),
            Target(
                "section save CPU (median)", statistics.median(c for c, _q, _n in saves), 8, "ms"
            ),
            Target(
                "queries per section save, without BEGIN/COMMIT (median)",
                statistics.median(q for _c, q, _n in saves),
                5,
                "queries",
            ),
        ]
    table.notes.append(
        f"{JOURNEYS - 1} organisations, one after the other, after one warm-up journey; Django "
        "test client in process (middleware, sessions, CSRF off); the submit queues the "
        "receipt as a mail row for the worker (not counted). CPU: this process's CPU time "
        "(PostgreSQL's work excluded)."
    )
    return [table]
