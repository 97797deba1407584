"""What the question templates (templates/jinja2/form_engine/) render: one view object per
question, the crispy layout object that renders them all, and answers as readable text."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django.utils.translation import gettext as _

from ekommune.jinja2 import render_fragment
from surveys import numbers
from surveys.conditions import (
    is_answered,
)
from surveys.form_engine.kinds import (
    choices_of,
    format_number,
    other_choice,
    question_option,
    rating_scale,
    rows_of,
)
from surveys.models import Question

if TYPE_CHECKING:
    from surveys.form_engine.section_form import SectionForm


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: a link to the first control of the question."""

    anchor: str
    question: str
    message: str


@dataclass
class OptionView:
    id: str
    name: str
    value: str
    label: str
    checked: bool
    exclusive: bool = False
    is_other: bool = False


@dataclass
class OtherView:
    id: str
    name: str
    value: str
    label: str
    for_option_id: str
    errors: list[str]
    error_id: str


@dataclass
class MatrixRowView:
    code: str
    label: str
    header_id: str
    options: list[OptionView]
    errors: list[str]
    error_id: str


@dataclass
class QuestionView:
    """Everything a kind template needs to render one question (ids, values, errors)."""

    question: Question
    key: str
    kind: str
    text: str
    help_text: str
    required: bool
    wrapper_id: str
    label_id: str
    help_id: str
    hint_id: str
    error_id: str
    input_id: str
    name: str
    errors: list[str]
    condition_json: str = ""
    condition_hint: str = ""
    options: list[OptionView] = field(default_factory=list)
    other: OtherView | None = None
    rows: list[MatrixRowView] = field(default_factory=list)
    scale: list[tuple[str, str, str]] = field(default_factory=list)
    value: str = ""
    unit: str = ""
    format_hint: str = ""
    min_label: str = ""
    max_label: str = ""
    max_length: int | None = None
    widget_attrs: dict[str, str] = field(default_factory=dict)
    template: str = ""

    @property
    def invalid(self) -> bool:
        return (
            bool(self.errors)
            or any(row.errors for row in self.rows)
            or bool(self.other and self.other.errors)
        )

    @property
    def described_by(self) -> str:
        """Ids of the texts that describe the question: hint, help, errors."""
        ids = []
        if self.condition_hint:
            ids.append(self.hint_id)
        if self.help_text:
            ids.append(self.help_id)
        if self.format_hint:
            ids.append(self.help_id + "-format")
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


class QuestionBlocks(LayoutObject):
    """A crispy layout object that renders all questions of the form in one Jinja2 call.

    The fragments are Jinja2 templates (templates/jinja2/form_engine/, ekommune/jinja2.py):
    with Django's engine, a hundred questions were most of the page's time."""

    template = "form_engine/questions.html"

    def __init__(self) -> None:
        self.fields: list = []

    def render(
        self, form: "SectionForm", context: Any, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> str:
        return render_fragment(self.template, questions=form.question_views())


def choice_label(question: Question, code: Any) -> str:
    for choice in choices_of(question):
        if choice.code == code:
            return choice.label
    return str(code)


def quoted(text: str) -> str:
    # Norwegian quotes in bokmål and nynorsk; the English catalog uses “…”.
    return _("«%(text)s»") % {"text": text}


def row_message(row_label: str, error: str) -> str:
    """A matrix row's error, naming the row unless the message already does."""
    return error if quoted(row_label) in error else f"{row_label}: {error}"


def condition_hint(condition: Mapping[str, Any], source: Question) -> str:
    """A sentence that tells a respondent without JavaScript when to answer a question."""
    question_text = quoted(source.text)
    if "answered" in condition:
        if condition["answered"]:
            return _("Svar bare hvis du har svart på %(question)s.") % {"question": question_text}
        return _("Svar bare hvis du ikke har svart på %(question)s.") % {"question": question_text}
    operand = next((condition[op] for op in ("equals", "in", "includes") if op in condition), "")
    operands = operand if isinstance(operand, list) else [operand]
    if source.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}:
        labels = [quoted(choice_label(source, code)) for code in operands]
    else:
        labels = [quoted(format_number(source, code)) for code in operands]
    joined = _(" eller ").join(labels)
    if "includes" in condition:
        return _("Svar bare hvis du krysset av for %(choices)s på %(question)s.") % {
            "choices": joined,
            "question": question_text,
        }
    return _("Svar bare hvis du svarte %(choices)s på %(question)s.") % {
        "choices": joined,
        "question": question_text,
    }


def format_answer(question: Question, value: Any, other_text: str = "") -> str:
    """A stored answer as text for receipts, reviews and conflict screens ("" if unanswered)."""
    if not is_answered(value):
        return ""
    kind = question.kind
    if kind == Question.Kind.SINGLE_CHOICE:
        label = choice_label(question, value)
        return f"{label}: {other_text}" if other_text else label
    if kind == Question.Kind.MULTIPLE_CHOICE:
        parts = []
        for code in value if isinstance(value, list) else [value]:
            label = choice_label(question, code)
            other = other_choice(question)
            parts.append(
                f"{label}: {other_text}" if other and other.code == code and other_text else label
            )
        return "; ".join(parts)
    if kind == Question.Kind.MATRIX:
        scale = {choice.code: choice.label for choice in choices_of(question)}
        return "; ".join(
            f"{row.label}: {scale.get(value[row.code], value[row.code])}"
            for row in rows_of(question)
            if isinstance(value, dict) and row.code in value
        )
    if kind == Question.Kind.RATING:
        return _("%(value)s av %(max)s") % {"value": value, "max": rating_scale(question).stop - 1}
    if kind in {Question.Kind.INTEGER, Question.Kind.DECIMAL}:
        unit = question_option(question, "unit")
        text = format_number(question, value)
        return f"{text}\u00a0{unit}" if unit else text
    if kind == Question.Kind.PERCENTAGE:
        return numbers.format_percentage(value)
    return str(value)
