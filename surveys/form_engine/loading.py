"""Loading a wave's questionnaire and an answer set's answers in a constant number of queries."""

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import translation

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

# Loaded questionnaires kept per process, keyed by wave id and language and checked against
# `Wave.definition_token`.
CACHED_WAVES = 16
_cache: "OrderedDict[tuple[int, str], tuple[str, Questionnaire]]" = OrderedDict()
SOURCE_LANGUAGE = "nb"
QUESTIONNAIRE_LANGUAGES = ("nb", "nn", "en")


def questionnaire_language(language: str | None = None) -> str:
    """The questionnaire language for an interface language (the active one by default):
    nb, nn or en; anything else reads bokmål."""
    language = (language or translation.get_language() or SOURCE_LANGUAGE).split("-")[0]
    return language if language in QUESTIONNAIRE_LANGUAGES else SOURCE_LANGUAGE


def apply_language(sections: list[Section], language: str) -> None:
    """Put the `language` version of every text in place of the bokmål one, text by text
    (a text without a translation stays in bokmål). For freshly loaded instances only."""
    if language == SOURCE_LANGUAGE:
        return
    for section in sections:
        section.title = section.translated("title", language)
        section.intro = section.translated("intro", language)
        for question in section.question_list:
            question.text = question.translated("text", language)
            question.help_text = question.translated("help_text", language)
            options = dict(question.options or {})
            if options.get("unit"):
                options["unit"] = question.translated("unit", language)
            if options.get("labels"):
                options["labels"] = {
                    name: question.translated(name, language) for name in options["labels"]
                }
            question.options = options
            for item in (*question.choice_list, *question.row_list):
                item.label = item.translated("label", language)


_cache_lock = threading.Lock()


@dataclass
class Questionnaire:
    """A wave's sections and questions with choices and rows, loaded in 4 queries.

    Each section gets `question_list`; each question `choice_list` and `row_list` (ordered).
    """

    wave_id: int
    sections: list[Section]
    language: str = SOURCE_LANGUAGE

    @classmethod
    def load(cls, wave: Wave | int, *, language: str = SOURCE_LANGUAGE) -> "Questionnaire":
        """The questionnaire with its texts in `language` (nb, nn or en; bokmål by default),
        each falling back to bokmål."""
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
        apply_language(sections, language)
        return cls(wave_id=wave_id, sections=sections, language=language)

    @classmethod
    def for_wave(cls, wave: Wave, *, language: str | None = None) -> "Questionnaire":
        """`load` in `language` (the active interface language by default), served from this
        process's cache while the wave's definition is unchanged.

        0 queries on a hit: the caller's Wave row carries the current `definition_token`
        (read with it, in the same request). The result is shared between requests and
        threads: treat its sections, questions, choices and rows as read-only.
        """
        language = questionnaire_language(language)
        cache_key = (wave.pk, language)
        with _cache_lock:
            hit = _cache.get(cache_key)
            if hit is not None and hit[0] == wave.definition_token:
                _cache.move_to_end(cache_key)
                return hit[1]
        questionnaire = cls.load(wave.pk, language=language)
        with _cache_lock:
            _cache[cache_key] = (wave.definition_token, questionnaire)
            _cache.move_to_end(cache_key)
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
