"""Report-shaped reads for the respondent pages: progress per section, problems, the receipt.

Everything here reads a constant number of queries whatever the size of the questionnaire:
the wave's sections, its questions with their choices and matrix rows, and the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from municipalities.models import Organisation

from .models import Answer, AnswerSet, Choice, MatrixRow, Question, Section, Wave


class SectionState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    HAS_PROBLEMS = "has_problems"

    LABELS = {
        NOT_STARTED: _("Ikke påbegynt"),
        IN_PROGRESS: _("Påbegynt"),
        COMPLETE: _("Ferdig"),
        HAS_PROBLEMS: _("Må rettes"),
    }


def condition_met(condition: dict | None, answers: dict[str, Any]) -> bool:
    """Whether a `show_if` condition holds for these answer values (by question key)."""
    # TODO(form-engine): use surveys.conditions once merged, so server and browser agree.
    if not condition:
        return True
    value = answers.get(condition.get("question"))
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    if "includes" in condition:
        return isinstance(value, list) and condition["includes"] in value
    if "answered" in condition:
        return (value not in (None, "", [], {})) == bool(condition["answered"])
    return True


@dataclass
class QuestionItem:
    question: Question
    answer: Answer | None
    visible: bool
    valid: bool = True

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value not in (None, "", [], {})

    @property
    def missing(self) -> bool:
        return self.visible and self.question.required and not self.answered

    @property
    def display(self) -> str:
        return answer_display(self.question, self.answer)


@dataclass
class SectionProgress:
    section: Section
    position: int
    items: list[QuestionItem] = field(default_factory=list)
    visible: bool = True
    state: str = SectionState.NOT_STARTED

    @property
    def visible_items(self) -> list[QuestionItem]:
        return [item for item in self.items if item.visible]

    @property
    def answered_count(self) -> int:
        return sum(1 for item in self.visible_items if item.answered)

    @property
    def question_count(self) -> int:
        return len(self.visible_items)

    @property
    def missing(self) -> list[QuestionItem]:
        return [item for item in self.visible_items if item.missing]

    @property
    def invalid(self) -> list[QuestionItem]:
        return [item for item in self.visible_items if item.answered and not item.valid]

    @property
    def state_label(self) -> str:
        return SectionState.LABELS[self.state]


@dataclass
class ResponseProgress:
    wave: Wave
    organisation: Organisation
    answer_set: AnswerSet | None
    sections: list[SectionProgress]

    @property
    def visible_sections(self) -> list[SectionProgress]:
        return [s for s in self.sections if s.visible]

    @property
    def answered_count(self) -> int:
        return sum(s.answered_count for s in self.visible_sections)

    @property
    def question_count(self) -> int:
        return sum(s.question_count for s in self.visible_sections)

    @property
    def percent(self) -> int:
        total = self.question_count
        return round(100 * self.answered_count / total) if total else 0

    @property
    def complete_count(self) -> int:
        return sum(1 for s in self.visible_sections if s.state == SectionState.COMPLETE)

    @property
    def missing(self) -> list[tuple[SectionProgress, QuestionItem]]:
        """Required, applicable, visible questions without an answer, in questionnaire order."""
        return [(s, item) for s in self.visible_sections for item in s.missing]

    @property
    def invalid(self) -> list[tuple[SectionProgress, QuestionItem]]:
        return [(s, item) for s in self.visible_sections for item in s.invalid]

    def section(self, key: str) -> SectionProgress | None:
        return next((s for s in self.sections if s.section.key == key), None)

    def neighbours(self, key: str) -> tuple[Section | None, Section | None]:
        visible = [s.section for s in self.visible_sections]
        keys = [s.key for s in visible]
        if key not in keys:
            return None, None
        i = keys.index(key)
        return (visible[i - 1] if i > 0 else None, visible[i + 1] if i + 1 < len(keys) else None)

    def snapshot(self) -> dict[str, list]:
        """{question_key: [value, other_text]} of every visible answer (the submitted state)."""
        return {
            item.question.key: [item.answer.value, item.answer.other_text]
            for s in self.visible_sections
            for item in s.visible_items
            if item.answered
        }


def _answer_is_valid(question: Question, value: Any) -> bool:
    """Whether a stored answer still fits its question (the questionnaire may have changed)."""
    if value in (None, "", [], {}):
        return True
    kind = question.kind
    codes = {c.code for c in question.choices.all()}
    if kind == Question.Kind.SINGLE_CHOICE:
        return value in codes
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return isinstance(value, list) and all(code in codes for code in value)
    if kind == Question.Kind.MATRIX:
        rows = {r.code for r in question.rows.all()}
        return isinstance(value, dict) and all(
            row in rows and code in codes for row, code in value.items()
        )
    if kind in {Question.Kind.RATING, Question.Kind.INTEGER}:
        number: Any = value
        if not isinstance(number, int) or isinstance(number, bool):
            return False
    elif kind in {Question.Kind.DECIMAL, Question.Kind.PERCENTAGE}:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return False
    else:
        return isinstance(value, str)
    options = question.options or {}
    low = options.get("min", 1 if kind == Question.Kind.RATING else None)
    high = options.get("max", 6 if kind == Question.Kind.RATING else None)
    if kind == Question.Kind.PERCENTAGE:
        low, high = 0, 100
    return not (
        (low is not None and number < Decimal(str(low)))
        or (high is not None and number > Decimal(str(high)))
    )


def response_progress(
    *,
    wave: Wave,
    organisation: Organisation,
    answer_set: AnswerSet | None,
    show_missing: bool = False,
) -> ResponseProgress:
    """Every applicable section with its state and questions; 5 queries whatever the size."""
    kind = organisation.kind
    sections = [s for s in Section.objects.filter(wave=wave) if s.applies_to_kind(kind)]
    questions = [
        q
        for q in Question.objects.filter(wave=wave)
        .order_by("section__position", "position")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position")),
            Prefetch("rows", queryset=MatrixRow.objects.order_by("position")),
        )
        if q.applies_to_kind(kind)
    ]
    answers: dict[int, Answer] = {}
    if answer_set is not None and answer_set.pk:
        answers = {a.question_id: a for a in Answer.objects.filter(answer_set=answer_set)}

    values = {q.key: answers[q.pk].value for q in questions if q.pk in answers}
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)

    progress = []
    for position, section in enumerate(sections, start=1):
        section_visible = condition_met(section.condition, values)
        entry = SectionProgress(section=section, position=position, visible=section_visible)
        for question in by_section.get(section.pk, []):
            answer = answers.get(question.pk)
            visible = section_visible and condition_met(question.condition, values)
            entry.items.append(
                QuestionItem(
                    question=question,
                    answer=answer,
                    visible=visible,
                    valid=_answer_is_valid(question, answer.value) if answer else True,
                )
            )
        entry.state = _section_state(entry, show_missing=show_missing)
        progress.append(entry)
    return ResponseProgress(
        wave=wave, organisation=organisation, answer_set=answer_set, sections=progress
    )


def _section_state(entry: SectionProgress, *, show_missing: bool) -> str:
    if entry.invalid or (show_missing and entry.missing):
        return SectionState.HAS_PROBLEMS
    answered = entry.answered_count
    if answered == 0:
        return SectionState.NOT_STARTED
    if entry.missing:
        return SectionState.IN_PROGRESS
    has_required = any(item.question.required for item in entry.visible_items)
    if not has_required and answered < entry.question_count:
        return SectionState.IN_PROGRESS
    return SectionState.COMPLETE


# --- Showing an answer -------------------------------------------------------------------------


def format_number(value: Any) -> str:
    """A number the Norwegian way: decimal comma, no-break space between thousands."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _dot, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = "\u00a0".join(groups)
    return f"{sign}{result},{fraction}" if fraction else f"{sign}{result}"


