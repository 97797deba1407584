"""Report-shaped reads for the results pages, the survey report and the chart downloads.

Results count submitted answer sets only. `surveys.analysis.aggregation` counts the answers in
the database per cell of (organisation kind, county, size class) and code, and summarises the
numbers; here the cells are rolled up into the overall figure and the breakdowns by size class,
county and kind. The number of queries never depends on the number of organisations or
questions, and the rows read grow with questions, cells and codes only. A wave's results are
kept in the cache for its data version (`surveys.analysis.cache`).
"""

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
from surveys.analysis import aggregation, cache
from surveys.analysis.aggregation import (
    CHOICE_KINDS,
    NUMBER_KINDS,
    TEXT_KINDS,
    Cell,
    CellKey,
)
from surveys.analysis.codebook import wave_questions
from surveys.charts import Distribution, Share
from surveys.models import Answer, AnswerSet, Question, Wave
from surveys.outreach import selectors as rates

__all__ = ["CHOICE_KINDS", "NUMBER_KINDS", "TEXT_KINDS"]


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
    # The first RESULTS_TEXTS_SHOWN free texts; `text_count` says how many there are in all.
    texts: list[TextAnswer] = field(default_factory=list)
    text_count: int = 0

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


# --- Building results from the database's counts ----------------------------------------------


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


def any_other(question: Question) -> bool:
    return any(choice.is_other for choice in question.choices.all())


def _texts(wave: Wave, questions: list[Question], limit: int) -> dict[int, tuple[int, list]]:
    """Per question: how many free texts and "Annet" texts there are, and the first `limit`
    of them with the organisation's name (one query)."""
    wanted = [q for q in questions if q.kind in TEXT_KINDS or any_other(q)]
    rows = aggregation.first_texts(wave, [q.id for q in wanted], limit=limit)
    labels = {q.id: other_label(q) for q in wanted}
    texts: dict[int, tuple[int, list[TextAnswer]]] = {}
    for question_id, name, number, text, other_text, total in rows:
        texts.setdefault(question_id, (total, []))[1].append(
            text_answer(name, number, text, other_text, labels[question_id])
        )
    return texts


def other_label(question: Question) -> str:
    """The label of the question's "Annet, spesifiser" choice(s), shown with their texts."""
    return ", ".join(choice.label for choice in question.choices.all() if choice.is_other)


def text_answer(name: str, number: str, text: str | None, other_text: str, label: str):
    if other_text:
        return TextAnswer(name, number, other_text, label)
    return TextAnswer(name, number, text or "")


def _merge(cells: Iterable[Cell]) -> Cell:
    total = Cell()
    for cell in cells:
        total.n += cell.n
        total.counts.update(cell.counts)
        for row_code, counter in cell.rows.items():
            total.rows[row_code].update(counter)
        total.row_n.update(cell.row_n)
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


def number_summary(label: str, counts: Counter) -> NumberSummary:
    """n, mean, median and quartiles (inclusive method, as spreadsheets' QUARTIL.INK) of
    values given as {value: times}."""
    if not counts:
        return NumberSummary(label=label, n=0)
    return _summary(label, aggregation.stats_from_counts(counts))


