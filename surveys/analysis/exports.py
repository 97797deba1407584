"""Exports of a wave's answers for analysts: wide and long CSV, the codebook, and XLSX.

Every export streams: organisations (wide) come a page at a time (keyset pagination, each
page's answer sets and answers in one query each), answers (long) from one queryset read with
`.iterator(chunk_size=...)`, and rows go out one by one through the `csv`
module (or xlsxwriter's constant-memory mode), so memory stays flat at any size.

Spreadsheets execute cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return
("CSV injection"). Every text cell, header and name is therefore neutralised with a leading
apostrophe, while numbers that we validated and store as numbers are written as numbers.
"""

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from municipalities.models import Contact, Organisation, SizeClass
from surveys.models import Answer, AnswerSet, Question, Wave

Cell = str | int | Decimal | None
ProgressCallback = Callable[[int], None]

CHUNK_SIZE = 500
NOT_STARTED = "not_started"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_KINDS = {Question.Kind.RATING, Question.Kind.INTEGER}
DECIMAL_KINDS = {Question.Kind.DECIMAL, Question.Kind.PERCENTAGE}
TEXT_KINDS = {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets: prefix formula-like text with an apostrophe."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


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
            filters=ExportFilters(
                kinds=tuple(filters.get("kinds", ())),
                county_numbers=tuple(filters.get("county_numbers", ())),
                size_classes=tuple(int(value) for value in filters.get("size_classes", ())),
                statuses=tuple(filters.get("statuses", ())),
            ),
        )


# --- The codebook: one entry per column of the wide layout --------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    question_key: str = ""
    section: str = ""
    wording: str = ""
    kind: str = ""
    codes: str = ""
    condition: str = ""
    applies_to: str = ""
    # How the wide layout fills the column: "org:<field>", "value", "option", "row", "other".
    part: str = "org"
    question_id: int | None = None
    question_kind: str = ""
    code: str = ""


CODEBOOK_HEADER = [
    "kolonne",
    "sporsmal_nokkel",
    "del",
    "sporsmal",
    "type",
    "koder",
    "vilkar",
    "gjelder",
]


def describe_condition(condition: dict[str, Any] | None) -> str:
    """The show_if condition in words, for the codebook and the report."""
    if not condition:
        return ""
    question = condition.get("question", "?")
    if "equals" in condition:
        return _("vises hvis %(q)s = %(v)s") % {"q": question, "v": condition["equals"]}
    if "in" in condition:
        values = ", ".join(str(value) for value in condition["in"])
        return _("vises hvis %(q)s er en av: %(v)s") % {"q": question, "v": values}
    if "includes" in condition:
        return _("vises hvis %(q)s inneholder %(v)s") % {"q": question, "v": condition["includes"]}
    if condition.get("answered"):
        return _("vises hvis %(q)s er besvart") % {"q": question}
    return str(condition)


def wave_questions(wave: Wave) -> list[Question]:
    """The wave's questions in order, with section, choices and matrix rows (three queries)."""
    return list(
        Question.objects.filter(wave=wave)
        .select_related("section")
        .prefetch_related("choices", "rows")
        .order_by("section__position", "position", "id")
    )


def _org_columns(include_personal_data: bool) -> list[Column]:
    size_codes = "; ".join(f"{value}={label}" for value, label in SizeClass.choices)
    status_codes = "; ".join(
        [f"{NOT_STARTED}={_('Ikke påbegynt')}"]
        + [f"{value}={label}" for value, label in AnswerSet.Status.choices]
    )
    columns = [
        Column("organisasjonsnummer", wording=_("Kommune-/fylkesnummer"), kind="text"),
        Column("navn", wording=_("Navn"), kind="text"),
        Column("type", wording=_("Organisasjonstype"), kind="code", codes="kommune; fylkeskommune"),
        Column("fylkesnummer", wording=_("Fylkesnummer"), kind="text"),
        Column("fylke", wording=_("Fylke"), kind="text"),
        Column(
            "storrelsesklasse",
            wording=_("Størrelsesklasse (kun kommuner)"),
            kind="code",
            codes=size_codes,
        ),
        Column("folketall", wording=_("Folketall"), kind="integer"),
        Column("status", wording=_("Svarstatus"), kind="code", codes=status_codes),
        Column("pabegynt", wording=_("Påbegynt (tidspunkt)"), kind="datetime"),
        Column("sendt_inn", wording=_("Sendt inn (tidspunkt)"), kind="datetime"),
    ]
    if include_personal_data:
        columns += [
            Column("kontaktpersoner", wording=_("Kontaktpersoners navn"), kind="text"),
            Column("kontakt_epost", wording=_("Kontaktpersoners e-post"), kind="text"),
        ]
    return columns