def answer_display(question: Question, answer: Answer | None) -> str:
    """Plain text for an answer (labels instead of codes); templates escape it."""
    if answer is None or answer.value in (None, "", [], {}):
        return ""
    value = answer.value
    labels = {c.code: c.label for c in question.choices.all()}
    other = {c.code for c in question.choices.all() if c.is_other}
    kind = question.kind

    def label(code: str) -> str:
        text = labels.get(code, code)
        if code in other and answer.other_text:
            return f"{text}: {answer.other_text}"
        return text

    if kind == Question.Kind.SINGLE_CHOICE:
        return label(value)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return "; ".join(label(code) for code in value)
    if kind == Question.Kind.MATRIX:
        rows = [(r.code, r.label) for r in question.rows.all()]
        return "; ".join(
            f"{row_label}: {labels.get(value[code], value[code])}"
            for code, row_label in rows
            if code in value
        )
    if kind == Question.Kind.PERCENTAGE:
        return f"{format_number(value)}\u00a0%"
    if kind in {Question.Kind.INTEGER, Question.Kind.DECIMAL}:
        unit = (question.options or {}).get("unit")
        return f"{format_number(value)} {unit}" if unit else format_number(value)
    if kind == Question.Kind.RATING:
        high = (question.options or {}).get("max", 6)
        return str(_("%(value)s av %(max)s")) % {"value": value, "max": high}
    return str(value)
