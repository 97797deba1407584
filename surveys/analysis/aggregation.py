"""Counting submitted answers in the database: distributions per cell, number summaries and
the free-text answers, without loading one row per answer into Python.

A cell is (organisation kind, county, size class): the overall figure and the breakdowns by
size class, county and kind are sums of cells. Answers are JSON (`Answer.value`): a code, a
list of codes, a {row: scale} dict, a number or a text. One query counts them all per cell
and code, with the JSON functions both databases have (PostgreSQL's jsonb_array_elements_text
and jsonb_each_text, SQLite's json_each); the rows that come back grow with questions, cells
and codes, never with organisations. Numbers are summarised in the database too: on
PostgreSQL n, mean, minimum, maximum and the quartiles (percentile_cont, the inclusive method
of spreadsheets' QUARTIL.INK) per group in one query with GROUPING SETS; SQLite has no
percentiles, so there each distinct value is counted per group and the quartiles are
interpolated from those counts (the same figures).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Func, Q, TextField, Window
from django.db.models.functions import RowNumber, Trim

from municipalities.models import County, Organisation
from surveys.models import Answer, AnswerSet, Question, Wave

CHOICE_KINDS = {Question.Kind.SINGLE_CHOICE, Question.Kind.RATING}
NUMBER_KINDS = {
    Question.Kind.INTEGER,
    Question.Kind.DECIMAL,
    Question.Kind.PERCENTAGE,
    Question.Kind.RATING,
}
TEXT_KINDS = {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}
CONTAINER_KINDS = {Question.Kind.MULTIPLE_CHOICE, Question.Kind.MATRIX}

ORG = "answer_set__organisation__"
# A cell: (kind, county_id, size_class).
CellKey = tuple[str, int, int | None]
# A group of a number summary: ("all", None), ("size_class", 3) or ("kind", "kommune").
GroupKey = tuple[str, Any]


@dataclass
class Cell:
    n: int = 0
    counts: Counter = field(default_factory=Counter)
    rows: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    row_n: Counter = field(default_factory=Counter)


@dataclass
class NumberStats:
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None


class JsonText(Func):
    """A JSON scalar as text: a code, a number or a free text (NULL for JSON null)."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s #>> '{}')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="json_extract(%(expressions)s, '$')", **extra
        )


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "answer": quote(Answer._meta.db_table),
        "answerset": quote(AnswerSet._meta.db_table),
        "organisation": quote(Organisation._meta.db_table),
    }


# Per database: the JSON pieces of the counting query (`a` is the answer).
_JSON_SQL = {
    "postgresql": {
        "scalar": "a.value #>> '{}'",
        "is_scalar": "jsonb_typeof(a.value) IN ('string', 'number')",
        "elements": "jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.value) = 'array' "
        "THEN a.value END) AS e(code)",
        "element_code": "e.code",
        "pairs": "jsonb_each_text(CASE WHEN jsonb_typeof(a.value) = 'object' "
        "THEN a.value END) AS e(row_code, code)",
        "pair_row": "e.row_code",
        "pair_code": "e.code",
        "lateral": "CROSS JOIN LATERAL",
        "non_empty": "jsonb_typeof(a.value) IN ('array', 'object') "
        "AND a.value NOT IN ('[]'::jsonb, '{}'::jsonb)",
    },
    "sqlite": {
        "scalar": "json_extract(a.value, '$')",
        "is_scalar": "json_type(a.value) IN ('text', 'integer', 'real')",
        "elements": "json_each(CASE WHEN json_type(a.value) = 'array' THEN a.value END) AS e",
        "element_code": "e.value",
        "pairs": "json_each(CASE WHEN json_type(a.value) = 'object' THEN a.value END) AS e",
        "pair_row": "e.key",
        "pair_code": "e.value",
        "lateral": "JOIN",
        # SQLite cannot count an object's keys: Django writes JSON without spaces, so an
        # empty object is exactly "{}".
        "non_empty": "((json_type(a.value) = 'array' AND json_array_length(a.value) > 0) "
        "OR (json_type(a.value) = 'object' AND a.value <> '{}'))",
    },
}

