"""The benchmarks: each a function from sizes to tables (`python -m benchmarks list`)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Table, Target, summary, timed_calls

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Options:
    seed: int
    regenerate: bool = False
    quick: bool = False

    def repeat(self, normal: int) -> int:
        return max(5, normal // 4) if self.quick else normal


@dataclass(frozen=True)
class Suite:
    description: str
    default_sizes: list[int]
    run: Callable[[list[int], Options], list[Table]]


def _dataset(size: int, options: Options):
    from benchmarks.generator import ensure_dataset

    return ensure_dataset(size, seed=options.seed, regenerate=options.regenerate)


def staff_client():
    """A test client logged in as a superuser (staff with every permission)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


class PageGet:
    """A GET through a test client that must answer 200; keeps the size of the last page."""

    def __init__(self, client, url: str) -> None:
        self.client = client
        self.url = url
        self.bytes = 0

    def __call__(self) -> None:
        response = self.client.get(self.url)
        assert response.status_code == 200, (self.url, response.status_code)
        self.bytes = len(response.content)


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# --- 4. Export ----------------------------------------------------------------------------------


def _export_child(slug: str, mode: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_child", slug, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_export(sizes: list[int], options: Options) -> list[Table]:
    table = Table(
        "Wide CSV export (2011 questionnaire) against PostgreSQL COPY",
        [
            "organisations",
            "how",
            "seconds",
            "MB written",
            "lines",
            "peak RSS MB",
            "RSS at start MB",
            "x COPY",
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        copy = _export_child(dataset.slug, "copy")
        wide = _export_child(dataset.slug, "wide")
        for name, measured in (("COPY TO STDOUT", copy), ("export_csv_lines wide", wide)):
            table.rows.append(
                [
                    size,
                    name,
                    measured["seconds"],
                    measured["bytes"] / 1e6,
                    int(measured["lines"]),
                    measured["peak_rss_mb"],
                    measured["baseline_rss_mb"],
                    measured["seconds"] / copy["seconds"],
                ]
            )
        if size >= 100_000:
            table.targets += [
                Target(f"export of {size} organisations", wide["seconds"], 60, "s"),
                Target("peak memory of that export", wide["peak_rss_mb"], 300, "MB"),
                Target("export time / COPY time", wide["seconds"] / copy["seconds"], 5, "x"),
            ]
    table.notes.append(
        "Each measurement runs in a fresh process writing a temporary file; peak RSS is the "
        "whole process (Python, Django, the data) while exporting. COPY pulls one row per "
        "organisation with every answer as JSON: the same data, without the per-column layout."
    )
    return [table]


def run_export_memory(sizes: list[int], options: Options) -> list[Table]:
    """benchmarks/export_memory.py: traced Python allocations of every export layout."""
    from benchmarks import export_memory

    table = Table(
        "Export memory: peak traced Python allocations (tracemalloc), six-question wave",
        ["organisations", "layout", "lines", "peak MB"],
    )
    for size in sizes:
        for layout, lines, megabytes in export_memory.measure(size):
            table.rows.append([size, layout, lines, megabytes])
    table.notes.append(
        "From benchmarks/export_memory.py: its own six-question wave in a rolled-back "
        "transaction; tracemalloc slows the export, so no times here."
    )
    return [table]


# --- 5. Results page ----------------------------------------------------------------------------

RESULTS_QUESTIONS = [
    "facebook_bruk",  # single choice: grouped in the database
    "elektroniske_tjenester",  # multiple choice: counted in Python
    "digitale_kanaler_dialog",  # matrix
    "norge_no_stjerner_2010",  # rating: numbers
]


# Every timed page or call reports the same columns; `queries` follows them.
TIMING_COLUMNS = ["median ms", "p95 ms", "max ms", "CPU median ms", "queries"]


def timing_cells(stats: dict[str, float], cpu: list[float]) -> list[float]:
    """The wall-time statistics and this process's median CPU time, in TIMING_COLUMNS order."""
    return [stats["median"], stats["p95"], stats["max"], statistics.median(cpu)]


def run_results(sizes: list[int], options: Options) -> list[Table]:
    from django.urls import reverse

    table = Table(
        "Results page of one question (with size-class and county breakdowns)",
        [
            "organisations",
            "question",
            "kind",
            *TIMING_COLUMNS,
        ],
    )
    client = staff_client()
    for size in sizes:
        dataset = _dataset(size, options)
        worst = 0.0
        for key in RESULTS_QUESTIONS:
            get = PageGet(client, reverse("surveys:results_question", args=[dataset.slug, key]))
            samples, cpu = timed_calls(get, repeat=options.repeat(20))
            stats = summary(samples)
            kind = dataset.wave.questions.get(key=key).kind
            table.rows.append(
                [
                    size,
                    key,
                    kind,
                    *timing_cells(stats, cpu),
                    count_queries(get),
                ]
            )
            worst = max(worst, stats["median"])
        if size == 10_000:
            table.targets.append(
                Target(f"slowest results page at {size} organisations (median)", worst, 500, "ms")
            )
    table.notes.append(
        "Django test client in-process, staff user, DEBUG off. CPU: this process's CPU "
        "time per request (the steadier figure on a busy machine; PostgreSQL's work excluded)."
    )
    return [table]


# --- 6. Wave results, report page and report PDF ---------------------------------------------

REPORT_MODES = {
    "results": "wave_results",
    "report": "report page",
    "report-cached": "report page, results cached",
    "pdf": "report PDF",
}


def _report_child(tree: Path, slug: str, mode: str, timeout: int = 600) -> dict | None:
    """One measurement in a fresh process of this source tree (None when it failed, ran out
    of the child's memory limit or time)."""
    import os

    env = {**os.environ, "PYTHONPATH": str(tree), "VAR_DIR": str(tree / "var")}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.report_child", slug, mode],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def _trees() -> list[tuple[str, Path]]:
    """This tree ("after") and, with BENCH_BASELINE=<dir of an older checkout>, that one
    ("before"), measured in the same run on the same data."""
    import os
    import shutil

    trees = [("after", ROOT)]
    baseline = os.environ.get("BENCH_BASELINE")
    if baseline:
        shutil.copy(ROOT / "benchmarks" / "report_child.py", Path(baseline) / "benchmarks")
        trees.insert(0, ("before", Path(baseline)))
    return trees


def run_report(sizes: list[int], options: Options) -> list[Table]:
    table = Table(
        "Wave results (uncached), report page and report PDF",
        [
            "organisations",
            "what",
            "tree",
            "seconds",
            "CPU s",
            "queries",
            "rows fetched",
            "MB",
            "peak RSS MB",
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        for mode, name in REPORT_MODES.items():
            for label, tree in _trees():
                if label == "before" and mode == "report-cached":
                    continue  # nothing was cached before
                if label == "before" and mode == "pdf" and size > 1000:
                    # WeasyPrint was still running after 240 s at 7.4 GB at 10,000.
                    table.rows.append([size, name, label, "not run", "", "", "", "", ""])
                    continue
                measured = _report_child(tree, dataset.slug, mode)
                if measured is None:
                    table.rows.append([size, name, label, "failed", "", "", "", "", ""])
                    continue
                table.rows.append(
                    [
                        size,
                        name,
                        label,
                        measured["seconds"],
                        measured["cpu_seconds"],
                        measured["queries"],
                        measured["rows"],
                        measured["bytes"] / 1e6,
                        measured["peak_rss_mb"],
                    ]
                )
                if label == "after":
                    _report_targets(table, size, mode, measured)
    table.notes.append(
        "Each figure from a fresh process (benchmarks/report_child.py) with an empty cache: "
        "the first view after a save or submit. Later views of the same data come from the "
        "cache. CPU: the Python process only; PostgreSQL's work is in the seconds. Rows "
        "fetched: rows the database handed to Python. `before` is the tree in BENCH_BASELINE."
    )
    return [table]


def _report_targets(table: Table, size: int, mode: str, measured: dict) -> None:
    seconds, peak = measured["seconds"], measured["peak_rss_mb"]
    if mode == "results" and size >= 10_000:
        limit = 0.5 if size < 100_000 else 2
        table.targets += [
            Target(f"wave_results at {size}", seconds, limit, "s"),
            Target(f"wave_results peak memory at {size}", peak, 150, "MB"),
        ]
    if mode == "report-cached" and size == 10_000:
        table.targets.append(Target(f"report page at {size}, results cached", seconds, 1, "s"))
    if mode == "report" and size == 10_000:
        table.targets += [
            Target(f"report page at {size}", seconds, 1, "s"),
            Target(f"report page size at {size}", measured["bytes"] / 1e6, 2, "MB"),
        ]
    if mode == "pdf" and size == 10_000:
        table.targets += [
            Target(f"report PDF at {size} (worker)", seconds, 60, "s"),
            Target(f"report PDF peak memory at {size}", peak, 500, "MB"),
        ]
    if mode == "pdf" and size < 1000:
        table.targets.append(Target(f"report PDF at {size}", seconds, 10, "s"))


# --- 1. Section page -----------------------------------------------------------------------------


def respondent_client(wave, organisation):
    """A test client with a respondent session of the organisation's contact (as after
    opening the personal link)."""
    from django.test import Client
    from django.urls import reverse

    from municipalities.models import Contact
    from surveys.answering.links import invitation_link_issue

    contact = Contact.objects.filter(organisation=organisation).order_by("id").first()
    client = Client()
    response = client.get(
        reverse("surveys:link", args=[invitation_link_issue(contact=contact, wave=wave)])
    )
    assert response.status_code == 302, response.status_code
    return client


def answered_organisation(wave, seed: int):
    """A kommune of the wave's register with every section of the wave answered (not submitted)."""
    import random

    from benchmarks import generator
    from municipalities.models import Contact, Organisation
    from surveys.form_engine import Questionnaire
    from surveys.models import AnswerSet

    organisation = (
        Organisation.objects.filter(edition_id=wave.edition_id, kind="kommune")
        .order_by("id")
        .first()
    )
    if not AnswerSet.objects.filter(wave=wave, organisation=organisation).exists():
        questionnaire = Questionnaire.load(wave)
        planned = generator.plan_answers(
            questionnaire, organisation.kind, random.Random(seed), complete=True
        )
        planned.submitted = False
        contact = Contact.objects.filter(organisation=organisation).order_by("id").first()
        from django.utils import timezone

        generator.write_answer_sets(
            [
                generator.answer_rows(
                    wave=wave,
                    organisation=organisation,
                    contact_id=contact.pk,
                    questionnaire=questionnaire,
                    planned=planned,
                    start=timezone.now(),
                )
            ]
        )
    return organisation


def run_section(sizes: list[int], options: Options) -> list[Table]:
    from django.urls import reverse

    from benchmarks import generator

    table = Table(
        "Respondent section page (GET, all questions answered)",
        [
            "register",
            "section",
            "questions",
            *TIMING_COLUMNS,
            "KB",
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        wave = generator.ensure_form_wave(dataset)
        organisation = answered_organisation(wave, options.seed)
        client = respondent_client(wave, organisation)
        queries = {}
        for key, count in generator.FORM_SECTIONS.items():
            get = PageGet(
                client, reverse("surveys:section", args=[wave.slug, organisation.number, key])
            )
            # 100 requests: this VM's speed drifts, and a median of 40 moved by a fifth.
            samples, cpu = timed_calls(get, repeat=options.repeat(100))
            stats = summary(samples)
            queries[count] = count_queries(get)
            table.rows.append(
                [
                    size,
                    key,
                    count,
                    *timing_cells(stats, cpu),
                    queries[count],
                    get.bytes / 1024,
                ]
            )
            if count == 100:
                table.targets.append(
                    Target("section page with 100 questions (median)", stats["median"], 30, "ms")
                )
        table.targets.append(
            Target(
                "queries per section page, 7 or 100 questions", max(queries.values()), 12, "queries"
            )
        )
        if len(set(queries.values())) > 1:
            table.notes.append(f"Query count depends on the number of questions: {queries}")
    table.notes.append(
        "Django test client in-process (server time without the network), respondent session, "
        "DEBUG off, database sessions; every question kind, every 10th question conditional. "
        "CPU: this process's CPU time per request (PostgreSQL's work excluded)."
    )
    return [table]


# --- 2. Save and submit under load -------------------------------------------------------------


def run_save(sizes: list[int], options: Options) -> list[Table]:
    from benchmarks import generator, load
    from surveys.models import Wave

    clients = 8
    seconds = 10 if options.quick else 30
    max_requests = 20_000
    table = Table(
        f"Saving sections and submitting: {clients} clients, gunicorn 2 workers",
        [
            "register",
            "seconds",
            "saves",
            "saves/s",
            "save median ms",
            "save p95 ms",
            "submits",
            "submit median ms",
            "submit p95 ms",
            "worker CPU ms/request",
            "failures",
        ],
    )
    for size in sizes:
        dataset = _dataset(size, options)
        slug = f"bench-save-{size}"
        wave = Wave.objects.filter(slug=slug, edition=dataset.edition).first()
        if wave is None:
            wave = generator.load_wave(slug=slug, edition=dataset.edition)
        outcome, elapsed = load.run_load(
            wave, seed=options.seed, clients=clients, seconds=seconds, max_requests=max_requests
        )
        if not outcome.saves:
            raise RuntimeError(f"no save succeeded: {outcome.failures[:5]}")
        saves = summary(outcome.saves)
        submits = summary(outcome.submits) if outcome.submits else {"median": 0.0, "p95": 0.0}
        rate = len(outcome.saves) / elapsed
        table.rows.append(
            [
                size,
                elapsed,
                len(outcome.saves),
                rate,
                saves["median"],
                saves["p95"],
                len(outcome.submits),
                submits["median"],
                submits["p95"],
                outcome.worker_cpu * 1000 / max(1, outcome.requests),
                len(outcome.failures),
            ]
        )
        table.targets += [
            Target("section saves per second", rate, 100, "/s", higher_is_better=True),
            Target("save p95 latency", saves["p95"], 100, "ms"),
        ]
        if outcome.failures:
            table.notes.append(f"First failures: {outcome.failures[:5]}")
    table.notes.append(
        f"Bounded at {seconds} s or {max_requests} saves. Each client opens a personal link, "
        "reads the first section page once, POSTs every visible section of the 2011 "
        "questionnaire (about 16) with valid answers, then submits; only POSTs are timed, "
        "saves/s is over the whole run (link opens, page reads and submits included). "
        "Clients, gunicorn and PostgreSQL share the 2 cores; e-mail to the locmem backend. "
        "Worker CPU: CPU time of the two gunicorn workers over all requests of the run "
        "(link opens, page reads, saves, submits; PostgreSQL's work excluded)."
    )
    return [table]


# --- 3. Response rates and the dashboard ---------------------------------------------------------


def run_dashboard(sizes: list[int], options: Options) -> list[Table]:
    from django.urls import reverse

    from surveys.outreach import selectors as rates

    table = Table(
        "Response rates (selectors) and the staff dashboard",
        [
            "organisations",
            "what",
            *TIMING_COLUMNS,
            "KB",
        ],
    )
    client = staff_client()
    for size in sizes:
        dataset = _dataset(size, options)
        wave = dataset.wave
        calls: list[tuple[str, Callable[[], object]]] = [
            ("wave_rates (overall, kind, county, size class)", lambda w=wave: rates.wave_rates(w)),
            ("submissions_by_day", lambda w=wave: rates.submissions_by_day(w)),
            ("not_submitted_status", lambda w=wave: list(rates.not_submitted_status(w))),
            ("dashboard page", PageGet(client, reverse("surveys:dashboard", args=[wave.slug]))),
            (
                "figures.json (live refresh)",
                PageGet(client, reverse("surveys:dashboard_figures", args=[wave.slug])),
            ),
        ]
        for name, call in calls:
            wall, cpu = timed_calls(call, repeat=options.repeat(20))
            stats = summary(wall)
            size_kb = call.bytes / 1024 if isinstance(call, PageGet) else ""
            table.rows.append(
                [
                    size,
                    name,
                    *timing_cells(stats, cpu),
                    count_queries(call),
                    size_kb,
                ]
            )
            if name == "dashboard page" and size >= 100_000:
                table.targets.append(
                    Target(
                        f"dashboard at {size} organisations (median)", stats["median"], 300, "ms"
                    )
                )
    table.notes.append(
        "Selectors called directly; pages through the Django test client as a superuser. "
        "The generated data has answer sets but no invitation e-mails (invited = 0)."
    )
    return [table]


def run_journey(sizes: list[int], options: Options) -> list[Table]:
    from benchmarks.journey import run_journey as journey

    return journey(sizes, options)


SUITES: dict[str, Suite] = {
    "section": Suite("respondent section page with 7 and 100 questions", [450], run_section),
    "save": Suite("section saves and submits, 8 clients, gunicorn 2 workers", [450], run_save),
    "dashboard": Suite("response rates and the dashboard", [450, 100_000], run_dashboard),
    "export": Suite("wide CSV export against the COPY floor", [10_000, 100_000], run_export),
    "export-memory": Suite(
        "tracemalloc peaks of wide, long and XLSX exports (export_memory.py)",
        [1000, 10_000],
        run_export_memory,
    ),
    "results": Suite("results page of a question with breakdowns", [10_000], run_results),
    "journey": Suite(
        "a complete questionnaire in process: CPU and queries per request",
        [450],
        run_journey,
    ),
    "report": Suite(
        "wave_results, report page and PDF (before/after with BENCH_BASELINE=<dir>)",
        [450, 10_000, 100_000],
        run_report,
    ),
}