def codebook_columns(
    wave: Wave, *, include_personal_data: bool = False, questions: list[Question] | None = None
) -> list[Column]:
    """Every column of the wide layout, in order, with what it means."""
    questions = wave_questions(wave) if questions is None else questions
    columns = _org_columns(include_personal_data)
    for question in questions:
        common = {
            "question_key": question.key,
            "section": question.section.title,
            "kind": question.kind,
            "condition": describe_condition(question.condition or question.section.condition),
            "applies_to": ", ".join(question.applies_to or question.section.applies_to or []),
            "question_id": question.id,
            "question_kind": question.kind,
        }
        choices = list(question.choices.all())
        choice_codes = "; ".join(f"{choice.code}={choice.label}" for choice in choices)
        if question.kind == Question.Kind.MULTIPLE_CHOICE:
            for choice in choices:
                columns.append(
                    Column(
                        f"{question.key}__{choice.code}",
                        wording=f"{question.text} – {choice.label}",
                        codes=_("0=Ikke valgt; 1=Valgt"),
                        part="option",
                        code=choice.code,
                        **common,
                    )
                )
        elif question.kind == Question.Kind.MATRIX:
            for row in question.rows.all():
                columns.append(
                    Column(
                        f"{question.key}__{row.code}",
                        wording=f"{question.text} – {row.label}",
                        codes=choice_codes,
                        part="row",
                        code=row.code,
                        **common,
                    )
                )
        else:
            columns.append(
                Column(
                    question.key,
                    wording=question.text,
                    codes=choice_codes or _value_range(question),
                    part="value",
                    **common,
                )
            )
        for choice in choices:
            if choice.is_other:
                columns.append(
                    Column(
                        f"{question.key}__{choice.code}__tekst",
                        wording=f"{question.text} – {choice.label}",
                        codes=_("Fritekst"),
                        part="other",
                        code=choice.code,
                        **{**common, "kind": "text"},
                    )
                )
    return columns


def _value_range(question: Question) -> str:
    options = question.options or {}
    if question.kind == Question.Kind.RATING:
        return f"{options.get('min', 1)}–{options.get('max', 6)}"
    if question.kind == Question.Kind.PERCENTAGE:
        return "0–100"
    if question.kind in NUMBER_KINDS | DECIMAL_KINDS and ("min" in options or "max" in options):
        return f"{options.get('min', '')}–{options.get('max', '')}"
    return ""


def codebook_rows(wave: Wave, *, include_personal_data: bool = False) -> Iterator[list[Cell]]:
    """The codebook as rows: a header, then one row per column of the wide layout."""
    yield list(CODEBOOK_HEADER)
    for column in codebook_columns(wave, include_personal_data=include_personal_data):
        yield [
            column.name,
            column.question_key,
            column.section,
            column.wording,
            column.kind,
            column.codes,
            column.condition,
            column.applies_to,
        ]


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
    question_columns = columns[len(_org_columns(personal)) :]
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
    questions = {question.id: question for question in wave_questions(wave)}
    choice_labels = {
        question_id: {choice.code: choice.label for choice in question.choices.all()}
        for question_id, question in questions.items()
    }
    row_labels = {
        question_id: {row.code: row.label for row in question.rows.all()}
        for question_id, question in questions.items()
    }
    answers = (
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
        changed = _local(answer.changed_at)
        labels = choice_labels[question.id]
        value = answer.value
        if question.kind == Question.Kind.MULTIPLE_CHOICE and isinstance(value, list):
            for code in value:
                other = answer.other_text if code in _other_codes(question) else ""
                yield prefix + [
                    f"{question.key}__{code}",
                    code,
                    labels.get(code, ""),
                    other,
                    changed,
                ]
        elif question.kind == Question.Kind.MATRIX and isinstance(value, dict):
            rows = row_labels[question.id]
            for row_code in rows:
                if row_code in value:
                    scale = scalar_value("", value[row_code])
                    yield prefix + [
                        f"{question.key}__{row_code}",
                        scale,
                        f"{rows[row_code]}: {labels.get(str(scale), '')}",
                        "",
                        changed,
                    ]
        else:
            cell = scalar_value(question.kind, value)
            label = labels.get(cell, "") if isinstance(cell, str) else ""
            yield prefix + [question.key, cell, label, answer.other_text, changed]
        if progress:
            progress(written)


def _other_codes(question: Question) -> set[str]:
    return {choice.code for choice in question.choices.all() if choice.is_other}


def layout_rows(
    wave: Wave, options: ExportOptions, *, progress: ProgressCallback | None = None
) -> Iterator[list[Cell]]:
    if options.layout == "long":
        return long_rows(wave, options, progress=progress)
    if options.layout == "codebook":
        return codebook_rows(wave, include_personal_data=options.include_personal_data)
    return wide_rows(wave, options, progress=progress)


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can stream."""

    def write(self, value: str) -> str:
        return value


def format_cell(cell: Cell, *, decimal_comma: bool = False) -> str:
    """One cell as CSV text: numbers stay numbers, every text is neutralised."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return neutralise(str(cell))
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, Decimal):
        text = format(cell, "f")
        return text.replace(".", ",") if decimal_comma else text
    return neutralise(str(cell))


