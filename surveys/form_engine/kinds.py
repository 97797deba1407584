"""Question kinds: a table that maps each kind to the functions that build its fields, show a
stored answer in them and turn cleaned field values back into the stored shape."""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys import numbers
from surveys.models import Choice, MatrixRow, Question

OTHER_SUFFIX = "__other"
ROW_SEPARATOR = "__"
OTHER_TEXT_MAX_LENGTH = 500
DEFAULT_MAX_LENGTH = {Question.Kind.SHORT_TEXT: 500, Question.Kind.LONG_TEXT: 5000}


def question_option(question: Question, name: str, default: Any = None) -> Any:
    return (question.options or {}).get(name, default)


def _int_option(question: Question, name: str, default: int) -> int:
    value = question_option(question, name)
    try:
        return default if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return default


def _decimal_option(question: Question, name: str) -> Decimal | None:
    return numbers.to_decimal(question_option(question, name))


def choices_of(question: Question) -> list[Choice]:
    # Prefetched by Questionnaire.load; a plain Question falls back to a query.
    if hasattr(question, "choice_list"):
        return question.choice_list
    return list(question.choices.order_by("position", "pk"))


def rows_of(question: Question) -> list[MatrixRow]:
    if question.kind != Question.Kind.MATRIX:
        return []
    if hasattr(question, "row_list"):
        return question.row_list
    return list(question.rows.order_by("position", "pk"))


def other_choice(question: Question) -> Choice | None:
    return next((choice for choice in choices_of(question) if choice.is_other), None)


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
    return _int_option(question, "decimals", default)


def rating_scale(question: Question) -> range:
    return range(_int_option(question, "min", 1), _int_option(question, "max", 6) + 1)


def format_number(question: Question, value: Any) -> str:
    """A stored number of a number question, formatted the Norwegian way (no unit)."""
    if question.kind == Question.Kind.INTEGER:
        return numbers.format_integer(value)
    return numbers.format_decimal(value)


def _unit_parts(question: Question) -> tuple[str, str]:
    """A unit as a suffix to a limit ("0 %"), or as a sentence of its own when the unit is a
    scale that starts with a number ("1000 kr"): "0 1000 kr or more" does not read."""
    unit = question_option(question, "unit") or (
        "%" if question.kind == Question.Kind.PERCENTAGE else ""
    )
    if not unit:
        return "", ""
    scale = re.match(r"(\d+)(.*)", unit)
    if scale:
        readable = numbers.format_integer(int(scale.group(1))) + scale.group(2)
        return "", _("Oppgi svaret i %(unit)s.") % {"unit": readable}
    return f"\u00a0{unit}", ""


def _bounds_message(question: Question) -> str:
    low, high = number_bounds(question)
    suffix, unit_sentence = _unit_parts(question)
    if low is not None and high is not None:
        message = _("Skriv et tall fra %(min)s til %(max)s.") % {
            "min": numbers.format_decimal(low),
            "max": numbers.format_decimal(high) + suffix,
        }
    elif low is not None:
        message = _("Skriv et tall som er %(min)s eller mer.") % {
            "min": numbers.format_decimal(low) + suffix
        }
    elif high is not None:
        message = _("Skriv et tall som er %(max)s eller mindre.") % {
            "max": numbers.format_decimal(high) + suffix
        }
    else:
        return ""
    return f"{message} {unit_sentence}".strip()


def format_hint(question: Question) -> str:
    """What a number question expects: bounds and unit, for the text under its label."""
    parts = [_bounds_message(question)]
    unit = question_option(question, "unit")
    if unit and not parts[0] and question.kind != Question.Kind.PERCENTAGE:
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