# The submitted answers of the questions with their organisation's cell are read once (a
# CTE referenced four times is materialised), then counted four ways: scalar codes, the codes
# of lists, the (row, code) pairs of matrices, and the non-empty lists and matrices.
_COUNTING_SQL = """
WITH a AS (
  SELECT a.id, a.question_id, o.kind, o.county_id, o.size_class, a.value
    FROM {answer} a JOIN {answerset} s ON s.id = a.answer_set_id
    JOIN {organisation} o ON o.id = s.organisation_id
   WHERE s.wave_id = %s AND s.status = %s AND a.question_id IN ({all_ids})
)
SELECT 'v', a.question_id, a.kind, a.county_id, a.size_class, '', {scalar}, COUNT(*)
  FROM a
 WHERE a.question_id IN ({scalar_ids}) AND {is_scalar} AND {scalar} <> ''
 GROUP BY a.question_id, a.kind, a.county_id, a.size_class, {scalar}
UNION ALL
SELECT 'l', a.question_id, a.kind, a.county_id, a.size_class, '', {element_code},
       COUNT(DISTINCT a.id)
  FROM a {lateral} {elements}
 WHERE a.question_id IN ({container_ids})
 GROUP BY a.question_id, a.kind, a.county_id, a.size_class, {element_code}
UNION ALL
SELECT 'd', a.question_id, a.kind, a.county_id, a.size_class, {pair_row}, {pair_code}, COUNT(*)
  FROM a {lateral} {pairs}
 WHERE a.question_id IN ({container_ids})
 GROUP BY a.question_id, a.kind, a.county_id, a.size_class, {pair_row}, {pair_code}
UNION ALL
SELECT 'n', a.question_id, a.kind, a.county_id, a.size_class, '', '', COUNT(*)
  FROM a
 WHERE a.question_id IN ({container_ids}) AND {non_empty}
 GROUP BY a.question_id, a.kind, a.county_id, a.size_class
"""


def _ids(values: Iterable[int]) -> str:
    # Question ids are integers from our own database: safe to inline, and an empty list
    # becomes a condition that matches nothing.
    return ", ".join(str(int(value)) for value in values) or "NULL"


def count_cells(wave: Wave, questions: list[Question]) -> dict[int, dict[CellKey, Cell]]:
    """Submitted answers per question, cell and code (one query)."""
    cells: dict[int, dict[CellKey, Cell]] = defaultdict(lambda: defaultdict(Cell))
    scalar_ids = [q.id for q in questions if q.kind in CHOICE_KINDS]
    container_ids = [q.id for q in questions if q.kind in CONTAINER_KINDS]
    if not scalar_ids and not container_ids:
        return cells
    sql = _COUNTING_SQL.format(
        **_tables(),
        **_JSON_SQL[connection.vendor],
        scalar_ids=_ids(scalar_ids),
        container_ids=_ids(container_ids),
        all_ids=_ids(scalar_ids + container_ids),
    )
    if connection.vendor == "postgresql":
        # PostgreSQL cannot estimate how many answers the JSON conditions keep (it guesses a
        # few dozen of 150,000) and sorts them to group them; hashing is two to three times
        # faster (benchmarks/RESULTS.md). SET LOCAL lasts until the end of the transaction:
        # this block's own, or the caller's when there is one.
        sql = "SET LOCAL enable_sort = off; " + sql
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, [wave.pk, AnswerSet.Status.SUBMITTED])
        rows = cursor.fetchall()
    for part, question_id, kind, county_id, size_class, row_code, code, times in rows:
        cell = cells[question_id][(kind, county_id, size_class)]
        if part == "v":
            cell.n += times
            cell.counts[str(code)] += times
        elif part == "l":
            cell.counts[str(code)] += times
        elif part == "d":
            cell.rows[str(row_code)][str(code)] += times
            cell.row_n[str(row_code)] += times
        else:
            cell.n += times
    return cells


# --- Numbers ------------------------------------------------------------------------------------

_NUMBER_PATTERN = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"

_PG_NUMBERS_SQL = """
SELECT a.question_id, GROUPING(o.size_class), o.size_class, GROUPING(o.kind), o.kind,
       COUNT(*), AVG(x.number), MIN(x.number), MAX(x.number),
       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY x.number)
  FROM {answer} a JOIN {answerset} s ON s.id = a.answer_set_id
  JOIN {organisation} o ON o.id = s.organisation_id
  CROSS JOIN LATERAL (SELECT CASE
       WHEN jsonb_typeof(a.value) = 'number' THEN (a.value #>> '{{}}')::float8
       WHEN jsonb_typeof(a.value) = 'string' AND (a.value #>> '{{}}') ~ %s
       THEN (a.value #>> '{{}}')::float8 END AS number) x
 WHERE s.wave_id = %s AND s.status = %s AND a.question_id IN ({ids})
   AND x.number IS NOT NULL
 GROUP BY GROUPING SETS ((a.question_id), (a.question_id, o.size_class),
                         (a.question_id, o.kind))
"""

