"""One organisation's benchmark report: its own answers next to its size class, its county
and the country, question by question in the questionnaire's order.

The groups are sums of the wave's counted cells (`surveys.analysis.aggregation`), kept in the
shared cache for the wave's data version (`surveys.analysis.cache`): one report reads its own
answers and a few register rows, never the other organisations' answers. Each group holds the
organisations of the same kind (kommuner are compared with kommuner). A share is shown only
when at least `MIN_OTHERS` other organisations answered the question in that group, so no
organisation's answer can be worked out from a small group.

Earlier waves: where a question key recurs in an earlier year, the organisation's own answer
then is shown; when the earlier wave used another register edition, the organisations that
went into this one (the register's correspondence, `municipalities.selectors.predecessors`)
are shown each on its own line ("Halden 2011"), or the organisation with the same number
when the editions are not linked.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from municipalities.models import Organisation, OrganisationKind, SizeClass
from municipalities.selectors import predecessors
from surveys.analysis import aggregation, cache
from surveys.analysis.aggregation import CHOICE_KINDS, Cell, CellKey
from surveys.analysis.codebook import wave_questions
from surveys.analysis.results import codes_for
from surveys.analysis.scoring import prize_ranking
from surveys.charts import Distribution, Share, stacked_bars
from surveys.models import Answer, AnswerSet, Question, Wave

# The fewest other organisations a group's share may be computed from.
MIN_OTHERS = 5


@dataclass
class GroupShares:
    """How one comparison group answered (a question, or one row of a matrix)."""

    key: str  # size_class | county | country
    label: str
    n: int  # organisations in the group that answered, the organisation itself included
    others: int  # ... without the organisation itself
    shares: list[Share] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.others < MIN_OTHERS

    def percent(self, code: str) -> float | None:
        if self.suppressed:
            return None
        return next((share.percent for share in self.shares if share.code == code), None)


@dataclass
class RowComparison:
    """One row of a matrix question: the organisation's step and the groups' shares."""

    code: str
    label: str
    own: str  # the chosen step's code ("" when unanswered)
    own_label: str
    groups: list[GroupShares]

    @property
    def own_codes(self) -> set[str]:
        return {self.own} if self.own else set()


@dataclass
class EarlierAnswer:
    """The organisation's (or a predecessor's) answer to the same question key in a past wave."""

    label: str  # "Halden 2011"
    wave: Wave
    text: str


@dataclass
class QuestionComparison:
    question: Question
    codes: list[tuple[str, str]]
    own: Any  # the stored answer value, None when unanswered
    own_text: str
    own_codes: set[str] = field(default_factory=set)
    groups: list[GroupShares] = field(default_factory=list)
    rows: list[RowComparison] = field(default_factory=list)
    earlier: list[EarlierAnswer] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.own not in (None, "", [], {})


@dataclass
class Maturity:
    score: Decimal
    maximum: Decimal
    percent: float
    rank: int
    of: int
    group: str


@dataclass
class OrganisationReport:
    wave: Wave
    organisation: Organisation
    submitted: bool
    title: str
    sections: list[tuple[Any, list[QuestionComparison]]]
    maturity: Maturity | None


# --- Cached counts ------------------------------------------------------------------------------


def _counted_cells(wave: Wave, questions: list[Question]) -> dict[int, dict[CellKey, Cell]]:
    """Plain dicts (the cache pickles them)."""
    cells = aggregation.count_cells(wave, questions)
    return {question_id: dict(by_cell) for question_id, by_cell in cells.items()}


def wave_cells(wave: Wave, questions: list[Question]) -> dict[int, dict[CellKey, Cell]]:
    """The wave's counted cells for its current data version (cached)."""
    return cache.for_version(wave, "cells", lambda: _counted_cells(wave, questions))


# --- Formatting answers -------------------------------------------------------------------------


def answer_text(question: Question, value: Any, other_text: str = "") -> str:
    """An answer as the respondent would read it: choice labels, not codes."""
    if value in (None, "", [], {}):
        return ""
    labels = dict(codes_for(question))
    if isinstance(value, list):
        text = ", ".join(labels.get(str(code), str(code)) for code in value)
    elif isinstance(value, dict):
        rows = {row.code: row.label for row in question.rows.all()}
        text = "; ".join(
            f"{rows.get(row, row)}: {labels.get(str(step), str(step))}"
            for row, step in value.items()
        )
    else:
        text = labels.get(str(value), str(value))
    return f"{text} ({other_text})" if other_text else text


def _own_codes(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(code) for code in value}
    if value in (None, "") or isinstance(value, dict):
        return set()
    return {str(value)}


