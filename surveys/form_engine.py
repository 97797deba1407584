"""The form engine: one section of a questionnaire as a Django form, built from data.

Public API (used by the respondent pages and the staff preview)::

    questionnaire = Questionnaire.load(wave)               # 4 queries, whatever the size
    answers = answers_by_key(answer_set)                   # 1 query: {question key: Answer}
    form = build_section_form(
        section=section,                                   # a Section of that wave
        organisation_kind=organisation.kind,               # "kommune" / "fylkeskommune" / None
        answers=answers,                                   # {key: Answer or stored value}
        data=request.POST,                                 # None for an unbound (GET) form
        mode=DRAFT,                                        # DRAFT (save) or SUBMIT
        questionnaire=questionnaire,                       # optional: loaded if omitted
    )
    if form.is_bound:
        form.is_valid()            # False while any visible question has an error
        form.valid_answers         # {key: AnswerValue(value, other_text)} to write; value None
                                   #   means "no answer" (delete the stored one)
        form.hidden_keys           # keys of the section's questions hidden for this
                                   #   organisation/answers: delete their stored answers
        form.invalid_keys          # visible questions with errors: leave stored answers alone
        form.error_summary         # [ErrorLink(anchor, question, message)] for the summary

    check_section_answers(section=..., organisation_kind=..., answers=..., questionnaire=...)
        -> a SectionForm bound to the *stored* answers in SUBMIT mode: is_valid() tells
           whether the section is complete; error_summary lists what is missing.

    format_answer(question, value, other_text) -> str   # a stored answer as readable text

Templates (a page that shows a section form)::

    {% block head %}{% include "surveys/form/head.html" %}{% endblock %}       form.css
    {% include "surveys/form/error_summary.html" with form=form %}          top of the page
    <form method="post" novalidate>{% csrf_token %}
      {% include "surveys/form/section_form.html" with form=form %}        every question
      ... the page's own buttons ...
    </form>
    {% block scripts %}{% include "surveys/form/scripts.html" %}{% endblock %}  section_form.js

Field names derive from question keys, never from primary keys: `<key>` for the answer,
`<key>__<row_code>` for each matrix row and `<key>__other` for the "Annet, spesifiser" text.
Element ids are Django's (`id_<field name>`, `id_<key>_<n>` for the n-th option); each question
is wrapped in an element with id `q-<key>`.

Stored values have the `Answer.value` shape: single choice a code; multiple choice a list of
codes in questionnaire order; matrix {row_code: scale_code}; rating and integer an int; decimal
and percentage a decimal string ("12.5"); text a string.

Modes. DRAFT: every question is optional; `valid_answers` holds the questions that validated,
the others keep what was typed, with a message, and `invalid_keys` names them (a half-filled
section can always be saved). SUBMIT: in addition, every visible required question must be
answered (every row of a required matrix).

Conditions. The server is the authority. Questions whose condition depends on a question on
the same page are always rendered (without JavaScript the respondent sees them, with a hint
saying when to answer them; `static/js/section_form.js` hides them live); a bound form
evaluates every condition on the submitted answers merged with the stored ones, does not
validate hidden questions and reports them in `hidden_keys`. Questions hidden by an answer in
another section, or not applying to the organisation kind, are not rendered at all.

Question options (`Question.options`, from the definition file): rating `min` (1), `max` (6),
`labels` {min_label, max_label}; integer `min`, `max`, `unit`; decimal `min`, `max`,
`decimals` (2), `unit`; percentage `decimals` (0), bounds 0-100 (narrowed by `min`/`max`);
short_text `max_length` (500); long_text `max_length` (5000).
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys import numbers
from surveys.conditions import (
    Visibility,
    condition_question,
    is_answered,
    resolve_visibility,
)
from surveys.models import Answer, AnswerSet, Choice, MatrixRow, Question, Section, Wave

Mode = Literal["draft", "submit"]
DRAFT: Mode = "draft"
SUBMIT: Mode = "submit"

OTHER_SUFFIX = "__other"
ROW_SEPARATOR = "__"
OTHER_TEXT_MAX_LENGTH = 500
DEFAULT_MAX_LENGTH = {Question.Kind.SHORT_TEXT: 500, Question.Kind.LONG_TEXT: 5000}


# --- Loading ---------------------------------------------------------------------------------


@dataclass
class Questionnaire:
    """A wave's sections and questions with choices and rows, loaded in 4 queries.

    Each section gets `question_list`; each question `choice_list` and `row_list` (ordered).
    """

    wave_id: int
    sections: list[Section]

    @classmethod
    def load(cls, wave: Wave | int) -> "Questionnaire":
        wave_id = wave if isinstance(wave, int) else wave.pk
        questions = Question.objects.order_by("position", "pk").prefetch_related(
            Prefetch(
                "choices", queryset=Choice.objects.order_by("position", "pk"), to_attr="choice_list"
            ),
            Prefetch(
                "rows", queryset=MatrixRow.objects.order_by("position", "pk"), to_attr="row_list"
            ),
        )
        sections = list(
            Section.objects.filter(wave_id=wave_id)
            .order_by("position", "pk")
            .prefetch_related(Prefetch("questions", queryset=questions, to_attr="question_list"))
        )
        return cls(wave_id=wave_id, sections=sections)

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.question_list]

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise Section.DoesNotExist(f"No section {key!r} in wave {self.wave_id}")

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise Question.DoesNotExist(f"No question {key!r} in wave {self.wave_id}")


def answers_by_key(answer_set: AnswerSet | None) -> dict[str, Answer]:
    """The answers of an answer set keyed by question key (1 query; {} without a set)."""
    if answer_set is None or answer_set.pk is None:
        return {}
    answers = Answer.objects.filter(answer_set=answer_set).select_related("question")
    return {answer.question.key: answer for answer in answers}


@dataclass(frozen=True)
class AnswerValue:
    """A cleaned answer in the stored shape; `value` None means "not answered"."""

    value: Any
    other_text: str = ""


def _split_answers(answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    other: dict[str, str] = {}
    for key, answer in answers.items():
        if isinstance(answer, Answer):
            values[key] = answer.value
            other[key] = answer.other_text or ""
        elif isinstance(answer, AnswerValue):
            values[key] = answer.value
            other[key] = answer.other_text
        else:
            values[key] = answer
    return values, other


# --- Fields by kind --------------------------------------------------------------------------


def _option(question: Question, name: str, default: Any = None) -> Any:
    return (question.options or {}).get(name, default)


def _decimal_option(question: Question, name: str) -> Decimal | None:
    return numbers.to_decimal(_option(question, name))


def _choices(question: Question) -> list[Choice]:
    # Prefetched by Questionnaire.load; a plain Question falls back to a query.
    if hasattr(question, "choice_list"):
        return question.choice_list
    return list(question.choices.order_by("position", "pk"))


def _rows(question: Question) -> list[MatrixRow]:
    if question.kind != Question.Kind.MATRIX:
        return []
    if hasattr(question, "row_list"):
        return question.row_list
    return list(question.rows.order_by("position", "pk"))


def _other_choice(question: Question) -> Choice | None:
    return next((choice for choice in _choices(question) if choice.is_other), None)


def number_bounds(question: Question) -> tuple[Decimal | None, Decimal | None]:
    low, high = _decimal_option(question, "min"), _decimal_option(question, "max")
    if question.kind == Question.Kind.PERCENTAGE:
        low = max(low, Decimal(0)) if low is not None else Decimal(0)
        high = min(high, Decimal(100)) if high is not None else Decimal(100)
    return low, high


def number_decimals(question: Question) -> int:
    if question.kind == Question.Kind.INTEGER:
        return 0
    default = 2 if question.kind == Question.Kind.DECIMAL else 0
    return int(_option(question, "decimals", default))


def rating_scale(question: Question) -> range:
    return range(int(_option(question, "min", 1)), int(_option(question, "max", 6)) + 1)


def format_number(question: Question, value: Any) -> str:
    """A stored number of a number question, formatted the Norwegian way (no unit)."""
    if question.kind == Question.Kind.INTEGER:
        return numbers.format_integer(value)
    return numbers.format_decimal(value)


def _bounds_message(question: Question) -> str:
    low, high = number_bounds(question)
    unit = _option(question, "unit") or ("%" if question.kind == Question.Kind.PERCENTAGE else "")
    suffix = f"\u00a0{unit}" if unit else ""
    if low is not None and high is not None:
        return _("Skriv et tall fra %(min)s til %(max)s.") % {
            "min": numbers.format_decimal(low),
            "max": numbers.format_decimal(high) + suffix,
        }
    if low is not None:
        return _("Skriv et tall som er %(min)s eller mer.") % {
            "min": numbers.format_decimal(low) + suffix
        }
    if high is not None:
        return _("Skriv et tall som er %(max)s eller mindre.") % {
            "max": numbers.format_decimal(high) + suffix
        }
    return ""


def _format_hint(question: Question) -> str:
    """What a number question expects: bounds and unit, for the text under its label."""
    parts = [_bounds_message(question)]
    unit = _option(question, "unit")
    if unit and question.kind != Question.Kind.PERCENTAGE:
        parts.append(_("Oppgi svaret i %(unit)s.") % {"unit": unit})
    if question.kind != Question.Kind.INTEGER and number_decimals(question) > 0:
        parts.append(_("Bruk komma som desimaltegn."))
    return " ".join(part for part in parts if part)


class NorwegianNumberField(forms.CharField):
    """A number typed the Norwegian way; cleans to a Decimal within bounds, or None."""

    def __init__(self, *, question: Question, **kwargs: Any) -> None:
        self.question = question
        inputmode = "numeric" if question.kind == Question.Kind.INTEGER else "decimal"
        attrs = {"inputmode": inputmode, "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            required=False, max_length=numbers.MAX_INPUT_LENGTH, widget=forms.TextInput(attrs)
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        question = self.question
        try:
            if question.kind == Question.Kind.PERCENTAGE:
                number = numbers.parse_percentage(text)
            elif question.kind == Question.Kind.INTEGER:
                number = Decimal(numbers.parse_integer(text))
            else:
                number = numbers.parse_decimal(text)
        except numbers.NumberFormatError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from exc
        decimals = number_decimals(question)
        if numbers.decimal_places(number.normalize()) > decimals:
            if decimals == 0:
                message = _("Skriv et helt tall, uten desimaler.")
            elif decimals == 1:
                message = _("Skriv høyst én desimal.")
            else:
                message = _("Skriv høyst %(count)s desimaler.") % {"count": decimals}
            raise forms.ValidationError(message, code="decimals")
        low, high = number_bounds(question)
        if (low is not None and number < low) or (high is not None and number > high):
            raise forms.ValidationError(_bounds_message(question), code="bounds")
        return number

    def validate(self, value: Any) -> None:
        # Required answers are checked by the form, in SUBMIT mode only.
        return None

    def run_validators(self, value: Any) -> None:
        # The CharField max_length validator would measure the Decimal; to_python checked it.
        return None


def _choice_field(question: Question, choices: Iterable[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=list(choices),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Velg et av alternativene.")},
    )


def _other_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=OTHER_TEXT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _build_single_choice(question: Question) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {
        question.key: _choice_field(question, ((c.code, c.label) for c in _choices(question)))
    }
    if _other_choice(question):
        fields[question.key + OTHER_SUFFIX] = _other_field()
    return fields


def _build_multiple_choice(question: Question) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {
        question.key: forms.MultipleChoiceField(
            choices=[(c.code, c.label) for c in _choices(question)],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": gettext_lazy("Velg blant alternativene.")},
        )
    }
    if _other_choice(question):
        fields[question.key + OTHER_SUFFIX] = _other_field()
    return fields


def _build_matrix(question: Question) -> dict[str, forms.Field]:
    scale = [(c.code, c.label) for c in _choices(question)]
    return {
        question.key + ROW_SEPARATOR + row.code: _choice_field(question, scale)
        for row in _rows(question)
    }


def _build_rating(question: Question) -> dict[str, forms.Field]:
    return {
        question.key: _choice_field(question, ((str(n), str(n)) for n in rating_scale(question)))
    }


def _build_number(question: Question) -> dict[str, forms.Field]:
    return {question.key: NorwegianNumberField(question=question)}


def _build_text(question: Question) -> dict[str, forms.Field]:
    max_length = int(_option(question, "max_length", DEFAULT_MAX_LENGTH[question.kind]))
    if question.kind == Question.Kind.LONG_TEXT:
        widget: forms.Widget = forms.Textarea(attrs={"rows": 5})
    else:
        widget = forms.TextInput(attrs={"autocomplete": "off"})
    return {question.key: forms.CharField(required=False, max_length=max_length, widget=widget)}


def _initial_choice(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    initial: dict[str, Any] = {question.key: value}
    if _other_choice(question):
        initial[question.key + OTHER_SUFFIX] = other_text
    return initial


def _initial_multiple(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    codes = value if isinstance(value, list) else ([] if value is None else [value])
    return _initial_choice(question, [str(code) for code in codes], other_text)


def _initial_matrix(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    value = value if isinstance(value, dict) else {}
    return {question.key + ROW_SEPARATOR + row.code: value.get(row.code) for row in _rows(question)}


def _initial_rating(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    return {question.key: None if value is None else str(value)}


def _initial_number(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    return {question.key: "" if value is None else format_number(question, value)}


def _initial_text(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    return {question.key: "" if value is None else str(value)}


def _value_single(question: Question, cleaned: Mapping[str, Any]) -> Any:
    return cleaned.get(question.key) or None


def _value_multiple(question: Question, cleaned: Mapping[str, Any]) -> Any:
    chosen = set(cleaned.get(question.key) or [])
    codes = [choice.code for choice in _choices(question) if choice.code in chosen]
    return codes or None


def _value_matrix(question: Question, cleaned: Mapping[str, Any]) -> Any:
    value = {
        row.code: cleaned[question.key + ROW_SEPARATOR + row.code]
        for row in _rows(question)
        if cleaned.get(question.key + ROW_SEPARATOR + row.code)
    }
    return value or None


def _value_rating(question: Question, cleaned: Mapping[str, Any]) -> Any:
    raw = cleaned.get(question.key)
    return int(raw) if raw else None


def _value_integer(question: Question, cleaned: Mapping[str, Any]) -> Any:
    number = cleaned.get(question.key)
    return None if number is None else int(number)


def _value_decimal(question: Question, cleaned: Mapping[str, Any]) -> Any:
    number = cleaned.get(question.key)
    return None if number is None else numbers.to_storage(number)


def _value_text(question: Question, cleaned: Mapping[str, Any]) -> Any:
    return cleaned.get(question.key) or None


@dataclass(frozen=True)
class KindSpec:
    """How one question kind becomes form fields and back: build, show stored, clean to stored."""

    build: Callable[[Question], dict[str, forms.Field]]
    initial: Callable[[Question, Any, str], dict[str, Any]]
    value: Callable[[Question, Mapping[str, Any]], Any]
    template: str


K = Question.Kind
KINDS: dict[str, KindSpec] = {
    K.SINGLE_CHOICE: KindSpec(
        _build_single_choice, _initial_choice, _value_single, "surveys/form/single_choice.html"
    ),
    K.MULTIPLE_CHOICE: KindSpec(
        _build_multiple_choice,
        _initial_multiple,
        _value_multiple,
        "surveys/form/multiple_choice.html",
    ),
    K.MATRIX: KindSpec(_build_matrix, _initial_matrix, _value_matrix, "surveys/form/matrix.html"),
    K.RATING: KindSpec(_build_rating, _initial_rating, _value_rating, "surveys/form/rating.html"),
    K.INTEGER: KindSpec(_build_number, _initial_number, _value_integer, "surveys/form/number.html"),
    K.DECIMAL: KindSpec(_build_number, _initial_number, _value_decimal, "surveys/form/number.html"),
    K.PERCENTAGE: KindSpec(
        _build_number, _initial_number, _value_decimal, "surveys/form/number.html"
    ),
    K.SHORT_TEXT: KindSpec(_build_text, _initial_text, _value_text, "surveys/form/text.html"),
    K.LONG_TEXT: KindSpec(_build_text, _initial_text, _value_text, "surveys/form/text.html"),
}


# --- Rendering helpers -----------------------------------------------------------------------


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


class QuestionBlock(LayoutObject):
    """A crispy layout object that renders one question with its kind's template."""

    template = "surveys/form/question.html"

    def __init__(self, key: str) -> None:
        self.key = key
        self.fields: list = []

    def render(
        self, form: "SectionForm", context: Any, template_pack: str = TEMPLATE_PACK, **kwargs: Any
    ) -> str:  # noqa: E501
        view = form.question_view(self.key)
        return render_to_string(
            self.template,
            {"q": view, "kind_template": KINDS[view.kind].template, "form": form},
        )


