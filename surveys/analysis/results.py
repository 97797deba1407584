"""Report-shaped reads for the results pages, the survey report and the chart downloads.

Results count submitted answer sets only. Distributions are counted per cell of
(organisation kind, county, size class) — single choices and ratings by GROUP BY in the
database, multiple choices, matrices and numbers in Python over one values_list query — and the
cells are then rolled up into the overall figure and the breakdowns by size class, county and
kind. The number of queries therefore never depends on the number of organisations or questions.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import County, OrganisationKind, SizeClass
from surveys.analysis.codebook import wave_questions
from surveys.charts import Distribution, Share
from surveys.models import Answer, AnswerSet, Question, Wave
from surveys.outreach import selectors as rates

CHOICE_KINDS = {Question.Kind.SINGLE_CHOICE, Question.Kind.RATING}
NUMBER_KINDS = {
    Question.Kind.INTEGER,
    Question.Kind.DECIMAL,
    Question.Kind.PERCENTAGE,
    Question.Kind.RATING,
}
TEXT_KINDS = {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}

ORG = "answer_set__organisation__"
# A cell: (kind, county_id, size_class).
CellKey = tuple[str, int, int | None]


# --- Result shapes ------------------------------------------------------------------------------


@dataclass
class Breakdown:
    key: str  # size_class | county | kind
    title: str
    groups: list[Distribution]


@dataclass
class NumberSummary:
    label: str
    n: int
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class TextAnswer:
    organisation: str
    number: str
    text: str
    choice: str = ""


@dataclass
class MatrixRowResult:
    code: str
    label: str
    overall: Distribution
    by_size_class: list[Distribution]


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    codes: list[tuple[str, str]] = field(default_factory=list)
    overall: Distribution | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    matrix_rows: list[MatrixRowResult] = field(default_factory=list)
    numbers: list[NumberSummary] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def is_choice(self) -> bool:
        return self.overall is not None

    def breakdown(self, key: str) -> Breakdown | None:
        return next((item for item in self.breakdowns if item.key == key), None)


@dataclass
class ResponseCount:
    kind: str
    label: str
    total: int
    submitted: int
    in_progress: int

    @property
    def noun(self) -> str:
        """ "kommuner"/"fylkeskommuner" for the sentence "212 kommuner (49 %) har svart"."""
        if self.kind == OrganisationKind.FYLKESKOMMUNE:
            return ngettext("fylkeskommune", "fylkeskommuner", self.submitted)
        return ngettext("kommune", "kommuner", self.submitted)

    @property
    def percent(self) -> int | None:
        """Rounded half up to a whole number, as KS reports it (and as the dashboard does)."""
        return rates.percent(self.submitted, self.total)


@dataclass
class WaveColumn:
    """One wave of a comparison across waves."""

    wave: Wave
    question: Question
    distribution: Distribution | None
    numbers: NumberSummary | None


# --- Internal counting --------------------------------------------------------------------------


@dataclass
class _Cell:
    n: int = 0
    counts: Counter = field(default_factory=Counter)
    rows: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    row_n: Counter = field(default_factory=Counter)
    numbers: list[float] = field(default_factory=list)


def codes_for(question: Question) -> list[tuple[str, str]]:
    """The codes a question's answers can take, with their labels, in order."""
    if question.kind == Question.Kind.RATING:
        options = question.options or {}
        low, high = int(options.get("min", 1)), int(options.get("max", 6))
        return [(str(value), str(value)) for value in range(low, high + 1)]
    return [(choice.code, choice.label) for choice in question.choices.all()]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _submitted_answers(wave: Wave, question_ids: Iterable[int]):
    return Answer.objects.filter(
        question_id__in=list(question_ids),
        answer_set__wave=wave,
        answer_set__status=AnswerSet.Status.SUBMITTED,
    )


