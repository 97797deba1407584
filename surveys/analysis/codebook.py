"""The codebook: one entry per column of the wide layout, with its question, codes and
condition. The wide export's columns come from here, so the two always agree.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from municipalities.models import SizeClass
from surveys.downloads import Cell
from surveys.models import AnswerSet, Question, Wave


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


def organisation_columns(include_personal_data: bool) -> list[Column]:
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
    columns = organisation_columns(include_personal_data)
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


def codebook_rows(
    wave: Wave, *, include_personal_data: bool = False, language: str = "nb"
) -> Iterator[list[Cell]]:
    """The codebook as rows: a header, then one row per column of the wide layout; the
    questionnaire's texts in `language` (nb, nn or en), each falling back to bokmål."""
    yield list(CODEBOOK_HEADER)
    with translation.override(language):
        columns = codebook_columns(
            wave,
            include_personal_data=include_personal_data,
            questions=wave_questions(wave, language=language),
        )
    for column in columns:
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


NOT_STARTED = "not_started"


NUMBER_KINDS = {Question.Kind.RATING, Question.Kind.INTEGER}


DECIMAL_KINDS = {Question.Kind.DECIMAL, Question.Kind.PERCENTAGE}


def wave_questions(wave: Wave, *, language: str = "nb") -> list[Question]:
    """The wave's questions in order, with section, choices and matrix rows (three queries);
    texts and labels in `language`, each falling back to bokmål."""
    questions = list(
        Question.objects.filter(wave=wave)
        .select_related("section")
        .prefetch_related("choices", "rows")
        .order_by("section__position", "position", "id")
    )
    if language != "nb":
        for question in questions:
            question.section.title = question.section.translated("title", language)
            question.text = question.translated("text", language)
            for item in (*question.choices.all(), *question.rows.all()):
                item.label = item.translated("label", language)
    return questions
