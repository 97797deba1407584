"""Exports of a wave's answers for analysts: the wide and long layouts as rows, and as CSV.

Every export streams: organisations (wide) come a page at a time (keyset pagination, each
page's answer sets and answers in one query each), answers (long) from one queryset read with
`.iterator(chunk_size=...)`, and rows go out one by one through the `csv`
module (or xlsxwriter's constant-memory mode, `workbook`), so memory stays flat at any size.
Cells are written by `surveys.downloads`, which neutralises formula-like text.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from municipalities.models import Contact, Organisation
from surveys.analysis.codebook import (
    DECIMAL_KINDS,
    NOT_STARTED,
    NUMBER_KINDS,
    Column,
    codebook_columns,
    codebook_rows,
    organisation_columns,
    wave_questions,
)
from surveys.downloads import Cell, csv_lines
from surveys.models import Answer, AnswerSet, Question, Wave

ProgressCallback = Callable[[int], None]

CHUNK_SIZE = 500
TEXT_KINDS = {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}


# --- Options ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilters:
    """Which organisations to export; an empty tuple means no restriction."""

    kinds: tuple[str, ...] = ()
    county_numbers: tuple[str, ...] = ()
    size_classes: tuple[int, ...] = ()
    # AnswerSet statuses, plus "not_started" for organisations without answers.
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportOptions:
    layout: str = "wide"  # wide | long | codebook (ExportJob.Layout)
    format: str = "csv"  # csv | xlsx (ExportJob.Format)
    delimiter: str = ","
    bom: bool = False
    include_personal_data: bool = False
    filters: ExportFilters = field(default_factory=ExportFilters)
    # The language of the questionnaire's texts in the long layout and the codebook.
    language: str = "nb"

    @property
    def decimal_comma(self) -> bool:
        # Norwegian spreadsheets read ";"-separated files with decimal commas.
        return self.delimiter == ";"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["filters"] = {key: list(value) for key, value in data["filters"].items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ExportOptions":
        filters = data.get("filters") or {}
        return cls(
            layout=data.get("layout", "wide"),
            format=data.get("format", "csv"),
            delimiter=data.get("delimiter", ","),
            bom=bool(data.get("bom", False)),
            include_personal_data=bool(data.get("include_personal_data", False)),
            language=data.get("language", "nb"),
            filters=ExportFilters(
                kinds=tuple(filters.get("kinds", ())),
                county_numbers=tuple(filters.get("county_numbers", ())),
                size_classes=tuple(int(value) for value in filters.get("size_classes", ())),
                statuses=tuple(filters.get("statuses", ())),
            ),
        )


# --- The codebook: one entry per column of the wide layout --------------------------------------


# --- Querysets ----------------------------------------------------------------------------------


def export_organisations(wave: Wave, filters: ExportFilters) -> QuerySet[Organisation]:
    """The organisations the wave went to, filtered, each annotated with its answer status."""
    answer_status = AnswerSet.objects.filter(wave=wave, organisation=OuterRef("pk")).values(
        "status"
    )[:1]
    organisations = Organisation.objects.filter(
        edition_id=wave.edition_id, kind__in=wave.target_kinds
    ).annotate(answer_status=Subquery(answer_status))
    if filters.kinds:
        organisations = organisations.filter(kind__in=filters.kinds)
    if filters.county_numbers:
        organisations = organisations.filter(county__number__in=filters.county_numbers)
    if filters.size_classes:
        organisations = organisations.filter(size_class__in=filters.size_classes)
    if filters.statuses:
        wanted = Q(answer_status__in=[s for s in filters.statuses if s != NOT_STARTED])
        if NOT_STARTED in filters.statuses:
            wanted |= Q(answer_status__isnull=True)
        organisations = organisations.filter(wanted)
    return organisations


def _answers_filtered(wave: Wave, filters: ExportFilters) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        answer_set__wave=wave,
        answer_set__organisation__kind__in=wave.target_kinds,
    )
    if filters.kinds:
        answers = answers.filter(answer_set__organisation__kind__in=filters.kinds)
    if filters.county_numbers:
        answers = answers.filter(
            answer_set__organisation__county__number__in=filters.county_numbers
        )
    if filters.size_classes:
        answers = answers.filter(answer_set__organisation__size_class__in=filters.size_classes)
    if filters.statuses:
        answers = answers.filter(answer_set__status__in=filters.statuses)
    return answers


def export_row_count(wave: Wave, options: ExportOptions) -> int:
    """How many data rows an export will hold (decides between download and background job)."""
    if options.layout == "codebook":
        return 0
    wide = export_organisations(wave, options.filters).count()
    if options.format == "xlsx":
        return wide + _answers_filtered(wave, options.filters).count()
    if options.layout == "long":
        return _answers_filtered(wave, options.filters).count()
    return wide


# --- Cell values --------------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _int_or_text(value: Any) -> Cell:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    return None if value is None else str(value)


def _decimal_or_text(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return number if number.is_finite() else str(value)
    return str(value)


def scalar_value(kind: str, value: Any) -> Cell:
    """The coded cell of a single-value answer: numbers as numbers, everything else as text."""
    if kind in NUMBER_KINDS:
        return _int_or_text(value)
    if kind in DECIMAL_KINDS:
        return _decimal_or_text(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return str(value)


@dataclass(frozen=True)
class _AnswerValue:
    value: Any
    other_text: str


def _wide_cell(column: Column, answer: _AnswerValue | None) -> Cell:
    if answer is None:
        return None
    value = answer.value
    if column.part == "value":
        return scalar_value(column.question_kind, value)
    if column.part == "option":
        if not isinstance(value, list):
            return None
        return 1 if column.code in value else 0
    if column.part == "row":
        if not isinstance(value, dict):
            return None
        return scalar_value("", value.get(column.code))
    if column.part == "other":
        chosen = value == column.code or (isinstance(value, list) and column.code in value)
        return answer.other_text if chosen and answer.other_text else None
    return None


ORG_FIELDS = (
    "id",
    "kind",
    "number",
    "name",
    "county__number",
    "county__name",
    "size_class",
    "population",
)


def _organisation_pages(
    organisations: QuerySet[Organisation], page_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Pages of organisations as plain dicts, by keyset on (kind, number, id).

    Plain values rather than model instances with prefetched relations: those form reference
    cycles that only the cyclic garbage collector frees, and memory would creep up with size.
    """
    ordered = organisations.order_by("kind", "number", "id").values(*ORG_FIELDS)
    last: dict[str, Any] | None = None
    while True:
        page = ordered
        if last is not None:
            kind, number, pk = last["kind"], last["number"], last["id"]
            page = ordered.filter(
                Q(kind__gt=kind)
                | Q(kind=kind, number__gt=number)
                | Q(kind=kind, number=number, id__gt=pk)
            )
        rows = list(page[:page_size])
        if not rows:
            return
        yield rows
        last = rows[-1]


