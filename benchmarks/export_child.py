"""One export in a fresh process, so that its peak memory is its own.

    python -m benchmarks.export_child SLUG wide|long|copy

Prints one JSON line: seconds, bytes and lines written, the RSS after Django started and the
peak RSS while exporting (the kernel's high-water mark, reset after start-up). `wide`/`long`
run surveys.analysis.exports.export_csv_lines into a file, as the background export job does; `copy`
pulls the same data (one row per organisation: register columns, answer status and times,
every answer and "Annet" text keyed by question) with PostgreSQL's own `COPY ... TO STDOUT`
into a file: the floor the export is compared with.
"""

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

COPY_WIDE = """
COPY (
  SELECT o.number, o.name, o.kind, c.number AS county_number, c.name AS county_name,
         o.size_class, o.population, COALESCE(s.status, 'not_started') AS status,
         s.created_at, s.submitted_at,
         (SELECT jsonb_object_agg(q.key, a.value ORDER BY q.position)
            FROM {answer} a JOIN {question} q ON q.id = a.question_id
           WHERE a.answer_set_id = s.id) AS answers,
         (SELECT jsonb_object_agg(q.key, a.other_text)
            FROM {answer} a JOIN {question} q ON q.id = a.question_id
           WHERE a.answer_set_id = s.id AND a.other_text <> '') AS other_texts
    FROM {organisation} o
    JOIN {county} c ON c.id = o.county_id
    LEFT JOIN {answerset} s ON s.organisation_id = o.id AND s.wave_id = %(wave)s
   WHERE o.edition_id = %(edition)s AND o.kind = ANY(%(kinds)s)
   ORDER BY o.kind, o.number, o.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS (VmHWM) so that it measures the export only (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mb(reset: bool) -> float:
    if reset:
        return _status_mb("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    import os

    from benchmarks.__main__ import BENCH_ENVIRONMENT

    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.db import connection

    from municipalities.models import County, Organisation
    from surveys.analysis.exports import ExportOptions, export_csv_lines
    from surveys.models import Answer, AnswerSet, Question, Wave

    slug, mode = sys.argv[1], sys.argv[2]
    wave = Wave.objects.get(slug=slug)
    connection.ensure_connection()
    baseline = _status_mb("VmRSS")
    reset = _reset_peak()
    lines = 0
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        if mode == "copy":
            sql = COPY_WIDE.format(
                answer=Answer._meta.db_table,
                question=Question._meta.db_table,
                organisation=Organisation._meta.db_table,
                county=County._meta.db_table,
                answerset=AnswerSet._meta.db_table,
            )
            with connection.cursor() as cursor:
                raw = cursor.cursor
                query = raw.mogrify(
                    sql, {"wave": wave.pk, "edition": wave.edition_id, "kinds": wave.target_kinds}
                )
                raw.copy_expert(query.decode(), out)
        else:
            for line in export_csv_lines(wave, ExportOptions(layout=mode)):
                out.write(line.encode("utf-8"))
                lines += 1
        seconds = time.perf_counter() - started
        size = out.tell()
        if mode == "copy":
            out.seek(0)
            lines = sum(1 for _ in out)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "bytes": size,
                "lines": lines,
                "baseline_rss_mb": baseline,
                "peak_rss_mb": _peak_rss_mb(reset),
            }
        )
    )


if __name__ == "__main__":
    main()
