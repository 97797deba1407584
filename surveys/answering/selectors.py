"""Report-shaped reads for the respondent pages: progress per section, problems, the receipt.

Everything here reads a constant number of queries whatever the size of the questionnaire:
the wave's sections, its questions with their choices and matrix rows, and the answers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from municipalities.models import Organisation
from surveys.conditions import Visibility, resolve_visibility
from surveys.form_engine import (
    ErrorLink,
    Questionnaire,
    answers_by_key,
    check_section_answers,
    format_answer,
)
from surveys.models import AccessToken, Answer, AnswerSet, Question, Section, Wave


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


@dataclass
class QuestionItem:
    question: Question
    answer: Answer | None
    visible: bool
    valid: bool = True
    # Filled by `answer_authors`: who last changed the answer.
    author: str = ""

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value not in (None, "", [], {})

    @property
    def missing(self) -> bool:
        """Required and visible, but unanswered (or a matrix with rows left)."""
        if not (self.visible and self.question.required):
            return False
        if not self.answered:
            return True
        if self.question.kind == Question.Kind.MATRIX and isinstance(self.answer.value, dict):
            return any(row.code not in self.answer.value for row in self.question.row_list)
        return False

    @property
    def display(self) -> str:
        if self.answer is None:
            return ""
        return format_answer(self.question, self.answer.value, self.answer.other_text)


@dataclass
class SectionProgress:
    section: Section
    position: int
    items: list[QuestionItem] = field(default_factory=list)
    visible: bool = True
    applies: bool = True
    # Runs the engine's submit check on first use of `state`, `problems`, `invalid` or an
    # item's `valid`: it builds and validates a form per started section, and the section
    # pages (where most requests go) never show its result (benchmarks/RESULTS.md).
    check: Callable[[SectionProgress], None] | None = field(default=None, repr=False)
    _state: str = SectionState.NOT_STARTED
    # The engine's submit check of the stored answers: one link per problem.
    _problems: list[ErrorLink] = field(default_factory=list)

    def run_check(self) -> None:
        if self.check is not None:
            check, self.check = self.check, None
            check(self)

    @property
    def state(self) -> str:
        self.run_check()
        return self._state

    @property
    def problems(self) -> list[ErrorLink]:
        self.run_check()
        return self._problems

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
        self.run_check()
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
    questionnaire: Questionnaire | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    # What the stored answers show (conditions resolved over the whole wave).
    visibility: Visibility | None = None

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

    @property
    def problems(self) -> list[tuple[SectionProgress, ErrorLink]]:
        """Everything that stops a submit, per section, as the engine's error links."""
        return [(s, problem) for s in self.visible_sections for problem in s.problems]

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


def response_progress(
    *,
    wave: Wave,
    organisation: Organisation,
    answer_set: AnswerSet | None,
    show_missing: bool = False,
    questionnaire: Questionnaire | None = None,
) -> ResponseProgress:
    """Every section with its state, questions and problems; 5 queries whatever the size.

    Validity comes from the form engine: each started or required section's stored answers
    are checked as a submit would check them, so the overview and the submit never disagree.
    """
    kind = organisation.kind
    questionnaire = questionnaire or Questionnaire.for_wave(wave)
    answers = answers_by_key(answer_set, questionnaire)
    visibility = resolve_visibility(
        questionnaire.sections,
        questionnaire.questions,
        organisation_kind=kind,
        answers={key: answer.value for key, answer in answers.items()},
    )
    progress = []
    position = 0
    for section in questionnaire.sections:
        applies = section.applies_to_kind(kind)
        section_visible = visibility.section_is_visible(section.key)
        if section_visible:
            position += 1
        entry = SectionProgress(
            section=section, position=position, visible=section_visible, applies=applies
        )
        for question in section.question_list:
            if not question.applies_to_kind(kind):
                continue
            entry.items.append(
                QuestionItem(
                    question=question,
                    answer=answers.get(question.key),
                    visible=section_visible and visibility.question_is_visible(question.key),
                )
            )
        entry.check = functools.partial(
            _check_section,
            kind=kind,
            answers=answers,
            questionnaire=questionnaire,
            show_missing=show_missing,
            visibility=visibility,
        )
        progress.append(entry)
    return ResponseProgress(
        wave=wave,
        organisation=organisation,
        answer_set=answer_set,
        sections=progress,
        questionnaire=questionnaire,
        answers=answers,
        visibility=visibility,
    )


def _check_section(
    entry: SectionProgress,
    *,
    kind: str,
    answers: dict[str, Answer],
    questionnaire: Questionnaire,
    show_missing: bool,
    visibility: Visibility,
) -> None:
    """The submit check of one section's stored answers: problems, valid items, state."""
    if entry.visible and (
        entry.answered_count or any(item.question.required for item in entry.visible_items)
    ):
        checked = check_section_answers(
            section=entry.section,
            organisation_kind=kind,
            answers=answers,
            questionnaire=questionnaire,
            stored_visibility=visibility,
        )
        checked.is_valid()
        entry._problems = checked.error_summary
        for item in entry.items:
            # A stored answer the engine rejects (not merely a required one left empty).
            item.valid = (
                not item.answered or item.missing or item.question.key not in checked.invalid_keys
            )
    entry._state = _section_state(entry, show_missing=show_missing)


def _section_state(entry: SectionProgress, *, show_missing: bool) -> str:
    if entry.invalid or (show_missing and entry.problems):
        return SectionState.HAS_PROBLEMS
    answered = entry.answered_count
    if answered == 0:
        return SectionState.NOT_STARTED
    if entry.missing or entry.problems:
        return SectionState.IN_PROGRESS
    has_required = any(item.question.required for item in entry.visible_items)
    if not has_required and answered < entry.question_count:
        return SectionState.IN_PROGRESS
    return SectionState.COMPLETE


def answer_authors(progress: ResponseProgress) -> None:
    """Set `author` on every answered item: who last changed it (1 query)."""
    from municipalities.models import Contact

    ids = {answer.changed_by_id for answer in progress.answers.values() if answer.changed_by_id}
    names = {
        contact.pk: contact.name or contact.email
        for contact in Contact.objects.filter(pk__in=ids).only("pk", "name", "email")
    }
    for section in progress.sections:
        for item in section.items:
            if item.answer is not None:
                item.author = names.get(item.answer.changed_by_id, "")


# --- What a respondent session may read elsewhere ------------------------------------------------

# Where the respondent session keeps its grants (written by the respondent views).
RESPONDENT_SESSION_KEY = "respondent"


@dataclass(frozen=True)
class SessionGrant:
    """A respondent session's still valid link to one organisation in one wave."""

    wave: Wave
    organisation: Organisation


def session_grant_for(request, wave_slug: str, number: str) -> SessionGrant | None:
    """The wave and organisation the request's respondent session holds a usable link for
    (its link not revoked, its contact active), or None. Reads only: pages outside answering
    (an organisation's report) check access with it without creating an answer set."""
    data = request.session.get(RESPONDENT_SESSION_KEY)
    grants = data.get("grants") if isinstance(data, dict) else None
    grant = next(
        (
            g
            for g in grants or []
            if isinstance(g, dict) and (g.get("slug"), g.get("number")) == (wave_slug, number)
        ),
        None,
    )
    if grant is None:
        return None
    token = (
        AccessToken.objects.usable()
        .select_related("wave__edition", "contact__organisation__county")
        .filter(pk=grant.get("token"), wave__slug=wave_slug)
        .order_by()
        .first()
    )
    if token is None or token.contact.organisation.number != number:
        return None
    return SessionGrant(wave=token.wave, organisation=token.contact.organisation)