def _org_cells(
    organisation: dict[str, Any], answer_set: dict[str, Any] | None, contacts: list | None
) -> list[Cell]:
    cells: list[Cell] = [
        organisation["number"],
        organisation["name"],
        organisation["kind"],
        organisation["county__number"],
        organisation["county__name"],
        organisation["size_class"],
        organisation["population"],
        answer_set["status"] if answer_set else NOT_STARTED,
        _local(answer_set["created_at"]) if answer_set else "",
        _local(answer_set["submitted_at"]) if answer_set else "",
    ]
    if contacts is not None:
        cells.append("; ".join(name for name, _email in contacts if name))
        cells.append("; ".join(email for _name, email in contacts))
    return cells


# --- Layouts as row iterators -------------------------------------------------------------------


def wide_rows(
    wave: Wave, options: ExportOptions, *, progress: ProgressCallback | None = None
) -> Iterator[list[Cell]]:
    """Header, then one row per organisation: a page of organisations at a time, each page
    with its answer sets, answers (and contacts) in one query each."""
    personal = options.include_personal_data
    columns = codebook_columns(wave, include_personal_data=personal)
    yield [column.name for column in columns]
    question_columns = columns[len(organisation_columns(personal)) :]
    organisations = export_organisations(wave, options.filters)
    written = 0
    for page in _organisation_pages(organisations, CHUNK_SIZE):
        ids = [organisation["id"] for organisation in page]
        answer_sets = {
            row["organisation_id"]: row
            for row in AnswerSet.objects.filter(wave=wave, organisation_id__in=ids).values(
                "organisation_id", "status", "created_at", "submitted_at"
            )
        }
        answers: dict[int, dict[int, _AnswerValue]] = defaultdict(dict)
        for organisation_id, question_id, value, other_text in Answer.objects.filter(
            answer_set__wave=wave, answer_set__organisation_id__in=ids
        ).values_list("answer_set__organisation_id", "question_id", "value", "other_text"):
            answers[organisation_id][question_id] = _AnswerValue(value, other_text)
        contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        if personal:
            for organisation_id, name, email in (
                Contact.objects.filter(organisation_id__in=ids, is_active=True)
                .order_by("name", "email")
                .values_list("organisation_id", "name", "email")
            ):
                contacts[organisation_id].append((name, email))
        for organisation in page:
            by_question = answers.get(organisation["id"], {})
            row = _org_cells(
                organisation,
                answer_sets.get(organisation["id"]),
                contacts.get(organisation["id"], []) if personal else None,
            )
            row += [
                _wide_cell(column, by_question.get(column.question_id))
                for column in question_columns
            ]
            yield row
            written += 1
            if progress:
                progress(written)


