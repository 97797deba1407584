"""Memory of the streaming exports: peak Python allocations while exporting N organisations.

    python -m benchmarks.export_memory --organisations 1000 10000
    python -m benchmarks --only export-memory --sizes 1000 10000    (as part of make bench)

Runs on the configured database (DATABASE_URL or the embedded SQLite, migrated) inside a
transaction that is rolled back, so it leaves nothing behind. The peak is measured with
tracemalloc while the CSV lines are consumed and thrown away, as a streaming response does.
"""

import argparse
import os
import tracemalloc
from collections.abc import Callable

SERVICES = ["barnehageplass", "byggesak", "kulturskole", "annet", "ingen"]
ROWS = ["e_post", "sms", "facebook"]
SCALE = ["stor_grad", "noen_grad", "ikke"]


def create_wave_with_answers(organisations: int, *, year: int = 2011):
    """A wave with six questions and `organisations` submitted answer sets (bulk inserts)."""
    from django.utils import timezone

    from municipalities.models import County, Organisation, OrganisationKind, RegisterEdition
    from surveys.models import Answer, AnswerSet, Choice, MatrixRow, Question, Section, Wave

    edition, _ = RegisterEdition.objects.get_or_create(year=year, defaults={"name": str(year)})
    county, _ = County.objects.get_or_create(edition=edition, number="99", defaults={"name": "X"})
    wave = Wave.objects.create(
        slug=f"bench-{year}-{organisations}",
        title="Benchmark",
        year=year,
        edition=edition,
        target_kinds=[OrganisationKind.KOMMUNE],
    )
    section = Section.objects.create(wave=wave, key="s", position=1, title="Del")
    kinds = [
        ("ja_nei", Question.Kind.SINGLE_CHOICE),
        ("tjenester", Question.Kind.MULTIPLE_CHOICE),
        ("kanaler", Question.Kind.MATRIX),
        ("stjerner", Question.Kind.RATING),
        ("ansatte", Question.Kind.INTEGER),
        ("kommentar", Question.Kind.LONG_TEXT),
    ]
    questions = {
        key: Question.objects.create(
            wave=wave, section=section, key=key, position=i, kind=kind, text=key
        )
        for i, (key, kind) in enumerate(kinds)
    }
    for i, code in enumerate(["ja", "nei", "vet_ikke"]):
        Choice.objects.create(question=questions["ja_nei"], code=code, label=code, position=i)
    for i, code in enumerate(SERVICES):
        Choice.objects.create(
            question=questions["tjenester"],
            code=code,
            label=code,
            position=i,
            is_other=code == "annet",
        )
    for i, code in enumerate(SCALE):
        Choice.objects.create(question=questions["kanaler"], code=code, label=code, position=i)
    for i, code in enumerate(ROWS):
        MatrixRow.objects.create(question=questions["kanaler"], code=code, label=code, position=i)

    now = timezone.now()
    Organisation.objects.bulk_create(
        [
            Organisation(
                edition=edition,
                county=county,
                kind=OrganisationKind.KOMMUNE,
                number=f"{i:04d}"[-4:],
                name=f"Kommune {i}",
                population=500 + i * 7,
            )
            for i in range(organisations)
        ],
        batch_size=1000,
    )
    org_ids = Organisation.objects.filter(edition=edition, county=county).values_list(
        "id", flat=True
    )
    AnswerSet.objects.bulk_create(
        [
            AnswerSet(wave=wave, organisation_id=org_id, status="submitted", submitted_at=now)
            for org_id in org_ids
        ],
        batch_size=1000,
    )
    answers = []
    for i, set_id in enumerate(
        AnswerSet.objects.filter(wave=wave).order_by("id").values_list("id", flat=True)
    ):
        values = {
            "ja_nei": ["ja", "nei", "vet_ikke"][i % 3],
            "tjenester": SERVICES[: i % 4 + 1],
            "kanaler": {row: SCALE[(i + j) % 3] for j, row in enumerate(ROWS)},
            "stjerner": i % 6 + 1,
            "ansatte": 10 + i,
            "kommentar": f"Kommentar nummer {i} med litt tekst som gjør raden lengre." * 3,
        }
        answers += [
            Answer(answer_set_id=set_id, question=questions[key], value=value, changed_at=now)
            for key, value in values.items()
        ]
        if len(answers) >= 5000:
            Answer.objects.bulk_create(answers)
            answers = []
    Answer.objects.bulk_create(answers)
    return wave


def peak_bytes(produce: Callable[[], object]) -> tuple[int, int]:
    """(peak traced bytes, number of items) while consuming the iterator `produce()` returns."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    count = 0
    for _line in produce():
        count += 1
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, count


def xlsx_peak_bytes(wave) -> int:
    """Peak traced bytes while writing the three-sheet XLSX to a temporary file."""
    import tempfile
    from pathlib import Path

    from surveys.analysis.exports import ExportOptions
    from surveys.analysis.workbook import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        tracemalloc.start()
        tracemalloc.reset_peak()
        write_xlsx(wave, ExportOptions(format="xlsx"), Path(tmp) / "export.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


class _Rollback(Exception):
    pass


def measure(organisations: int) -> list[tuple[str, int, float]]:
    """(layout, lines, peak MB) of the wide and long CSV and the XLSX for a generated wave of
    `organisations`, inside a transaction that is rolled back."""
    from django.db import transaction

    from surveys.analysis.exports import ExportOptions, export_csv_lines

    rows: list[tuple[str, int, float]] = []
    try:
        with transaction.atomic():
            wave = create_wave_with_answers(organisations, year=3000 + organisations % 1000)
            for layout in ("wide", "long"):
                options = ExportOptions(layout=layout)
                peak, lines = peak_bytes(lambda w=wave, o=options: export_csv_lines(w, o))
                rows.append((layout, lines, peak / 1e6))
            rows.append(("xlsx (both layouts, codebook)", 0, xlsx_peak_bytes(wave) / 1e6))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekommune.settings")
    django.setup()

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    for n in args.organisations:
        for layout, lines, megabytes in measure(n):
            print(f"{n:>7} organisations  {layout:<5} {lines:>7} lines  {megabytes:7.2f} MB")


if __name__ == "__main__":
    main()