def _choice_label(question: Question, code: Any) -> str:
    for choice in _choices(question):
        if choice.code == code:
            return choice.label
    return str(code)


def _quoted(text: str) -> str:
    return f"«{text}»"


def _row_message(row_label: str, error: str) -> str:
    """A matrix row's error, naming the row unless the message already does."""
    return error if _quoted(row_label) in error else f"{row_label}: {error}"


def condition_hint(condition: Mapping[str, Any], source: Question) -> str:
    """A sentence that tells a respondent without JavaScript when to answer a question."""
    question_text = _quoted(source.text)
    if "answered" in condition:
        if condition["answered"]:
            return _("Svar bare hvis du har svart på %(question)s.") % {"question": question_text}
        return _("Svar bare hvis du ikke har svart på %(question)s.") % {"question": question_text}
    operand = next((condition[op] for op in ("equals", "in", "includes") if op in condition), "")
    operands = operand if isinstance(operand, list) else [operand]
    if source.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}:
        labels = [_quoted(_choice_label(source, code)) for code in operands]
    else:
        labels = [_quoted(format_number(source, code)) for code in operands]
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


# --- The form --------------------------------------------------------------------------------


class SectionForm(forms.Form):
    """The questions of one section that an organisation sees; see the module docstring."""

    use_required_attribute = False  # drafts save without required answers

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        questionnaire: Questionnaire,
        section: Section,
        organisation_kind: str | None,
        answers: Mapping[str, Any],
        mode: Mode = DRAFT,
    ) -> None:
        if mode not in (DRAFT, SUBMIT):
            raise ValueError(f"Unknown mode {mode!r}")
        super().__init__(data=data)
        self.questionnaire = questionnaire
        self.section = questionnaire.section(section.key)
        self.organisation_kind = organisation_kind
        self.mode = mode
        self.stored_values, self.stored_other = _split_answers(answers)
        self.stored_visibility: Visibility = resolve_visibility(
            questionnaire.sections,
            questionnaire.questions,
            organisation_kind=organisation_kind,
            answers=self.stored_values,
        )
        self.section_visible = self.stored_visibility.section_is_visible(self.section.key)
        self.questions: list[Question] = self._questions_to_render()
        self.field_names: dict[str, list[str]] = {}
        for question in self.questions:
            spec = KINDS[question.kind]
            built = spec.build(question)
            self.fields.update(built)
            self.field_names[question.key] = list(built)
            self.initial.update(
                spec.initial(
                    question,
                    self.stored_values.get(question.key),
                    self.stored_other.get(question.key, ""),
                )
            )
        self._by_key = {question.key: question for question in self.questions}
        self.valid_answers: dict[str, AnswerValue] = {}
        self.hidden_keys: frozenset[str] = frozenset(
            question.key
            for question in self.section.question_list
            if question.key not in self._by_key
            and not self.stored_visibility.question_is_visible(question.key)
        )
        self.invalid_keys: frozenset[str] = frozenset()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.include_media = False
        self.helper.layout = Layout(*(QuestionBlock(question.key) for question in self.questions))

    # -- which questions ----------------------------------------------------------------------

    def _questions_to_render(self) -> list[Question]:
        """Applicable questions, including those whose condition depends on this page."""
        if not self.section_visible:
            return []
        rendered: list[Question] = []
        keys: set[str] = set()
        for question in self.section.question_list:
            if self.organisation_kind and not question.applies_to_kind(self.organisation_kind):
                continue
            depends_on = condition_question(question.condition)
            if (depends_on in keys) or self.stored_visibility.question_is_visible(question.key):
                rendered.append(question)
                keys.add(question.key)
        return rendered

    @property
    def has_required(self) -> bool:
        return any(question.required for question in self.questions)

    def depends_on_page(self, question: Question) -> Question | None:
        """The question on this page that `question`'s condition refers to, if any."""
        key = condition_question(question.condition)
        return self._by_key.get(key) if key else None

    # -- validation ---------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        page_values: dict[str, AnswerValue] = {}
        for question in self.questions:
            if self._question_has_errors(question):
                continue
            value = KINDS[question.kind].value(question, cleaned)
            other_text = self._clean_other(question, cleaned, value)
            if not self._question_has_errors(question):
                page_values[question.key] = AnswerValue(value, other_text)

        merged = dict(self.stored_values)
        for key, answer in page_values.items():
            merged[key] = answer.value
        visibility = resolve_visibility(
            self.questionnaire.sections,
            self.questionnaire.questions,
            organisation_kind=self.organisation_kind,
            answers=merged,
        )
        hidden = set(self.hidden_keys)
        for question in self.questions:
            if visibility.question_is_visible(question.key):
                continue
            hidden.add(question.key)
            page_values.pop(question.key, None)
            for name in self.field_names[question.key]:
                self._errors.pop(name, None)
                cleaned.pop(name, None)
        self.hidden_keys = frozenset(hidden)

        if self.mode == SUBMIT:
            for question in self.questions:
                if question.key in hidden or not question.required:
                    continue
                if self._question_has_errors(question):
                    continue
                self._check_required(question, page_values)

        self.valid_answers = {
            key: answer
            for key, answer in page_values.items()
            if not self._question_has_errors(self._by_key[key])
        }
        self.invalid_keys = frozenset(
            question.key for question in self.questions if self._question_has_errors(question)
        )
        return cleaned

    def _question_has_errors(self, question: Question) -> bool:
        return any(name in self._errors for name in self.field_names[question.key])

    def _clean_other(self, question: Question, cleaned: Mapping[str, Any], value: Any) -> str:
        """Exclusive options and the "Annet, spesifiser" text; returns the text to keep."""
        choices = _choices(question)
        if question.kind == Question.Kind.MULTIPLE_CHOICE and value and len(value) > 1:
            exclusive = [c for c in choices if c.exclusive and c.code in value]
            if exclusive:
                self.add_error(
                    question.key,
                    _(
                        "%(choice)s kan ikke kombineres med andre svar. Fjern enten "
                        "%(choice)s eller de andre kryssene."
                    )
                    % {"choice": _quoted(exclusive[0].label)},
                )
                return ""
        other = _other_choice(question)
        if other is None or question.kind not in {
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.MULTIPLE_CHOICE,
        }:
            return ""
        chosen = value if isinstance(value, list) else [value]
        if other.code not in chosen:
            # The text belongs to the "other" option only; without it there is nothing to keep.
            return ""
        text = (cleaned.get(question.key + OTHER_SUFFIX) or "").strip()
        if not text:
            self.add_error(
                question.key + OTHER_SUFFIX,
                _("Skriv hva %(choice)s gjelder.") % {"choice": _quoted(other.label)},
            )
        return text

    def _check_required(self, question: Question, page_values: Mapping[str, AnswerValue]) -> None:
        answer = page_values.get(question.key)
        value = answer.value if answer else None
        if question.kind == Question.Kind.MATRIX:
            answered = value or {}
            for row in _rows(question):
                if row.code not in answered:
                    self.add_error(
                        question.key + ROW_SEPARATOR + row.code,
                        _("Velg et svar for %(row)s.") % {"row": _quoted(row.label)},
                    )
            return
        if not is_answered(value):
            if question.has_choices or question.kind == Question.Kind.RATING:
                message = _("Velg et svar før du sender inn.")
            else:
                message = _("Fyll ut svaret før du sender inn.")
            self.add_error(question.key, message)

    # -- rendering ----------------------------------------------------------------------------

    def _field_errors(self, name: str) -> list[str]:
        if not self.is_bound or name not in self.fields:
            return []
        return [str(error) for error in self.errors.get(name, [])]

    def _options(self, question: Question, name: str, current: Any) -> list[OptionView]:
        selected = {str(item) for item in current} if isinstance(current, list) else {str(current)}
        auto_id = self[name].auto_id
        views = []
        if question.kind == Question.Kind.RATING:
            for index, number in enumerate(rating_scale(question)):
                views.append(
                    OptionView(
                        id=f"{auto_id}_{index}",
                        name=name,
                        value=str(number),
                        label=_("%(value)s av %(max)s stjerner")
                        % {"value": number, "max": rating_scale(question).stop - 1},
                        checked=str(number) in selected,
                    )
                )
            return views
        for index, choice in enumerate(_choices(question)):
            views.append(
                OptionView(
                    id=f"{auto_id}_{index}",
                    name=name,
                    value=choice.code,
                    label=choice.label,
                    checked=choice.code in selected,
                    exclusive=choice.exclusive and question.kind == Question.Kind.MULTIPLE_CHOICE,
                    is_other=choice.is_other,
                )
            )
        return views

    def question_view(self, key: str) -> QuestionView:
        """The render context of one question (current values, errors, ids)."""
        question = self._by_key[key]
        name = question.key
        names = self.field_names[key]
        main = names[0] if names else name
        auto_id = self[main].auto_id if names else f"id_{name}"
        question_errors: list[str] = []
        if question.kind != Question.Kind.MATRIX:
            question_errors = self._field_errors(name)
        view = QuestionView(
            question=question,
            key=key,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            wrapper_id=f"q-{key}",
            label_id=f"q-{key}-label",
            help_id=f"q-{key}-help",
            hint_id=f"q-{key}-hint",
            error_id=f"q-{key}-error",
            input_id=auto_id,
            name=name,
            errors=question_errors,
        )
        source = self.depends_on_page(question)
        if source is not None:
            view.condition_json = json.dumps(question.condition, ensure_ascii=False)
            view.condition_hint = condition_hint(question.condition, source)

        if question.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}:
            view.options = self._options(question, name, self[name].value())
            other = _other_choice(question)
            if other is not None:
                other_name = name + OTHER_SUFFIX
                other_option = next(o for o in view.options if o.is_other)
                view.other = OtherView(
                    id=self[other_name].auto_id,
                    name=other_name,
                    value=self[other_name].value() or "",
                    label=_("Spesifiser %(choice)s") % {"choice": _quoted(other.label)},
                    for_option_id=other_option.id,
                    errors=self._field_errors(other_name),
                    error_id=f"q-{key}-other-error",
                )
        elif question.kind == Question.Kind.RATING:
            view.options = self._options(question, name, self[name].value())
            labels = _option(question, "labels") or {}
            view.min_label = labels.get("min_label", "")
            view.max_label = labels.get("max_label", "")
        elif question.kind == Question.Kind.MATRIX:
            scale = _choices(question)
            view.scale = [
                (choice.code, choice.label, f"q-{key}-col-{choice.code}") for choice in scale
            ]
            for row in _rows(question):
                row_name = name + ROW_SEPARATOR + row.code
                bound = self[row_name]
                current = bound.value()
                view.rows.append(
                    MatrixRowView(
                        code=row.code,
                        label=row.label,
                        header_id=f"q-{key}-row-{row.code}",
                        options=[
                            OptionView(
                                id=f"{bound.auto_id}_{index}",
                                name=row_name,
                                value=choice.code,
                                label=f"{row.label}: {choice.label}",
                                checked=current is not None and str(current) == choice.code,
                            )
                            for index, choice in enumerate(scale)
                        ],
                        errors=[
                            _row_message(row.label, error) for error in self._field_errors(row_name)
                        ],
                        error_id=f"q-{key}-row-{row.code}-error",
                    )
                )
        else:
            value = self[name].value()
            view.value = "" if value is None else str(value)
            if question.kind in {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}:
                view.max_length = self.fields[name].max_length
            else:
                view.unit = _option(question, "unit") or (
                    "%" if question.kind == Question.Kind.PERCENTAGE else ""
                )
                view.format_hint = _format_hint(question)
                view.widget_attrs = dict(self.fields[name].widget.attrs)
        return view

    def question_views(self) -> list[QuestionView]:
        return [self.question_view(question.key) for question in self.questions]

    @property
    def error_summary(self) -> list[ErrorLink]:
        """Every problem of a bound form, in question order, linked to its first control."""
        if not self.is_bound or not self.errors:
            return []
        links = []
        for question in self.questions:
            rows = {question.key + ROW_SEPARATOR + row.code: row.label for row in _rows(question)}
            for name in self.field_names[question.key]:
                for error in self.errors.get(name, []):
                    if name in rows and question.kind == Question.Kind.MATRIX:
                        error = _row_message(rows[name], error)
                    bound = self[name]
                    widget = self.fields[name].widget
                    anchor = bound.auto_id
                    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                        anchor = f"{anchor}_0"
                    links.append(ErrorLink(anchor=anchor, question=question.text, message=error))
        return links