LONG_HEADER = [
    "organisasjonsnummer",
    "navn",
    "type",
    "fylkesnummer",
    "fylke",
    "storrelsesklasse",
    "status",
    "del",
    "sporsmal_nokkel",
    "kolonne",
    "verdi",
    "tekst",
    "annet_tekst",
    "endret",
]


def long_rows(
    wave: Wave, options: ExportOptions, *, progress: ProgressCallback | None = None
) -> Iterator[list[Cell]]:
    """Header, then one row per answer (per chosen option of a multiple choice, per matrix row)."""
    yield list(LONG_HEADER)
    questions = {
        question.id: question for question in wave_questions(wave, language=options.language)
    }
    choice_labels = {
        question_id: {choice.code: choice.label for choice in question.choices.all()}
        for question_id, question in questions.items()
    }
    row_labels = {
        question_id: {row.code: row.label for row in question.rows.all()}
        for question_id, question in questions.items()
    }
    answers = _long_answers(wave, options)
    for written, answer in enumerate(answers.iterator(chunk_size=CHUNK_SIZE * 4), 1):
        question = questions[answer.question_id]
        organisation = answer.answer_set.organisation
        prefix: list[Cell] = [
            organisation.number,
            organisation.name,
            organisation.kind,
            organisation.county.number,
            organisation.county.name,
            organisation.size_class,
            answer.answer_set.status,
            question.section.title,
            question.key,
        ]
        for cells in _long_answer_cells(
            question, answer, choice_labels[question.id], row_labels[question.id]
        ):
            yield prefix + cells
        if progress:
            progress(written)


def _long_answers(wave: Wave, options: ExportOptions) -> QuerySet[Answer]:
    """The chosen answers with just the columns the long format shows, in its order."""
    return (
        _answers_filtered(wave, options.filters)
        .select_related("answer_set__organisation__county")
        .only(
            "value",
            "other_text",
            "changed_at",
            "question_id",
            "answer_set__status",
            "answer_set__organisation__number",
            "answer_set__organisation__name",
            "answer_set__organisation__kind",
            "answer_set__organisation__size_class",
            "answer_set__organisation__county__number",
            "answer_set__organisation__county__name",
        )
        .order_by(
            "answer_set__organisation__kind",
            "answer_set__organisation__number",
            "question__section__position",
            "question__position",
            "id",
        )
    )


def _long_answer_cells(
    question: Question, answer: Answer, labels: dict[str, str], rows: dict[str, str]
) -> Iterator[list[Cell]]:
    """The column, value, text, other text and time of one answer: a line per chosen option of
    a multiple choice and per answered row of a matrix."""
    changed = _local(answer.changed_at)
    value = answer.value
    if question.kind == Question.Kind.MULTIPLE_CHOICE and isinstance(value, list):
        for code in value:
            other = answer.other_text if code in _other_codes(question) else ""
            yield [f"{question.key}__{code}", code, labels.get(code, ""), other, changed]
    elif question.kind == Question.Kind.MATRIX and isinstance(value, dict):
        for row_code in rows:
            if row_code in value:
                scale = scalar_value("", value[row_code])
                yield [
                    f"{question.key}__{row_code}",
                    scale,
                    f"{rows[row_code]}: {labels.get(str(scale), '')}",
                    "",
                    changed,
                ]
    else:
        cell = scalar_value(question.kind, value)
        label = labels.get(cell, "") if isinstance(cell, str) else ""
        yield [question.key, cell, label, answer.other_text, changed]


def _other_codes(question: Question) -> set[str]:
    return {choice.code for choice in question.choices.all() if choice.is_other}


def layout_rows(
    wave: Wave, options: ExportOptions, *, progress: ProgressCallback | None = None
) -> Iterator[list[Cell]]:
    if options.layout == "long":
        return long_rows(wave, options, progress=progress)
    if options.layout == "codebook":
        return codebook_rows(
            wave, include_personal_data=options.include_personal_data, language=options.language
        )
    return wide_rows(wave, options, progress=progress)


# --- CSV ----------------------------------------------------------------------------------------


def export_csv_lines(
    wave: Wave, options: ExportOptions, *, progress: ProgressCallback | None = None
) -> Iterator[str]:
    """The chosen layout as CSV lines with the chosen delimiter and BOM."""
    return csv_lines(
        layout_rows(wave, options, progress=progress),
        delimiter=options.delimiter,
        bom=options.bom,
        decimal_comma=options.decimal_comma,
    )


# --- XLSX ---------------------------------------------------------------------------------------


# --- File names ---------------------------------------------------------------------------------
