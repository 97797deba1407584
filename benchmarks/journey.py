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


def _timed(client: Any, method: str, path: str, data: dict | None = None) -> tuple[float, int, int]:
    """(CPU ms, queries, status) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        cpu = time.process_time()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data)
        spent = (time.process_time() - cpu) * 1000
    return spent, len(captured), response.status_code


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
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        slug = f"bench-journey-{size}"
        wave = Wave.objects.filter(slug=slug, edition=dataset.edition).first()
        if wave is None:
            wave = generator.load_wave(slug=slug, edition=dataset.edition)
        steps: dict[str, list[tuple[float, int]]] = {
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
            bad = [(step, status) for step, (_cpu, _q, status) in measured if status >= 400]
            if bad:
                raise RuntimeError(f"journey failed: {bad[:3]}")
            if index == 0:
                continue
            for step, (cpu, queries, _status) in measured:
                steps[step].append((cpu, queries))
            totals.append(sum(cpu for _step, (cpu, _q, _s) in measured))
        journeys = len(totals)
        for step, samples in steps.items():
            cpus = [cpu for cpu, _queries in samples]
            queries = [q for _cpu, q in samples]
            table.rows.append(
                [
                    size,
                    step,
                    len(samples) // journeys,
                    statistics.median(cpus),
                    sum(cpus) / journeys,
                    statistics.median(queries),
                    max(queries),
                ]
            )
        table.rows.append([size, "whole questionnaire", "", "", statistics.median(totals), "", ""])
        saves = steps["save"]
        table.targets += [
            Target(
                "server CPU of a complete questionnaire (median of journeys)",
                statistics.median(totals),
                120,
                "ms",
            ),
            Target("section save CPU (median)", statistics.median(c for c, _q in saves), 8, "ms"),
            Target(
                "queries per section save (median)",
                statistics.median(q for _c, q in saves),
                5,
                "queries",
            ),
        ]
    table.notes.append(
        f"{JOURNEYS - 1} organisations, one after the other, after one warm-up journey; Django "
        "test client in process (middleware, sessions, CSRF off), mail to the configured "
        "backend inside the submit. CPU: this process's CPU time (PostgreSQL's work excluded)."
    )
    return [table]
