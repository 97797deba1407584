"""Measurements as tables: timing helpers, the environment, printing and the results files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Target:
    """A goal, e.g. "median < 30 ms", and whether this run met it."""

    name: str
    measured: float
    limit: float
    unit: str
    higher_is_better: bool = False

    @property
    def met(self) -> bool:
        if self.higher_is_better:
            return self.measured >= self.limit
        return self.measured < self.limit or (
            self.unit == "queries" and self.measured <= self.limit
        )

    def line(self) -> str:
        sign = "≥" if self.higher_is_better else ("≤" if self.unit == "queries" else "<")
        verdict = "met" if self.met else "MISSED"
        target = f"target {sign} {fmt(self.limit)}"
        return f"{self.name}: {fmt(self.measured)} {self.unit} ({target}) — {verdict}"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def text(self) -> str:
        cells = [[str(c) for c in self.columns]] + [[fmt(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [f"### {self.title}", ""]
        for n, row in enumerate(cells):
            lines.append(
                "| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |"
            )
            if n == 0:
                lines.append("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
        lines.append("")
        lines += [f"- {target.line()}" for target in self.targets]
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}".replace(",", " ")
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(milliseconds: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(milliseconds),
        "p95": percentile(milliseconds, 0.95),
        "min": min(milliseconds),
        "max": max(milliseconds),
    }


def time_calls(call: Callable[[], Any], *, repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls after `warmup` unmeasured ones."""
    return timed_calls(call, repeat=repeat, warmup=warmup)[0]


def timed_calls(
    call: Callable[[], Any], *, repeat: int, warmup: int = 2
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of this process for `repeat` calls after `warmup`.

    CPU time leaves out the waiting for a core that other work on a shared machine causes
    (and the database server's own work): it is the steadier figure when the load is high.
    """
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def environment() -> dict[str, str]:
    """Machine, database and versions: every results file starts with these."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            server = "PostgreSQL " + cursor.fetchone()[0]
        else:
            server = f"{connection.vendor} {connection.Database.sqlite_version}"
    dirty = " (with uncommitted changes)" if _git("status", "--porcelain", "-uno") else ""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu_model()}, {os.cpu_count()} cores, {_memory_total()} RAM",
        "os": platform.platform(),
        "database": f"{server}, database {connection.settings_dict['NAME']!r} on "
        f"{connection.settings_dict.get('HOST') or 'local socket'}",
        "python": platform.python_version(),
        "versions": ", ".join(
            f"{name} {_version(name)}"
            for name in ("Django", "psycopg2-binary", "gunicorn", "django-crispy-forms")
        ),
        "commit": _git("rev-parse", "--short", "HEAD") + dirty,
        # Other work on the machine skews every figure: the load average says how much.
        "load average at start": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "machine speed at start": f"{calibration_ms():.0f} ms for a fixed pure-Python loop "
        "(best of 3; compare runs by it: it was seen to vary from 730 to 1,150 ms on an idle "
        "machine here)",
    }


def calibration_ms() -> float:
    """The best of three runs of a fixed CPU-bound loop: how fast this machine is right now.

    The shared virtual machines this project is measured on change speed from minute to
    minute (by a third, idle or not); two runs compare fairly only at similar figures here.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(10_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def write_results(
    env: dict[str, str], tables: list[Table], *, command: str, directory: Path = RESULTS_DIR
) -> Path:
    """Write the run as Markdown (for people) and JSON (for tools); return the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"{stamp}.md"
    header = [f"# Benchmark run {env['date']}", "", f"Command: `{command}`", ""]
    header += [f"- {name}: {value}" for name, value in env.items() if name != "date"]
    path.write_text(
        "\n".join(header) + "\n\n" + "\n".join(table.text() for table in tables), encoding="utf-8"
    )
    data = {
        "command": command,
        "environment": env,
        "tables": [
            {**asdict(table), "targets": [{**asdict(t), "met": t.met} for t in table.targets]}
            for table in tables
        ],
    }
    path.with_suffix(".json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return path