def _collect(wave: Wave, questions: list[Question]) -> dict[int, dict[CellKey, _Cell]]:
    """Count the submitted answers to these questions per cell (at most two queries)."""
    cells: dict[int, dict[CellKey, _Cell]] = defaultdict(lambda: defaultdict(_Cell))
    grouped = [q.id for q in questions if q.kind in CHOICE_KINDS]
    rating_ids = {q.id for q in questions if q.kind == Question.Kind.RATING}
    in_python = [
        q.id
        for q in questions
        if q.kind in {Question.Kind.MULTIPLE_CHOICE, Question.Kind.MATRIX} | NUMBER_KINDS
        and q.kind != Question.Kind.RATING
    ]
    if grouped:
        rows = (
            _submitted_answers(wave, grouped)
            .values("question_id", f"{ORG}kind", f"{ORG}county_id", f"{ORG}size_class", "value")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            value = row["value"]
            if value is None or value == "" or value == []:
                continue
            key = (row[f"{ORG}kind"], row[f"{ORG}county_id"], row[f"{ORG}size_class"])
            cell = cells[row["question_id"]][key]
            cell.n += row["n"]
            cell.counts[str(value)] += row["n"]
            if row["question_id"] in rating_ids and (number := _number(value)) is not None:
                cell.numbers.extend([number] * row["n"])
    if in_python:
        rows = _submitted_answers(wave, in_python).values_list(
            "question_id", f"{ORG}kind", f"{ORG}county_id", f"{ORG}size_class", "value"
        )
        for question_id, kind, county_id, size_class, value in rows:
            cell = cells[question_id][(kind, county_id, size_class)]
            if isinstance(value, list):
                if value:
                    cell.n += 1
                    cell.counts.update(set(map(str, value)))
            elif isinstance(value, dict):
                if value:
                    cell.n += 1
                    for row_code, scale in value.items():
                        cell.rows[row_code][str(scale)] += 1
                        cell.row_n[row_code] += 1
            elif (number := _number(value)) is not None:
                cell.n += 1
                cell.numbers.append(number)
    return cells


def _texts(wave: Wave, questions: list[Question]) -> dict[int, list[TextAnswer]]:
    """Free-text answers and "other" texts with the organisation's name (one query)."""
    wanted = [q for q in questions if q.kind in TEXT_KINDS or any_other(q)]
    if not wanted:
        return {}
    labels = {
        q.id: {choice.code: choice.label for choice in q.choices.all() if choice.is_other}
        for q in wanted
    }
    rows = (
        _submitted_answers(wave, [q.id for q in wanted])
        .filter(~Q(other_text="") | Q(question__kind__in=TEXT_KINDS))
        .values_list("question_id", f"{ORG}name", f"{ORG}number", "value", "other_text")
        .order_by(f"{ORG}name", f"{ORG}number")
    )
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    for question_id, name, number, value, other_text in rows:
        if other_text:
            choice = ", ".join(labels[question_id].values())
            texts[question_id].append(TextAnswer(name, number, other_text, choice))
        elif isinstance(value, str) and value.strip():
            texts[question_id].append(TextAnswer(name, number, value))
    return texts


def any_other(question: Question) -> bool:
    return any(choice.is_other for choice in question.choices.all())


def _merge(cells: Iterable[_Cell]) -> _Cell:
    total = _Cell()
    for cell in cells:
        total.n += cell.n
        total.counts.update(cell.counts)
        for row_code, counter in cell.rows.items():
            total.rows[row_code].update(counter)
        total.row_n.update(cell.row_n)
        total.numbers.extend(cell.numbers)
    return total


def _distribution(
    label: str, n: int, counts: Counter, codes: list[tuple[str, str]]
) -> Distribution:
    known = {code for code, _label in codes}
    extra = [(code, code) for code in sorted(counts) if code not in known]
    return Distribution(
        label=label,
        n=n,
        shares=[
            Share(code, code_label, counts[code], counts[code] * 100 / n if n else 0.0)
            for code, code_label in codes + extra
        ],
    )


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0], ordered[0], ordered[0]
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return q1, median, q3


def number_summary(label: str, values: list[float]) -> NumberSummary:
    """n, mean, median and quartiles (inclusive method, as spreadsheets' QUARTIL.INK)."""
    if not values:
        return NumberSummary(label=label, n=0)
    q1, median, q3 = _quartiles(values)
    return NumberSummary(
        label=label,
        n=len(values),
        mean=statistics.fmean(values),
        median=median,
        q1=q1,
        q3=q3,
        minimum=min(values),
        maximum=max(values),
    )


