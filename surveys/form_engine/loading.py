"""Loading a wave's questionnaire and an answer set's answers in a constant number of queries."""

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from surveys.models import (
    Answer,
    AnswerSet,
    Choice,
    MatrixRow,
    Question,
    Section,
    Wave,
    new_definition_token,
)

# Loaded questionnaires kept per process, keyed by wave id and `Wave.definition_token`.
CACHED_WAVES = 16
_cache: "OrderedDict[int, tuple[str, Questionnaire]]" = OrderedDict()
_cache_lock = threading.Lock()


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

    @classmethod
    def for_wave(cls, wave: Wave) -> "Questionnaire":
        """`load`, served from this process's cache while the wave's definition is unchanged.

        0 queries on a hit: the caller's Wave row carries the current `definition_token`
        (read with it, in the same request). The result is shared between requests and
        threads: treat its sections, questions, choices and rows as read-only.
        """
        with _cache_lock:
            hit = _cache.get(wave.pk)
            if hit is not None and hit[0] == wave.definition_token:
                _cache.move_to_end(wave.pk)
                return hit[1]
        questionnaire = cls.load(wave.pk)
        with _cache_lock:
            _cache[wave.pk] = (wave.definition_token, questionnaire)
            _cache.move_to_end(wave.pk)
            while len(_cache) > CACHED_WAVES:
                _cache.popitem(last=False)
        return questionnaire

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


def definition_changed(*, wave_id: int | None = None, question_id: int | None = None) -> str:
    """Give the wave (or the wave of a question) a new definition token: every process's
    cached copy of its questionnaire is then out of date. Call it after changing sections,
    questions, choices or rows without model signals (bulk_create, QuerySet.update)."""
    token = new_definition_token()
    if wave_id:
        waves = Wave.objects.filter(pk=wave_id)
    else:
        waves = Wave.objects.filter(questions=question_id)
    waves.update(definition_token=token)
    return token


def answers_by_key(
    answer_set: AnswerSet | None, questionnaire: "Questionnaire | None" = None
) -> dict[str, Answer]:
    """The answers of an answer set keyed by question key (1 query; {} without a set).

    With the questionnaire, each answer's `question` is the questionnaire's own instance
    (with its choices and rows) instead of a fresh one joined in.
    """
    if answer_set is None or answer_set.pk is None:
        return {}
    if questionnaire is None:
        answers = Answer.objects.filter(answer_set=answer_set).select_related("question")
        return {answer.question.key: answer for answer in answers}
    questions = {question.pk: question for question in questionnaire.questions}
    answers = list(Answer.objects.filter(answer_set=answer_set))
    unknown = {answer.question_id for answer in answers} - questions.keys()
    if unknown:  # questions added after this copy of the questionnaire was read (1 query)
        questions.update(Question.objects.in_bulk(unknown))
    keyed = {}
    for answer in answers:
        answer.question = questions[answer.question_id]
        keyed[answer.question.key] = answer
    return keyed


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
