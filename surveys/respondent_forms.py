"""The respondent pages' seam to the form engine: build a section form, read what validated.

INTERIM: a minimal builder until surveys/form_engine.py (branch form-engine) is merged; after
the merge these functions delegate to the engine and the interim code goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import Organisation

from .models import Question, Section
from .selectors import condition_met
from .services import AnswerValue


class SectionForm(forms.Form):
    def __init__(self, *args: Any, questions: list[Question], mode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.mode = mode
        for question in questions:
            for name, field in _fields_for(question, required=mode == "submit"):
                self.fields[name] = field

    def valid_answers(self) -> dict[str, AnswerValue]:
        result: dict[str, AnswerValue] = {}
        cleaned = getattr(self, "cleaned_data", {})
        for question in self.questions:
            key = question.key
            if question.kind == Question.Kind.MATRIX:
                names = [f"{key}__{row.code}" for row in question.rows.all()]
                if any(name in self.errors for name in names):
                    continue
                value = {
                    row.code: cleaned[f"{key}__{row.code}"]
                    for row in question.rows.all()
                    if cleaned.get(f"{key}__{row.code}")
                }
                result[key] = (value or None, "")
                continue
            if key in self.errors or key not in cleaned:
                continue
            value = cleaned[key]
            if isinstance(value, Decimal):
                value = str(value)
            result[key] = (
                value if value not in ("", []) else None,
                cleaned.get(f"{key}__other", ""),
            )
        return result


def _fields_for(question: Question, *, required: bool) -> list[tuple[str, forms.Field]]:
    kind = question.kind
    label = question.text
    common = {
        "label": label,
        "help_text": question.help_text,
        "required": required and question.required,
    }
    choices = [(c.code, c.label) for c in question.choices.all()]
    options = question.options or {}
    if kind == Question.Kind.SINGLE_CHOICE:
        return [
            (question.key, forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common))
        ]
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return [
            (
                question.key,
                forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                ),
            )
        ]
    if kind == Question.Kind.MATRIX:
        return [
            (
                f"{question.key}__{row.code}",
                forms.ChoiceField(
                    choices=choices,
                    widget=forms.RadioSelect,
                    label=f"{label} – {row.label}",
                    required=required and question.required,
                ),
            )
            for row in question.rows.all()
        ]
    if kind in {Question.Kind.RATING, Question.Kind.INTEGER}:
        low = options.get("min", 1 if kind == Question.Kind.RATING else None)
        high = options.get("max", 6 if kind == Question.Kind.RATING else None)
        return [(question.key, forms.IntegerField(min_value=low, max_value=high, **common))]
    if kind in {Question.Kind.DECIMAL, Question.Kind.PERCENTAGE}:
        low = 0 if kind == Question.Kind.PERCENTAGE else options.get("min")
        high = 100 if kind == Question.Kind.PERCENTAGE else options.get("max")
        return [(question.key, forms.DecimalField(min_value=low, max_value=high, **common))]
    max_length = options.get("max_length", 500 if kind == Question.Kind.SHORT_TEXT else 5000)
    widget = forms.Textarea if kind == Question.Kind.LONG_TEXT else forms.TextInput
    return [(question.key, forms.CharField(max_length=max_length, widget=widget, **common))]


def _initial(questions: list[Question], answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for question in questions:
        value, other = answers.get(question.key, (None, ""))
        if value is None:
            continue
        if question.kind == Question.Kind.MATRIX and isinstance(value, dict):
            for row, code in value.items():
                initial[f"{question.key}__{row}"] = code
        else:
            initial[question.key] = value
        if other:
            initial[f"{question.key}__other"] = other
    return initial


def build_form(
    *,
    section: Section,
    organisation: Organisation,
    answers: Mapping[str, AnswerValue],
    all_values: Mapping[str, Any],
    data: Any = None,
    mode: str = "draft",
) -> SectionForm:
    """The form for one section, bound to POST data or filled with the stored answers."""
    questions = [q for q in section.questions.all() if q.applies_to_kind(organisation.kind)]
    return SectionForm(
        data=data,
        initial=_initial(questions, answers),
        questions=questions,
        mode=mode,
    )


def hidden_keys(form: SectionForm, all_values: Mapping[str, Any]) -> set[str]:
    """Keys of the section's questions whose condition fails with the submitted answers."""
    values = dict(all_values)
    values.update({key: value for key, (value, _other) in form.valid_answers().items()})
    return {q.key for q in form.questions if not condition_met(q.condition, values)}


__all__ = ["InvalidOperation", "_"]


def anchor(question: Question) -> str:
    """The id of the first control of a question on its section page (error-summary links)."""
    if question.kind == Question.Kind.MATRIX:
        first = next(iter(question.rows.all()), None)
        return f"id_{question.key}__{first.code}_0" if first else f"id_{question.key}"
    if question.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}:
        return f"id_{question.key}_0"
    return f"id_{question.key}"