# --- Groups -------------------------------------------------------------------------------------


def _group_specs(organisation: Organisation) -> list[tuple[str, str, Any]]:
    """(key, label, predicate on a cell key) for the size class, the county and the country."""
    kind = organisation.kind
    specs = []
    if organisation.size_class:
        specs.append(
            (
                "size_class",
                str(SizeClass(organisation.size_class).label),
                lambda key: key[0] == kind and key[2] == organisation.size_class,
            )
        )
    specs.append(
        (
            "county",
            organisation.county.name,
            lambda key: key[0] == kind and key[1] == organisation.county_id,
        )
    )
    specs.append(
        (
            "country",
            _("Hele landet"),
            lambda key: key[0] == kind,
        )
    )
    return specs


def _merged(cells: dict[CellKey, Cell], predicate) -> Cell:
    total = Cell()
    for key, cell in cells.items():
        if not predicate(key):
            continue
        total.n += cell.n
        total.counts.update(cell.counts)
        for row_code, counter in cell.rows.items():
            total.rows[row_code].update(counter)
        total.row_n.update(cell.row_n)
    return total


def _shares(counts, n: int, codes: list[tuple[str, str]]) -> list[Share]:
    return [
        Share(code, label, counts[code], counts[code] * 100 / n if n else 0.0)
        for code, label in codes
    ]


def _groups(
    merged: list[tuple[str, str, Cell]], codes, counted: bool, row: str | None = None
) -> list[GroupShares]:
    groups = []
    for key, label, cell in merged:
        n = cell.row_n[row] if row is not None else cell.n
        counts = cell.rows[row] if row is not None else cell.counts
        others = n - (1 if counted else 0)
        group = GroupShares(key=key, label=label, n=n, others=others)
        if not group.suppressed:
            group.shares = _shares(counts, n, codes)
        groups.append(group)
    return groups


def _compare(
    question: Question,
    cells: dict[CellKey, Cell],
    specs: list[tuple[str, str, Any]],
    own: tuple[Any, str] | None,
    submitted: bool,
) -> QuestionComparison:
    value, other_text = own or (None, "")
    codes = codes_for(question)
    item = QuestionComparison(
        question=question,
        codes=codes,
        own=value,
        own_text=answer_text(question, value, other_text),
        own_codes=_own_codes(value),
    )
    merged = [(key, label, _merged(cells, predicate)) for key, label, predicate in specs]
    counted = submitted and item.answered
    if question.kind in CHOICE_KINDS | {Question.Kind.MULTIPLE_CHOICE}:
        item.groups = _groups(merged, codes, counted)
    elif question.kind == Question.Kind.MATRIX:
        steps = dict(codes)
        answers = value if isinstance(value, dict) else {}
        for row in question.rows.all():
            step = str(answers.get(row.code, "") or "")
            item.rows.append(
                RowComparison(
                    code=row.code,
                    label=row.label,
                    own=step,
                    own_label=steps.get(step, step),
                    groups=_groups(merged, codes, submitted and bool(step), row=row.code),
                )
            )
    return item


# --- Earlier waves ------------------------------------------------------------------------------


def _earlier_answers(
    wave: Wave, organisation: Organisation, questions: list[Question]
) -> dict[str, list[EarlierAnswer]]:
    """{question key: the answers of the organisation or its predecessors in earlier years}."""
    keys = {question.key for question in questions}
    earlier_questions = list(
        Question.objects.filter(key__in=keys, wave__year__lt=wave.year)
        .select_related("wave__edition")
        .prefetch_related("choices", "rows")
        .order_by("wave__year", "wave__slug")
    )
    if not earlier_questions:
        return {}
    waves = {question.wave_id: question.wave for question in earlier_questions}
    # Who stood for this organisation in each earlier edition.
    standing: dict[int, list[Organisation]] = {}
    for earlier_wave in waves.values():
        edition = earlier_wave.edition
        if edition.pk in standing:
            continue
        if edition.pk == organisation.edition_id:
            standing[edition.pk] = [organisation]
            continue
        found = [
            lineage.organisation
            for lineage in predecessors(organisation=organisation, edition=edition)
        ]
        standing[edition.pk] = found or list(
            Organisation.objects.filter(edition=edition, number=organisation.number)
        )
    organisation_ids = {org.pk for orgs in standing.values() for org in orgs}
    rows = Answer.objects.filter(
        question__in=earlier_questions,
        answer_set__organisation_id__in=organisation_ids,
        answer_set__status=AnswerSet.Status.SUBMITTED,
    ).values_list("question_id", "answer_set__organisation_id", "value", "other_text")
    values = {(question_id, org_id): (value, other) for question_id, org_id, value, other in rows}
    found: dict[str, list[EarlierAnswer]] = defaultdict(list)
    for question in earlier_questions:
        for org in standing[question.wave.edition_id]:
            answer = values.get((question.id, org.pk))
            if answer is None:
                continue
            found[question.key].append(
                EarlierAnswer(
                    label=f"{_short_name(org.name)} {question.wave.year}",
                    wave=question.wave,
                    text=answer_text(question, *answer),
                )
            )
    return found