class FixedChoices(BaseChoiceIterator):
    """(code, label) pairs that are already in the shape Django's choice fields normalise to.

    Django normalises a list of choices pair by pair, in the field and again in its widget,
    and every step runs an import that costs an AttributeError (django.db.models.enums has a
    module __getattr__): about 30 µs per field. A choice iterator is taken as it is (10 µs);
    a 100-question section builds some 80 choice fields on every GET and POST."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)


def _choice_field(question: Question, choices: Iterable[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=FixedChoices(choices),
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
        question.key: _choice_field(question, ((c.code, c.label) for c in choices_of(question)))
    }
    if other_choice(question):
        fields[question.key + OTHER_SUFFIX] = _other_field()
    return fields


def _build_multiple_choice(question: Question) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {
        question.key: forms.MultipleChoiceField(
            choices=FixedChoices((c.code, c.label) for c in choices_of(question)),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": gettext_lazy("Velg blant alternativene.")},
        )
    }
    if other_choice(question):
        fields[question.key + OTHER_SUFFIX] = _other_field()
    return fields


def _build_matrix(question: Question) -> dict[str, forms.Field]:
    scale = [(c.code, c.label) for c in choices_of(question)]
    return {
        question.key + ROW_SEPARATOR + row.code: _choice_field(question, scale)
        for row in rows_of(question)
    }


def _build_rating(question: Question) -> dict[str, forms.Field]:
    return {
        question.key: _choice_field(question, ((str(n), str(n)) for n in rating_scale(question)))
    }


def _build_number(question: Question) -> dict[str, forms.Field]:
    return {question.key: NorwegianNumberField(question=question)}


def _build_text(question: Question) -> dict[str, forms.Field]:
    max_length = _int_option(question, "max_length", DEFAULT_MAX_LENGTH[question.kind])
    if question.kind == Question.Kind.LONG_TEXT:
        widget: forms.Widget = forms.Textarea(attrs={"rows": 5})
    else:
        widget = forms.TextInput(attrs={"autocomplete": "off"})
    return {question.key: forms.CharField(required=False, max_length=max_length, widget=widget)}


def _initial_choice(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    initial: dict[str, Any] = {question.key: value}
    if other_choice(question):
        initial[question.key + OTHER_SUFFIX] = other_text
    return initial


def _initial_multiple(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    codes = value if isinstance(value, list) else ([] if value is None else [value])
    return _initial_choice(question, [str(code) for code in codes], other_text)


def _initial_matrix(question: Question, value: Any, other_text: str) -> dict[str, Any]:
    value = value if isinstance(value, dict) else {}
    return {
        question.key + ROW_SEPARATOR + row.code: value.get(row.code) for row in rows_of(question)
    }


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
    codes = [choice.code for choice in choices_of(question) if choice.code in chosen]
    return codes or None


def _value_matrix(question: Question, cleaned: Mapping[str, Any]) -> Any:
    value = {
        row.code: cleaned[question.key + ROW_SEPARATOR + row.code]
        for row in rows_of(question)
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
        _build_single_choice, _initial_choice, _value_single, "form_engine/single_choice.html"
    ),
    K.MULTIPLE_CHOICE: KindSpec(
        _build_multiple_choice,
        _initial_multiple,
        _value_multiple,
        "form_engine/multiple_choice.html",
    ),
    K.MATRIX: KindSpec(_build_matrix, _initial_matrix, _value_matrix, "form_engine/matrix.html"),
    K.RATING: KindSpec(_build_rating, _initial_rating, _value_rating, "form_engine/rating.html"),
    K.INTEGER: KindSpec(_build_number, _initial_number, _value_integer, "form_engine/number.html"),
    K.DECIMAL: KindSpec(_build_number, _initial_number, _value_decimal, "form_engine/number.html"),
    K.PERCENTAGE: KindSpec(
        _build_number, _initial_number, _value_decimal, "form_engine/number.html"
    ),
    K.SHORT_TEXT: KindSpec(_build_text, _initial_text, _value_text, "form_engine/text.html"),
    K.LONG_TEXT: KindSpec(_build_text, _initial_text, _value_text, "form_engine/text.html"),
}