def build_section_form(
    *,
    section: Section,
    organisation_kind: str | None,
    answers: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
    mode: Mode = DRAFT,
    questionnaire: Questionnaire | None = None,
) -> SectionForm:
    """The form of one section for an organisation kind, with its answers so far.

    `answers` maps question keys of the whole wave (conditions may refer to other sections) to
    `Answer` rows or stored values. Without `questionnaire` the wave is loaded (4 queries).
    """
    questionnaire = questionnaire or Questionnaire.load(section.wave_id)
    return SectionForm(
        data,
        questionnaire=questionnaire,
        section=section,
        organisation_kind=organisation_kind,
        answers=answers,
        mode=mode,
    )


def answers_as_data(form: SectionForm) -> dict[str, Any]:
    """POST-like data that reproduces the stored answers of an unbound form's questions."""
    data: dict[str, Any] = {}
    for question in form.questions:
        for name in form.field_names[question.key]:
            value = form.initial.get(name)
            if value is None or value == "" or value == []:
                continue
            data[name] = value
    return data


def check_section_answers(
    *,
    section: Section,
    organisation_kind: str | None,
    answers: Mapping[str, Any],
    questionnaire: Questionnaire | None = None,
) -> SectionForm:
    """The section's stored answers validated in SUBMIT mode (is_valid(): complete and valid)."""
    questionnaire = questionnaire or Questionnaire.load(section.wave_id)
    unbound = build_section_form(
        section=section,
        organisation_kind=organisation_kind,
        answers=answers,
        questionnaire=questionnaire,
    )
    return build_section_form(
        section=section,
        organisation_kind=organisation_kind,
        answers=answers,
        data=answers_as_data(unbound),
        mode=SUBMIT,
        questionnaire=questionnaire,
    )


