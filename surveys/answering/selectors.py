"""Report-shaped reads for the respondent pages: progress per section, problems, the receipt.

Everything here reads a constant number of queries whatever the size of the questionnaire:
the wave's sections, its questions with their choices and matrix rows, and the answers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils.translation import gettext_lazy as _

from municipalities.models import Contact, Organisation
from surveys.conditions import Visibility, resolve_visibility
from surveys.form_engine import (
    ErrorLink,
    Questionnaire,
    answers_by_key,
    check_section_answers,
    format_answer,
)
from surveys.form_engine.kinds import choices_of, rows_of
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

    @property
    def matrix_answers(self) -> list[tuple[str, str]]:
        """A matrix answer as (statement, chosen option) pairs, "" where a statement is
        unanswered; empty for other kinds. The review shows them as a small table."""
        if self.question.kind != Question.Kind.MATRIX or not self.answered:
            return []
        value = self.answer.value if isinstance(self.answer.value, dict) else {}
        scale = {choice.code: choice.label for choice in choices_of(self.question)}
        return [
            (row.label, scale.get(value[row.code], value[row.code]) if row.code in value else "")
            for row in rows_of(self.question)
        ]


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

    @property
    def authors(self) -> list[str]:
        """Who answered the section's visible questions (after `answer_authors`), once each."""
        names = {item.author for item in self.visible_items if item.answered and item.author}
        return sorted(names)

    @property
    def last_changed_at(self):
        """When an answer in the section last changed, or None."""
        times = [item.answer.changed_at for item in self.visible_items if item.answered]
        return max(times, default=None)


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


def access_token_usable(token_id: object) -> tuple[AccessToken | None, AnswerSet | None]:
    """A usable link with its contact, organisation and wave, and the organisation's answer
    set in the link's wave (None before its first use); one statement.

    Every respondent request starts here, so the answer set comes along in a LEFT JOIN
    instead of a second query. A revoked link or a deactivated contact reads (None, None).
    The statement is written out once per process: building it with the ORM cost a third
    of a section save's CPU (benchmarks/RESULTS.md, section 7).
    """
    if not isinstance(token_id, int) or isinstance(token_id, bool):
        return None, None
    connection = connections[AccessToken.objects.db]
    sql, columns = _access_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_id, True])
        row = cursor.fetchone()
    if row is None:
        return None, None
    values = iter(row)
    rows = {}
    for model, fields in columns:
        rows[model] = [_converted(next(values), field, connection) for field in fields]
    token, contact, organisation, wave = (
        model.from_db(connection.alias, [f.attname for f in fields], rows[model])
        for model, fields in columns[:4]
    )
    contact.organisation, token.contact, token.wave = organisation, contact, wave
    set_fields = columns[4][1]
    if rows[AnswerSet][0] is None:
        return token, None
    answer_set = AnswerSet.from_db(
        connection.alias, [f.attname for f in set_fields], rows[AnswerSet]
    )
    answer_set.wave, answer_set.organisation = wave, organisation
    return token, answer_set


def _converted(value: object, field: Field, connection: BaseDatabaseWrapper) -> object:
    if value is None:
        return None
    expression = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(expression) + field.get_db_converters(
        connection
    ):
        value = converter(value, expression, connection)
    return value


@functools.cache
def _access_statement(vendor: str) -> tuple[str, list[tuple[type[Model], list[Field]]]]:
    """SELECT link, contact, organisation, wave and answer set (LEFT JOIN) by the link's id."""
    connection = connections[AccessToken.objects.db]
    quote = connection.ops.quote_name
    aliases = {AccessToken: "t", Contact: "c", Organisation: "o", Wave: "w", AnswerSet: "s"}
    columns = [(model, list(model._meta.concrete_fields)) for model in aliases]
    select = ", ".join(
        f"{aliases[model]}.{quote(field.column)}" for model, fields in columns for field in fields
    )

    def table(model: type[Model]) -> str:
        return f"{quote(model._meta.db_table)} {aliases[model]}"

    def column(model: type[Model], name: str) -> str:
        return f"{aliases[model]}.{quote(model._meta.get_field(name).column)}"

    sql = (
        f"SELECT {select} FROM {table(AccessToken)}"
        f" INNER JOIN {table(Contact)}"
        f" ON {column(Contact, 'id')} = {column(AccessToken, 'contact')}"
        f" INNER JOIN {table(Organisation)}"
        f" ON {column(Organisation, 'id')} = {column(Contact, 'organisation')}"
        f" INNER JOIN {table(Wave)} ON {column(Wave, 'id')} = {column(AccessToken, 'wave')}"
        f" LEFT OUTER JOIN {table(AnswerSet)}"
        f" ON {column(AnswerSet, 'organisation')} = {column(Organisation, 'id')}"
        f" AND {column(AnswerSet, 'wave')} = {column(AccessToken, 'wave')}"
        f" WHERE {column(AccessToken, 'id')} = %s"
        # The conditions of AccessToken.objects.usable().
        f" AND {column(AccessToken, 'revoked_at')} IS NULL"
        f" AND {column(Contact, 'is_active')} = %s"
    )
    return sql, columns


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