_SQLITE_NUMBERS_SQL = """
SELECT a.question_id, o.size_class, o.kind, CAST(json_extract(a.value, '$') AS REAL), COUNT(*)
  FROM {answer} a JOIN {answerset} s ON s.id = a.answer_set_id
  JOIN {organisation} o ON o.id = s.organisation_id
 WHERE s.wave_id = %s AND s.status = %s AND a.question_id IN ({ids})
   AND (json_type(a.value) IN ('integer', 'real')
        OR (json_type(a.value) = 'text' AND trim(json_extract(a.value, '$')) <> ''
            AND trim(json_extract(a.value, '$')) NOT GLOB '*[^0-9.-]*'))
 GROUP BY a.question_id, o.size_class, o.kind, CAST(json_extract(a.value, '$') AS REAL)
"""


def summarise_numbers(wave: Wave, questions: list[Question]) -> dict[int, dict[GroupKey, Any]]:
    """n, mean, quartiles, minimum and maximum per question: overall, per size class and
    per organisation kind (one query)."""
    ids = [q.id for q in questions if q.kind in NUMBER_KINDS]
    if not ids:
        return {}
    submitted = AnswerSet.Status.SUBMITTED
    summaries: dict[int, dict[GroupKey, NumberStats]] = defaultdict(dict)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = _PG_NUMBERS_SQL.format(**_tables(), ids=_ids(ids))
            cursor.execute(sql, [_NUMBER_PATTERN, wave.pk, submitted])
            for row in cursor.fetchall():
                question_id, no_size, size_class, no_kind, kind, n, mean, low, high, q = row
                group = (
                    ("all", None)
                    if no_size and no_kind
                    else ("size_class", size_class)
                    if not no_size
                    else ("kind", kind)
                )
                summaries[question_id][group] = NumberStats(
                    n, float(mean), q[1], q[0], q[2], low, high
                )
            return summaries
        cursor.execute(_SQLITE_NUMBERS_SQL.format(**_tables(), ids=_ids(ids)), [wave.pk, submitted])
        counted: dict[int, dict[GroupKey, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for question_id, size_class, kind, number, times in cursor.fetchall():
            for group in (("all", None), ("size_class", size_class), ("kind", kind)):
                counted[question_id][group][float(number)] += times
    for question_id, groups in counted.items():
        for group, counts in groups.items():
            summaries[question_id][group] = stats_from_counts(counts)
    return summaries


def _at(ordered: list[tuple[float, int]], index: int) -> float:
    """The value at this position of the sorted values, from (value, times) pairs."""
    seen = 0
    for value, times in ordered:
        seen += times
        if index < seen:
            return value
    return ordered[-1][0]


def _quantile(ordered: list[tuple[float, int]], n: int, fraction: float) -> float:
    """Linear interpolation between the closest ranks (the inclusive method)."""
    position = (n - 1) * fraction
    low = int(position)
    below = _at(ordered, low)
    if position == low:
        return below
    return below + (_at(ordered, low + 1) - below) * (position - low)


def stats_from_counts(counts: Counter) -> NumberStats:
    """The summary of values given as {value: times}."""
    n = sum(counts.values())
    ordered = sorted(counts.items())
    return NumberStats(
        n=n,
        mean=sum(value * times for value, times in ordered) / n,
        median=_quantile(ordered, n, 0.5),
        q1=_quantile(ordered, n, 0.25),
        q3=_quantile(ordered, n, 0.75),
        minimum=ordered[0][0],
        maximum=ordered[-1][0],
    )


# --- Free texts ---------------------------------------------------------------------------------


def text_answers(wave: Wave, question_ids: Iterable[int]):
    """Submitted free texts and "Annet" texts of these questions, by organisation name."""
    return (
        Answer.objects.filter(
            question_id__in=list(question_ids),
            answer_set__wave=wave,
            answer_set__status=AnswerSet.Status.SUBMITTED,
        )
        .annotate(text=Trim(JsonText("value")))
        .filter(
            ~Q(other_text="") | (Q(question__kind__in=TEXT_KINDS, text__isnull=False) & ~Q(text=""))
        )
        .order_by(f"{ORG}name", f"{ORG}number", "pk")
    )


TEXT_FIELDS = ("question_id", f"{ORG}name", f"{ORG}number", "text", "other_text")


def first_texts(wave: Wave, question_ids: list[int], *, limit: int) -> list[tuple]:
    """The first `limit` texts of each question with each question's number of texts (one
    query): rows of TEXT_FIELDS followed by that total."""
    if not question_ids:
        return []
    ordered = [F(f"{ORG}name").asc(), F(f"{ORG}number").asc(), F("pk").asc()]
    return list(
        text_answers(wave, question_ids)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("question_id")], order_by=ordered),
            total=Window(Count("pk"), partition_by=[F("question_id")]),
        )
        .filter(position__lte=limit)
        .values_list(*TEXT_FIELDS, "total")
    )


def counties_of(wave: Wave) -> list[County]:
    return list(County.objects.filter(edition_id=wave.edition_id).order_by("number"))