# --- Groups -------------------------------------------------------------------------------------

Grouping = tuple[str, str, list[tuple[Any, str]], Callable[[CellKey], Any]]


def _groupings(counties: list[County], kinds: list[str]) -> list[Grouping]:
    kind_labels = dict(OrganisationKind.choices)
    return [
        (
            "size_class",
            _("Etter kommunestørrelse (innbyggere)"),
            [(value, label) for value, label in SizeClass.choices],
            lambda key: key[2],
        ),
        (
            "county",
            _("Etter fylke"),
            [(county.id, county.name) for county in counties],
            lambda key: key[1],
        ),
        (
            "kind",
            _("Etter organisasjonstype"),
            [(kind, kind_labels.get(kind, kind)) for kind in kinds],
            lambda key: key[0],
        ),
    ]


def _grouped(cells: dict[CellKey, _Cell], keyfunc: Callable[[CellKey], Any]) -> dict[Any, _Cell]:
    buckets: dict[Any, list[_Cell]] = defaultdict(list)
    for key, cell in cells.items():
        buckets[keyfunc(key)].append(cell)
    return {group: _merge(items) for group, items in buckets.items()}


def _build(
    question: Question,
    cells: dict[CellKey, _Cell],
    texts: list[TextAnswer],
    groupings: list[Grouping],
) -> QuestionResult:
    result = QuestionResult(question=question, texts=texts)
    total = _merge(cells.values())
    result.n = total.n
    codes = codes_for(question)
    result.codes = codes
    if question.kind in CHOICE_KINDS | {Question.Kind.MULTIPLE_CHOICE}:
        result.overall = _distribution(_("Alle"), total.n, total.counts, codes)
        for key, title, groups, keyfunc in groupings:
            merged = _grouped(cells, keyfunc)
            result.breakdowns.append(
                Breakdown(
                    key=key,
                    title=title,
                    groups=[
                        _distribution(label, merged[value].n, merged[value].counts, codes)
                        for value, label in groups
                        if value in merged and merged[value].n
                    ],
                )
            )
    if question.kind == Question.Kind.MATRIX:
        by_size = _grouped(cells, lambda key: key[2])
        for row in question.rows.all():
            result.matrix_rows.append(
                MatrixRowResult(
                    code=row.code,
                    label=row.label,
                    overall=_distribution(
                        _("Alle"), total.row_n[row.code], total.rows[row.code], codes
                    ),
                    by_size_class=[
                        _distribution(
                            label,
                            by_size[value].row_n[row.code],
                            by_size[value].rows[row.code],
                            codes,
                        )
                        for value, label in SizeClass.choices
                        if value in by_size and by_size[value].row_n[row.code]
                    ],
                )
            )
    if question.kind in NUMBER_KINDS:
        result.numbers.append(number_summary(_("Alle"), total.numbers))
        for key, _title, groups, keyfunc in groupings:
            if key == "county":
                continue
            merged = _grouped(cells, keyfunc)
            result.numbers += [
                number_summary(label, merged[value].numbers)
                for value, label in groups
                if value in merged and merged[value].numbers
            ]
    return result


# --- Selectors ----------------------------------------------------------------------------------


def question_results(wave: Wave, questions: list[Question]) -> list[QuestionResult]:
    """Distributions and breakdowns for these questions (choices/rows prefetched by the caller)."""
    counties = list(County.objects.filter(edition_id=wave.edition_id).order_by("number"))
    kinds = [kind for kind, _label in OrganisationKind.choices if kind in wave.target_kinds]
    groupings = _groupings(counties, kinds)
    cells = _collect(wave, questions)
    texts = _texts(wave, questions)
    return [
        _build(question, cells.get(question.id, {}), texts.get(question.id, []), groupings)
        for question in questions
    ]