def _short_name(name: str) -> str:
    """ "Halden kommune" -> "Halden", as the report's column heads read."""
    for suffix in (" kommune", " fylkeskommune"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- Maturity -----------------------------------------------------------------------------------


def maturity_of(wave: Wave, organisation: Organisation) -> Maturity | None:
    """The organisation's eKommune maturity score and its rank within its size class (or among
    the fylkeskommuner), from the wave's cached ranking; None when it has not submitted."""
    for group in prize_ranking(wave):
        for item in group.scores:
            if item.organisation_id == organisation.pk:
                return Maturity(
                    score=item.score,
                    maximum=item.maximum,
                    percent=item.percent,
                    rank=item.rank,
                    of=len(group.scores),
                    group=group.label,
                )
    return None


# --- The report ---------------------------------------------------------------------------------


def report_title(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.FYLKESKOMMUNE:
        return _("%(name)s sammenlignet med fylkeskommunene i landet") % {"name": organisation.name}
    return _(
        "%(name)s sammenlignet med kommuner i samme størrelsesklasse, i %(county)s og i landet"
    ) % {
        "name": organisation.name,
        "county": organisation.county.name,
    }


def organisation_report(wave: Wave, organisation: Organisation) -> OrganisationReport:
    """The organisation's answers next to its size class, its county and the country, for
    every question in the questionnaire's section order."""
    questions = wave_questions(wave)
    cells = wave_cells(wave, questions)
    answer_set = AnswerSet.objects.filter(wave=wave, organisation=organisation).first()
    submitted = answer_set is not None and answer_set.status == AnswerSet.Status.SUBMITTED
    own = {}
    if answer_set is not None:
        own = {
            question_id: (value, other_text)
            for question_id, value, other_text in answer_set.answers.values_list(
                "question_id", "value", "other_text"
            )
        }
    specs = _group_specs(organisation)
    if organisation.kind == OrganisationKind.FYLKESKOMMUNE:
        specs = [spec for spec in specs if spec[0] == "country"]
    earlier = _earlier_answers(wave, organisation, questions)
    sections: list[tuple[Any, list[QuestionComparison]]] = []
    for question in questions:
        item = _compare(
            question, cells.get(question.id, {}), specs, own.get(question.id), submitted
        )
        item.earlier = earlier.get(question.key, [])
        if not sections or sections[-1][0].pk != question.section_id:
            sections.append((question.section, []))
        sections[-1][1].append(item)
    return OrganisationReport(
        wave=wave,
        organisation=organisation,
        submitted=submitted,
        title=report_title(organisation),
        sections=sections,
        maturity=maturity_of(wave, organisation),
    )


def comparison_chart(item: QuestionComparison) -> SafeString | None:
    """Bars per comparison group with enough answers, for questions with one answer each (a
    multiple choice's shares do not add up to 100 %: its table says it all)."""
    if item.question.kind not in CHOICE_KINDS:
        return None
    shown = [group for group in item.groups if not group.suppressed]
    if not shown:
        return None
    return stacked_bars(
        chart_id=f"org-chart-{item.question.key}",
        title=item.question.text,
        desc=_("Andel i hver sammenligningsgruppe. Tallene står i tabellen under."),
        groups=[Distribution(group.label, group.n, group.shares) for group in shown],
    )


def wave_organisations(wave: Wave, *, search: str = ""):
    """The organisations the wave went to (its register edition, its target kinds) by number,
    with whether each has submitted; `search` matches a name or a number."""
    organisations = (
        Organisation.objects.filter(edition_id=wave.edition_id, kind__in=wave.target_kinds)
        .select_related("county")
        .annotate(
            submitted=Exists(
                AnswerSet.objects.filter(
                    wave=wave, organisation=OuterRef("pk"), status=AnswerSet.Status.SUBMITTED
                )
            )
        )
        .order_by("number")
    )
    if search:
        organisations = organisations.filter(
            Q(name__icontains=search) | Q(number__startswith=search)
        )
    return organisations