def format_answer(question: Question, value: Any, other_text: str = "") -> str:
    """A stored answer as text for receipts, reviews and conflict screens ("" if unanswered)."""
    if not is_answered(value):
        return ""
    kind = question.kind
    if kind == Question.Kind.SINGLE_CHOICE:
        label = _choice_label(question, value)
        return f"{label}: {other_text}" if other_text else label
    if kind == Question.Kind.MULTIPLE_CHOICE:
        parts = []
        for code in value if isinstance(value, list) else [value]:
            label = _choice_label(question, code)
            other = _other_choice(question)
            parts.append(
                f"{label}: {other_text}" if other and other.code == code and other_text else label
            )
        return "; ".join(parts)
    if kind == Question.Kind.MATRIX:
        scale = {choice.code: choice.label for choice in _choices(question)}
        return "; ".join(
            f"{row.label}: {scale.get(value[row.code], value[row.code])}"
            for row in _rows(question)
            if isinstance(value, dict) and row.code in value
        )
    if kind == Question.Kind.RATING:
        return _("%(value)s av %(max)s") % {"value": value, "max": rating_scale(question).stop - 1}
    if kind in {Question.Kind.INTEGER, Question.Kind.DECIMAL}:
        unit = _option(question, "unit")
        text = format_number(question, value)
        return f"{text}\u00a0{unit}" if unit else text
    if kind == Question.Kind.PERCENTAGE:
        return numbers.format_percentage(value)
    return str(value)