def question_for_results(wave: Wave, key: str) -> Question | None:
    """One question of the wave with section, wave, choices and rows (three queries)."""
    return (
        Question.objects.filter(wave=wave, key=key)
        .select_related("section", "wave")
        .prefetch_related("choices", "rows")
        .first()
    )


def wave_results(wave: Wave) -> list[QuestionResult]:
    """Every question's results, in questionnaire order (constant number of queries)."""
    return question_results(wave, wave_questions(wave))


def response_counts(wave: Wave) -> list[ResponseCount]:
    """Per organisation kind: how many the wave went to, have submitted, are in progress.

    The same figures as the dashboard (`rates.summary_rates`), so the report's "212 kommuner
    (49 %)" and the dashboard's "212 av 430 kommuner (49 %)" can never disagree.
    """
    labels = dict(OrganisationKind.choices)
    by_kind = rates.summary_rates(wave).by_kind
    return [
        ResponseCount(
            kind=kind,
            label=labels[kind],
            total=figures.total,
            submitted=figures.submitted,
            # `started` counts every answer set, submitted ones included.
            in_progress=figures.started - figures.submitted,
        )
        for kind, _label in OrganisationKind.choices
        if (figures := by_kind.get(kind)) is not None and figures.total
    ]


def comparison_years() -> int:
    return settings.RESULTS_COMPARISON_YEARS


def comparison_across_waves(question: Question) -> list[WaveColumn]:
    """The question's wave and the earlier years' waves with the same question key, at most
    `RESULTS_COMPARISON_YEARS` years back, oldest first (three queries).

    Earlier years only: a comparison shows change over time, and another wave of the same
    year (a pilot, a copy, or the benchmarks' data sets) would be a second column with the
    same year above it; it would also read every answer of that wave (68,000 per question in
    the benchmarks) on every page view.
    """
    if question.kind in TEXT_KINDS | {Question.Kind.MATRIX}:
        return []
    year = question.wave.year
    same = list(
        Question.objects.filter(key=question.key, kind=question.kind)
        .filter(
            Q(wave_id=question.wave_id)
            | Q(wave__year__lt=year, wave__year__gte=year - comparison_years())
        )
        .select_related("wave")
        .prefetch_related("choices")
        .order_by("wave__year", "wave__slug")
    )
    if len(same) < 2:
        return []
    # Counted per distinct value in the database: a wave may have 100,000 answers, but only
    # a few distinct values (codes, ratings, combinations of ticked codes).
    rows = (
        Answer.objects.filter(question__in=same, answer_set__status=AnswerSet.Status.SUBMITTED)
        .values("question_id", "value")
        .annotate(times=Count("id"))
        .order_by()
        .values_list("question_id", "value", "times")
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    n: Counter = Counter()
    numbers: dict[int, list[float]] = defaultdict(list)
    for question_id, value, times in rows:
        if isinstance(value, list):
            if value:
                n[question_id] += times
                for code in set(map(str, value)):
                    counts[question_id][code] += times
        elif value is not None and value != "":
            n[question_id] += times
            counts[question_id][str(value)] += times
            if (number := _number(value)) is not None:
                numbers[question_id].extend([number] * times)
    codes = codes_for(question)
    columns = []
    for other in same:
        choice_like = other.kind in CHOICE_KINDS | {Question.Kind.MULTIPLE_CHOICE}
        columns.append(
            WaveColumn(
                wave=other.wave,
                question=other,
                distribution=(
                    _distribution(other.wave.title, n[other.id], counts[other.id], codes)
                    if choice_like
                    else None
                ),
                numbers=(
                    number_summary(other.wave.title, numbers[other.id])
                    if other.kind in NUMBER_KINDS
                    else None
                ),
            )
        )
    return columns


def comparison_rows(columns: list[WaveColumn]) -> list[tuple[str, list[float | None]]]:
    """The comparison as table rows: one per answer code, one percentage per wave."""
    rows: dict[str, tuple[str, list[float | None]]] = {}
    for index, column in enumerate(columns):
        for share in column.distribution.shares if column.distribution else []:
            label, values = rows.setdefault(share.code, (share.label, [None] * len(columns)))
            values[index] = share.percent
    return list(rows.values())