def _summary(label: str, stats: aggregation.NumberStats) -> NumberSummary:
    return NumberSummary(
        label=label,
        n=stats.n,
        mean=stats.mean,
        median=stats.median,
        q1=stats.q1,
        q3=stats.q3,
        minimum=stats.minimum,
        maximum=stats.maximum,
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


def _grouped(cells: dict[CellKey, Cell], keyfunc: Callable[[CellKey], Any]) -> dict[Any, Cell]:
    buckets: dict[Any, list[Cell]] = defaultdict(list)
    for key, cell in cells.items():
        buckets[keyfunc(key)].append(cell)
    return {group: _merge(items) for group, items in buckets.items()}


def _choice_breakdowns(
    result: QuestionResult, cells: dict[CellKey, Cell], total: Cell, groupings: list[Grouping]
) -> None:
    codes = result.codes
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


def _matrix_rows(result: QuestionResult, cells: dict[CellKey, Cell], total: Cell) -> None:
    codes = result.codes
    by_size = _grouped(cells, lambda key: key[2])
    for row in result.question.rows.all():
        result.matrix_rows.append(
            MatrixRowResult(
                code=row.code,
                label=row.label,
                overall=_distribution(
                    _("Alle"), total.row_n[row.code], total.rows[row.code], codes
                ),
                by_size_class=[
                    _distribution(
                        label, by_size[value].row_n[row.code], by_size[value].rows[row.code], codes
                    )
                    for value, label in SizeClass.choices
                    if value in by_size and by_size[value].row_n[row.code]
                ],
            )
        )


def _number_summaries(
    result: QuestionResult, stats: dict[aggregation.GroupKey, Any], groupings: list[Grouping]
) -> None:
    if ("all", None) not in stats:
        result.numbers.append(NumberSummary(label=_("Alle"), n=0))
        return
    result.numbers.append(_summary(_("Alle"), stats[("all", None)]))
    for key, _title, groups, _keyfunc in groupings:
        if key == "county":
            continue
        result.numbers += [
            _summary(label, stats[(key, value)]) for value, label in groups if (key, value) in stats
        ]


def _build(
    question: Question,
    cells: dict[CellKey, Cell],
    numbers: dict[aggregation.GroupKey, Any],
    texts: tuple[int, list[TextAnswer]],
    groupings: list[Grouping],
) -> QuestionResult:
    result = QuestionResult(question=question, text_count=texts[0], texts=texts[1])
    total = _merge(cells.values())
    result.n = total.n
    result.codes = codes_for(question)
    if question.kind in CHOICE_KINDS | {Question.Kind.MULTIPLE_CHOICE}:
        _choice_breakdowns(result, cells, total, groupings)
    if question.kind == Question.Kind.MATRIX:
        _matrix_rows(result, cells, total)
    if question.kind in NUMBER_KINDS:
        _number_summaries(result, numbers, groupings)
        result.n = result.numbers[0].n
    if question.kind in TEXT_KINDS:
        result.n = result.text_count
    return result


# --- Selectors ----------------------------------------------------------------------------------


def question_results(
    wave: Wave, questions: list[Question], *, texts: int | None = None
) -> list[QuestionResult]:
    """Distributions, breakdowns, number summaries and the first `texts` free texts (default
    RESULTS_TEXTS_SHOWN) of these questions, counted in the database (five queries; choices
    and rows prefetched by the caller)."""
    kinds = [kind for kind, _label in OrganisationKind.choices if kind in wave.target_kinds]
    groupings = _groupings(aggregation.counties_of(wave), kinds)
    cells = aggregation.count_cells(wave, questions)
    numbers = aggregation.summarise_numbers(wave, questions)
    limit = settings.RESULTS_TEXTS_SHOWN if texts is None else texts
    found = _texts(wave, questions, limit)
    return [
        _build(
            question,
            cells.get(question.id, {}),
            numbers.get(question.id, {}),
            found.get(question.id, (0, [])),
            groupings,
        )
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


def collect_wave_results(wave: Wave) -> list[QuestionResult]:
    """Every question's results, in questionnaire order, counted now (eight queries)."""
    return question_results(wave, wave_questions(wave))


def wave_results(wave: Wave, *, version: str = "") -> list[QuestionResult]:
    """Every question's results for the wave's current data version (cached)."""
    return cache.for_version(wave, "results", lambda: collect_wave_results(wave), version=version)


def wave_result(wave: Wave, key: str) -> QuestionResult | None:
    """One question's results, taken from the wave's cached results."""
    return next((item for item in wave_results(wave) if item.question.key == key), None)


@dataclass
class TextSearch:
    """The free texts of one question that contain a search term (all when it is empty)."""

    question: Question
    answers: Any  # QuerySet of Answer

    def count(self) -> int:
        return self.answers.count()

    def slice(self, offset: int, size: int) -> list[TextAnswer]:
        """`size` texts from `offset`, by organisation name (one query)."""
        label = other_label(self.question)
        rows = self.answers.values_list(*aggregation.TEXT_FIELDS)[offset : offset + size]
        return [text_answer(*row[1:], label) for row in rows]


def text_search(wave: Wave, question: Question, search: str) -> TextSearch:
    answers = aggregation.text_answers(wave, [question.id])
    if search:
        answers = answers.filter(Q(text__icontains=search) | Q(other_text__icontains=search))
    return TextSearch(question=question, answers=answers)


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
    numbers: dict[int, Counter] = defaultdict(Counter)
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
                numbers[question_id][number] += times
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
