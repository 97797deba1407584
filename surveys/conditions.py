"""Conditions (`show_if`) on questions and sections, and which questions an organisation sees.

A condition names an earlier question and one test (docs/questionnaire-format.md):

    {"question": "ekommuneplan", "equals": "nei"}
    {"question": "ekommuneplan", "in": ["nei", "vet_ikke"]}
    {"question": "samarbeid_omrader", "includes": "ikt_drift"}
    {"question": "antall_ansatte", "answered": true}

`answers` always maps a question key to its stored value (the `Answer.value` shape: a code, a
list of codes, a {row: code} dict, an int, a decimal string or a text). Absent keys and empty
values mean "not answered".

Conditions chain: a question whose condition refers to a hidden question is evaluated as if
that question had no answer, because the server drops answers to hidden questions. The whole
wave is therefore resolved in questionnaire order (`resolve_visibility`): a condition may refer
to a question in an earlier section.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from surveys.models import Question, Section

OPERATORS = ("equals", "in", "includes", "answered")


def is_answered(value: object) -> bool:
    """Whether a stored value counts as an answer (None, "", [] and {} do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | dict):
        return len(value) > 0
    return True


def _same(left: object, right: object) -> bool:
    """Equality of a stored value and a condition operand; numbers compare by value."""
    if left == right:
        return True
    if isinstance(left, bool) or isinstance(right, bool) or left is None or right is None:
        return False
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        return False
    try:
        return Decimal(str(left)) == Decimal(str(right))
    except InvalidOperation:
        return str(left) == str(right)


def _as_list(operand: object) -> list[object]:
    return list(operand) if isinstance(operand, list | tuple | set) else [operand]


def condition_is_met(condition: Mapping[str, object] | None, answers: Mapping[str, object]) -> bool:
    """Whether a `show_if` condition holds for these answers (no condition always holds).

    equals: the answer is exactly this value (a multiple choice answer: exactly this one code).
    in: the answer is one of these values (a multiple choice answer: contains any of them).
    includes: a multiple choice answer contains this code (or any of these codes).
    answered: true when the question has an answer; false when it has none.
    """
    if not condition:
        return True
    key = condition.get("question")
    operators = [name for name in OPERATORS if name in condition]
    if not isinstance(key, str) or len(operators) != 1:
        raise ValueError(f"Malformed condition {dict(condition)!r}: need 'question' and one test")
    operator = operators[0]
    operand = condition[operator]
    value = answers.get(key)

    if operator == "answered":
        return is_answered(value) == bool(operand)
    if not is_answered(value):
        return False
    if operator == "equals":
        if isinstance(value, list):
            return len(value) == 1 and _same(value[0], operand)
        return _same(value, operand)
    if operator == "in":
        options = _as_list(operand)
        values = value if isinstance(value, list) else [value]
        return any(_same(item, option) for item in values for option in options)
    # includes
    if not isinstance(value, list):
        value = [value]
    return any(_same(item, option) for item in value for option in _as_list(operand))


def condition_question(condition: Mapping[str, object] | None) -> str | None:
    """The key of the question a condition depends on."""
    if not condition:
        return None
    key = condition.get("question")
    return key if isinstance(key, str) else None


@dataclass(frozen=True)
class Visibility:
    """Which sections and questions of a wave an organisation sees, given its answers."""

    hidden_sections: frozenset[str] = field(default_factory=frozenset)
    hidden_questions: frozenset[str] = field(default_factory=frozenset)
    # Only the answers of visible questions: what conditions further on are evaluated against.
    effective_answers: Mapping[str, object] = field(default_factory=dict)

    def section_is_visible(self, key: str) -> bool:
        return key not in self.hidden_sections

    def question_is_visible(self, key: str) -> bool:
        return key not in self.hidden_questions


def _applies(item: Section | Question, organisation_kind: str | None) -> bool:
    # None: every kind (the staff preview without a chosen kind).
    return organisation_kind is None or item.applies_to_kind(organisation_kind)


def resolve_visibility(
    sections: Iterable[Section],
    questions: Iterable[Question],
    *,
    organisation_kind: str | None,
    answers: Mapping[str, object],
) -> Visibility:
    """Resolve every condition of a wave in questionnaire order.

    `sections` and `questions` are the wave's, in order (section position, then question
    position); questions are matched to sections by `section_id`. A section is hidden when it
    does not apply to the organisation kind or its condition fails; a question is hidden when
    its section is hidden, it does not apply, or its condition fails on the answers of the
    questions visible before it.
    """
    section_list = list(sections)
    by_section: dict[int, list[Question]] = {section.pk: [] for section in section_list}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)

    effective: dict[str, object] = {}
    hidden_sections: set[str] = set()
    hidden_questions: set[str] = set()
    for section in section_list:
        section_visible = _applies(section, organisation_kind) and condition_is_met(
            section.condition, effective
        )
        if not section_visible:
            hidden_sections.add(section.key)
        for question in by_section.get(section.pk, []):
            visible = (
                section_visible
                and _applies(question, organisation_kind)
                and condition_is_met(question.condition, effective)
            )
            if visible:
                if question.key in answers:
                    effective[question.key] = answers[question.key]
            else:
                hidden_questions.add(question.key)
    return Visibility(
        hidden_sections=frozenset(hidden_sections),
        hidden_questions=frozenset(hidden_questions),
        effective_answers=effective,
    )


def section_is_visible(
    section: Section, *, organisation_kind: str | None, answers: Mapping[str, object]
) -> bool:
    """Whether a section applies to the organisation kind and its condition holds.

    `answers` should already exclude answers to hidden questions (see `resolve_visibility`
    for the chained, whole-wave version).
    """
    return _applies(section, organisation_kind) and condition_is_met(section.condition, answers)


def visible_questions(
    questions: Iterable[Question],
    *,
    organisation_kind: str | None,
    answers: Mapping[str, object],
    section: Section | None = None,
) -> list[Question]:
    """The questions (in the given order) an organisation of this kind sees.

    Applies `applies_to` and conditions, chained: the answer of a hidden question counts as
    absent for the questions after it. With `section`, the section's own `applies_to` and
    condition apply too (a hidden section shows no questions). Conditions on questions not in
    `questions` are evaluated against `answers` as given.
    """
    if section is not None and not section_is_visible(
        section, organisation_kind=organisation_kind, answers=answers
    ):
        return []
    question_list = list(questions)
    own_keys = {question.key for question in question_list}
    effective = {key: value for key, value in answers.items() if key not in own_keys}
    result = []
    for question in question_list:
        if _applies(question, organisation_kind) and condition_is_met(
            question.condition, effective
        ):
            result.append(question)
            if question.key in answers:
                effective[question.key] = answers[question.key]
    return result
