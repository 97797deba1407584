"""The section form: fields from the kinds table, draft and submit validation, conditions."""

import json
from collections.abc import Mapping
from typing import Any, Literal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import forms
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from surveys.conditions import (
    Visibility,
    condition_question,
    is_answered,
    resolve_visibility,
)
from surveys.form_engine.kinds import (
    KINDS,
    OTHER_SUFFIX,
    ROW_SEPARATOR,
    choices_of,
    format_hint,
    other_choice,
    question_option,
    rating_scale,
    rows_of,
)
from surveys.form_engine.loading import AnswerValue, Questionnaire, split_answers
from surveys.form_engine.rendering import (
    ErrorLink,
    MatrixRowView,
    OptionView,
    OtherView,
    QuestionBlocks,
    QuestionView,
    condition_hint,
    quoted,
    row_message,
)
from surveys.models import Question, Section

Mode = Literal["draft", "submit"]
DRAFT: Mode = "draft"
SUBMIT: Mode = "submit"


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
        stored_visibility: Visibility | None = None,
    ) -> None:
        if mode not in (DRAFT, SUBMIT):
            raise ValueError(f"Unknown mode {mode!r}")
        super().__init__(data=data)
        self.questionnaire = questionnaire
        self.section = questionnaire.section(section.key)
        self.organisation_kind = organisation_kind
        self.mode = mode
        self.stored_values, self.stored_other = split_answers(answers)
        # What the stored answers show; a caller that resolved it for the same answers and
        # organisation kind (the respondent progress) passes it in.
        if stored_visibility is None:
            stored_visibility = resolve_visibility(
                questionnaire.sections,
                questionnaire.questions,
                organisation_kind=organisation_kind,
                answers=self.stored_values,
            )
        self.stored_visibility: Visibility = stored_visibility
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
        # Wave-wide: after cleaning, what the submitted answers hide in *other* sections too.
        self.visibility: Visibility = self.stored_visibility
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.include_media = False
        self.helper.layout = Layout(QuestionBlocks())

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

    def questions_html(self) -> SafeString:
        """The questions as crispy renders its layout, whitespace pass included, without
        crispy's form template: this form has no tag, buttons or non-field errors of its
        own, and the template cost 1-2 ms on a 100-question page (benchmarks/RESULTS.md)."""
        html = self.helper.render_layout(self, Context())
        return mark_safe(remove_spaces(html.strip()))

    @property
    def has_required(self) -> bool:
        return any(question.required for question in self.questions)

    def depends_on_page(self, question: Question) -> Question | None:
        """The question on this page that `question`'s condition refers to, if any."""
        key = condition_question(question.condition)
        return self._by_key.get(key) if key else None

    # -- validation ---------------------------------------------------------------------------

    def _clean_fields(self) -> None:
        super()._clean_fields()
        # A field that takes one answer but was posted several (q=ja&q=nei) is an error: the
        # last value must not win silently.
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False):
                continue
            if len(getlist(self.add_prefix(name))) > 1:
                self.add_error(name, _("Velg bare ett svar her."))

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

        # Conditions see the submitted answers where they are valid and the stored answers
        # otherwise: a typo in a draft must not hide (and so delete) the questions after it.
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
        self.visibility = visibility

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

    @property
    def changed_keys(self) -> frozenset[str]:
        """Keys of `valid_answers` that differ from the answers the form was built with."""
        return frozenset(
            key
            for key, answer in self.valid_answers.items()
            if answer.value != self.stored_values.get(key)
            or answer.other_text != self.stored_other.get(key, "")
        )

    def _question_has_errors(self, question: Question) -> bool:
        return any(name in self._errors for name in self.field_names[question.key])

    def _clean_other(self, question: Question, cleaned: Mapping[str, Any], value: Any) -> str:
        """Exclusive options and the "Annet, spesifiser" text; returns the text to keep."""
        choices = choices_of(question)
        if question.kind == Question.Kind.MULTIPLE_CHOICE and value and len(value) > 1:
            exclusive = [c for c in choices if c.exclusive and c.code in value]
            if exclusive:
                self.add_error(
                    question.key,
                    _(
                        "%(choice)s kan ikke kombineres med andre svar. Fjern enten "
                        "%(choice)s eller de andre kryssene."
                    )
                    % {"choice": quoted(exclusive[0].label)},
                )
                return ""
        other = other_choice(question)
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
                _("Skriv hva %(choice)s gjelder.") % {"choice": quoted(other.label)},
            )
        return text

    def _check_required(self, question: Question, page_values: Mapping[str, AnswerValue]) -> None:
        answer = page_values.get(question.key)
        value = answer.value if answer else None
        if question.kind == Question.Kind.MATRIX:
            answered = value or {}
            for row in rows_of(question):
                if row.code not in answered:
                    self.add_error(
                        question.key + ROW_SEPARATOR + row.code,
                        _("Velg et svar for %(row)s.") % {"row": quoted(row.label)},
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
            scale = rating_scale(question)
            label = _("%(value)s av %(max)s stjerner")
            for index, number in enumerate(scale):
                views.append(
                    OptionView(
                        id=f"{auto_id}_{index}",
                        name=name,
                        value=str(number),
                        label=label % {"value": number, "max": scale.stop - 1},
                        checked=str(number) in selected,
                    )
                )
            return views
        for index, choice in enumerate(choices_of(question)):
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
            template=KINDS[question.kind].template,
        )
        source = self.depends_on_page(question)
        if source is not None:
            view.condition_json = json.dumps(question.condition, ensure_ascii=False)
            view.condition_hint = condition_hint(question.condition, source)

        if question.kind in {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}:
            self._add_choices(view, question)
        elif question.kind == Question.Kind.RATING:
            view.options = self._options(question, name, self[name].value())
            labels = question_option(question, "labels") or {}
            view.min_label = labels.get("min_label", "")
            view.max_label = labels.get("max_label", "")
        elif question.kind == Question.Kind.MATRIX:
            self._add_matrix(view, question)
        else:
            self._add_value(view, question)
        return view

    def _add_choices(self, view: QuestionView, question: Question) -> None:
        """The options of a single or multiple choice, and its "other" text box if any."""
        name, key = question.key, view.key
        view.options = self._options(question, name, self[name].value())
        other = other_choice(question)
        if other is None:
            return
        other_name = name + OTHER_SUFFIX
        other_option = next(o for o in view.options if o.is_other)
        view.other = OtherView(
            id=self[other_name].auto_id,
            name=other_name,
            value=self[other_name].value() or "",
            label=_("Spesifiser %(choice)s") % {"choice": quoted(other.label)},
            for_option_id=other_option.id,
            errors=self._field_errors(other_name),
            error_id=f"q-{key}-other-error",
        )

    def _add_matrix(self, view: QuestionView, question: Question) -> None:
        """A matrix's scale (the columns) and one row of options per statement."""
        name, key = question.key, view.key
        scale = choices_of(question)
        view.scale = [(choice.code, choice.label, f"q-{key}-col-{choice.code}") for choice in scale]
        for row in rows_of(question):
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
                        row_message(row.label, error) for error in self._field_errors(row_name)
                    ],
                    error_id=f"q-{key}-row-{row.code}-error",
                )
            )

    def _add_value(self, view: QuestionView, question: Question) -> None:
        """A text or number box: its current value, length limit or unit and format hint."""
        name = question.key
        value = self[name].value()
        view.value = "" if value is None else str(value)
        if question.kind in {Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT}:
            view.max_length = self.fields[name].max_length
            return
        view.unit = question_option(question, "unit") or (
            "%" if question.kind == Question.Kind.PERCENTAGE else ""
        )
        view.format_hint = format_hint(question)
        view.widget_attrs = dict(self.fields[name].widget.attrs)

    def question_views(self) -> list[QuestionView]:
        return [self.question_view(question.key) for question in self.questions]

    @property
    def error_summary(self) -> list[ErrorLink]:
        """Every problem of a bound form, in question order, linked to its first control."""
        if not self.is_bound or not self.errors:
            return []
        links = []
        for question in self.questions:
            rows = {question.key + ROW_SEPARATOR + row.code: row.label for row in rows_of(question)}
            for name in self.field_names[question.key]:
                for error in self.errors.get(name, []):
                    if name in rows and question.kind == Question.Kind.MATRIX:
                        error = row_message(rows[name], error)
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
    stored_visibility: Visibility | None = None,
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
        stored_visibility=stored_visibility,
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
    stored_visibility: Visibility | None = None,
) -> SectionForm:
    """The section's stored answers validated in SUBMIT mode (is_valid(): complete and valid)."""
    questionnaire = questionnaire or Questionnaire.load(section.wave_id)
    form = build_section_form(
        section=section,
        organisation_kind=organisation_kind,
        answers=answers,
        data={},
        mode=SUBMIT,
        questionnaire=questionnaire,
        stored_visibility=stored_visibility,
    )
    # The questions, fields and initial values depend only on the stored answers, not on the
    # data: one form can post its own initial values (half the work of building an unbound
    # form first; this runs for every started section on every respondent page).
    form.data = answers_as_data(form)
    return form