def csv_lines(
    rows: Iterable[list[Cell]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    decimal_comma: bool = False,
) -> Iterator[str]:
    """Rows as CSV lines, one at a time (for StreamingHttpResponse or a file)."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow([format_cell(cell, decimal_comma=decimal_comma) for cell in row])


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


def write_xlsx(
    wave: Wave, options: ExportOptions, path: Path, *, progress: ProgressCallback | None = None
) -> int:
    """Write the wide layout, the long layout and the codebook as three sheets; return data rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            # Each row goes to disk as soon as the next one starts: constant memory.
            "constant_memory": True,
            # Belt and braces: we write typed cells, but never let a string become a formula.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": str(path.parent),
        },
    )
    bold = workbook.add_format({"bold": True})
    written = 0

    def counted(done: int) -> None:
        if progress:
            progress(written + done)

    # (title, counts as data rows, rows made only when the sheet is written: one at a time)
    sheets: list[tuple[str, bool, Callable[[], Iterable[Sequence[Cell]]]]] = [
        (_("Bred"), True, lambda: wide_rows(wave, options, progress=counted)),
        (_("Lang"), True, lambda: long_rows(wave, options, progress=counted)),
        (
            _("Kodebok"),
            False,
            lambda: codebook_rows(wave, include_personal_data=options.include_personal_data),
        ),
    ]
    try:
        for title, is_data, make_rows in sheets:
            sheet = workbook.add_worksheet(title)
            count = 0
            for row_index, row in enumerate(make_rows()):
                for col_index, cell in enumerate(row):
                    _write_xlsx_cell(
                        sheet, row_index, col_index, cell, bold if row_index == 0 else None
                    )
                count = row_index
            sheet.freeze_panes(1, 0)
            if is_data:
                written += count
    finally:
        workbook.close()
    return written


def _write_xlsx_cell(sheet: Any, row: int, col: int, cell: Cell, fmt: Any) -> None:
    if cell is None:
        return
    if isinstance(cell, int) and not isinstance(cell, bool):
        sheet.write_number(row, col, cell, fmt)
    elif isinstance(cell, Decimal):
        sheet.write_number(row, col, float(cell), fmt)
    else:
        sheet.write_string(row, col, neutralise(str(cell)), fmt)


# --- File names ---------------------------------------------------------------------------------

_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def safe_filename(wave: Wave, layout: str, extension: str, *, now: datetime | None = None) -> str:
    """An ASCII file name for a download, safe for any wave title."""
    title = unicodedata.normalize("NFKC", wave.title or wave.slug).translate(_NORWEGIAN_LETTERS)
    stem = slugify(title)[:60].strip("-") or "undersokelse"
    stem = re.sub(r"[^a-z0-9-]", "", stem) or "undersokelse"
    day = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
    suffix = re.sub(r"[^a-z0-9]", "", extension.lower()) or "csv"
    return f"{stem}-{re.sub(r'[^a-z]', '', layout) or 'eksport'}-{day}.{suffix}"


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'
