"""Loading a wave's questionnaire and an answer set's answers in a constant number of queries."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from surveys.models import Answer, AnswerSet, Choice, MatrixRow, Question, Section, Wave


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


def split_answers(answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
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
