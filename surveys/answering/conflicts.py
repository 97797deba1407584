"""The conflict protocol: colleagues edit one answer set, and nobody's answer is lost silently.

A section page carries the revision of each question's answer as it was loaded
(`answer_revisions`, in the hidden field `revisions`). A revision is the number of recorded
changes to that answer (AnswerChange rows), so it keeps increasing even when an answer is cleared
and given again. When the page is saved, `resolve` - the one entry point - decides per question:

- the person sends what is stored now: nothing to write;
- nobody changed it since the page was loaded: write it;
- a colleague changed it, and the person sends what they had loaded: keep the colleague's;
- only this person changed it since (an autosave in flight, a second tab): their newest wins;
- otherwise: a `Conflict` with both values, and nothing written for that question.

The page then shows both values (`Conflict.shown`) and asks the person to choose
(`conflict__<key>` = `mine`, with `conflict_revision__<key>` = the revision they saw, or
`theirs`). The next save reads that choice back with the rest of the page
(`SectionEdit.from_post`): "mine" is saved over the revision seen, "theirs" leaves the question
as the colleague left it. Until the person chooses, the page keeps the revision it had, so a
plain save meets the same conflict again (`Resolution.page_revisions`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from municipalities.models import Contact
from surveys.answering.errors import ServiceError
from surveys.form_engine import format_answer
from surveys.models import Answer, AnswerChange, AnswerSet, Question

# (value, other_text): the shape of one answer as the form engine cleans it.
AnswerValue = tuple[Any, str]

# The hidden `revisions` field holds {question_key: revision}; bounded, like every input.
MAX_REVISIONS_LENGTH = 20_000

_COUNTED = [AnswerChange.Action.CHANGED, AnswerChange.Action.CLEARED]


def _malformed() -> ServiceError:
    return ServiceError(
        _(
            "Skjemaet kom ikke riktig fram, og ingenting ble lagret. Det du skrev, står i "
            "skjemaet under: trykk «Lagre» igjen, eller last siden på nytt."
        ),
        code="malformed",
    )


class Choice(StrEnum):
    """The person's answer in the conflict panel."""

    MINE = "mine"
    THEIRS = "theirs"


def _parse_revisions(raw: str) -> dict[str, int]:
    """The page's {question_key: revision}; ServiceError(code='malformed') when it is not one.

    Only our page writes this field, so anything else was tampered with or mangled on the way:
    refused, rather than saved as if the page had loaded nothing (or, for deeply nested
    JSON, rather than a RecursionError from the decoder).
    """
    if not raw:
        return {}
    try:
        if len(raw) > MAX_REVISIONS_LENGTH:
            raise ValueError("too long")
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise _malformed() from error
    if not isinstance(data, dict):
        raise _malformed()
    return {
        str(key): value
        for key, value in data.items()
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0
    }


@dataclass(frozen=True)
class SectionEdit:
    """What one person sent from one section page.

    `answers`: question key -> (value, other_text), the questions that validated;
    `revisions`: the revision per key when the page was loaded; `hidden`: keys whose condition
    is not met, whose stored answers are removed; `keep_mine`: the revision the person saw in
    the conflict panel for each question where they chose their own answer; `keep_theirs`:
    the questions where they chose the colleague's.
    """

    answers: Mapping[str, AnswerValue]
    revisions: Mapping[str, int] = field(default_factory=dict)
    hidden: Collection[str] = ()
    keep_mine: Mapping[str, int] = field(default_factory=dict)
    keep_theirs: Collection[str] = ()

    @classmethod
    def from_post(
        cls, data: Mapping[str, Any], *, answers: Mapping[str, AnswerValue], hidden: Collection[str]
    ) -> SectionEdit:
        """The edit of a posted section page, with the person's choices in the conflict panel."""
        keep_mine, keep_theirs = {}, set()
        for key in answers:
            choice = data.get(f"conflict__{key}")
            if choice == Choice.MINE:
                try:
                    revision = int(data.get(f"conflict_revision__{key}", ""))
                except (TypeError, ValueError):
                    continue
                if revision >= 0:
                    keep_mine[key] = revision
            elif choice == Choice.THEIRS:
                keep_theirs.add(key)
        return cls(
            answers=answers,
            revisions=_parse_revisions(data.get("revisions", "")),
            hidden=hidden,
            keep_mine=keep_mine,
            keep_theirs=keep_theirs,
        )

    @property
    def loaded_revisions(self) -> dict[str, int]:
        """The revision each answer is saved over: "keep mine" saves over the one seen."""
        return {**self.revisions, **self.keep_mine}

    def loaded_revision(self, key: str) -> int:
        return int(self.loaded_revisions.get(key, 0) or 0)


def normalise_answer(value: Any, other_text: str = "") -> AnswerValue:
    """Empty answers become (None, ""); the other-text is kept only with a value."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "" or value == [] or value == {}:
        return (None, "")
    return (value, (other_text or "").strip())


def _same(a: AnswerValue, b: AnswerValue) -> bool:
    def canonical(value: Any) -> Any:
        # Multiple choice: the order of ticked codes carries no meaning.
        if isinstance(value, list):
            return sorted(str(item) for item in value)
        return value

    return canonical(a[0]) == canonical(b[0]) and (a[1] or "") == (b[1] or "")


def _author(change: AnswerChange) -> str:
    if change.changed_by is not None:
        return change.changed_by.name or change.changed_by.email
    if change.changed_by_user_id is not None:
        return str(_("KS-administrator"))
    return ""


@dataclass
class Conflict:
    """A question a colleague changed after this person loaded the page."""

    question: Question
    mine: AnswerValue
    theirs: AnswerValue
    theirs_revision: int
    changed_by: str
    changed_at: datetime | None

    def shown(self, question: Question | None = None) -> dict[str, Any]:
        """Both values as the conflict panel shows them; `question` may be the
        questionnaire's copy, whose choices and rows are loaded."""
        question = question or self.question
        return {
            "key": self.question.key,
            "text": self.question.text,
            "mine": format_answer(question, *self.mine),
            "theirs": format_answer(question, *self.theirs),
            "revision": self.theirs_revision,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at,
        }


@dataclass
class Write:
    """One answer to write: `value` (None clears it) over the stored `revision`."""

    question: Question
    value: AnswerValue
    revision: int


@dataclass
class Resolution:
    writes: list[Write] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # The current revision of every question the edit touched.
    revisions: dict[str, int] = field(default_factory=dict)

    def page_revisions(self, edit: SectionEdit, written: Mapping[str, int]) -> dict[str, int]:
        """The revisions the page carries after this save: a conflicting question keeps the
        one the person loaded, so a plain save meets the same conflict again."""
        merged = {**edit.loaded_revisions, **written}
        for conflict in self.conflicts:
            merged[conflict.question.key] = edit.loaded_revision(conflict.question.key)
        return merged


def answer_revisions(
    *,
    answer_set: AnswerSet,
    questions: Iterable[Question],
    answers: Iterable[Answer] | None = None,
) -> dict[str, int]:
    """Current revision per question key; the page carries it to detect conflicts.

    A stored answer's revision is its count of changes (each save sets it to that count
    plus one, next to its change row). A question without a stored answer was never
    answered (0) unless the set has had an answer cleared; only then are its changes
    counted. Queries: the stored answers unless `answers` (the set's stored answers of
    these questions or more) are given, and that count.
    """
    by_id = {q.pk: q.key for q in questions}
    if answers is not None:
        stored = {answer.question_id: answer.revision for answer in answers}
    else:
        stored = dict(
            Answer.objects.filter(answer_set=answer_set, question_id__in=by_id).values_list(
                "question_id", "revision"
            )
        )
    unanswered = [pk for pk in by_id if pk not in stored]
    counts = {}
    if unanswered and answer_set.answers_cleared:
        counts = dict(
            AnswerChange.objects.filter(
                answer_set=answer_set, question_id__in=unanswered, action__in=_COUNTED
            )
            .values_list("question_id")
            .annotate(n=Count("id"))
            .values_list("question_id", "n")
        )
    return {key: stored.get(pk) or counts.get(pk, 0) for pk, key in by_id.items()}


def _histories(answer_set: AnswerSet, questions: list[Question]) -> dict[int, list[AnswerChange]]:
    """Every recorded change of these questions, oldest first (read only when needed)."""
    histories: dict[int, list[AnswerChange]] = {}
    for change in (
        AnswerChange.objects.filter(
            answer_set=answer_set, question__in=questions, action__in=_COUNTED
        )
        .select_related("changed_by")
        .order_by("changed_at", "id")
    ):
        histories.setdefault(change.question_id, []).append(change)
    return histories


def _value_at_revision(history: list[AnswerChange], revision: int) -> AnswerValue | None:
    """The answer as it was after its `revision`-th change; None when history is missing."""
    if revision <= 0:
        return (None, "")
    if revision > len(history):
        return None
    change = history[revision - 1]
    if change.action == AnswerChange.Action.CLEARED:
        return (None, "")
    return (change.value, change.other_text)


def _decide(
    mine: AnswerValue,
    loaded_revision: int,
    history: Callable[[], list[AnswerChange]],
    editor: Contact | None,
) -> bool | None:
    """For a question changed since the page was loaded: True to write mine, False to keep
    theirs without asking, None for a conflict."""
    loaded = _value_at_revision(history(), loaded_revision)
    if loaded is not None and _same(mine, loaded):
        # This person did not touch it: keep the colleague's newer answer.
        return False
    since = history()[loaded_revision:]
    if loaded is not None and editor is not None and since:
        # Only this person changed it since: their newest text wins, nobody is overwritten.
        if all(change.changed_by_id == editor.pk for change in since):
            return True
    return None


def resolve(
    *,
    answer_set: AnswerSet,
    questions: Mapping[str, Question],
    edit: SectionEdit,
    stored: Mapping[int, Answer],
    editor: Contact | None,
) -> Resolution:
    """What to write and what to ask about, for an edit of these (applicable) questions.

    `stored`: the set's current answers of the questions the edit touches, by question id.
    A hidden question's stored answer is cleared, but not while a conflict is open, because
    the conflicting answer may be the one that decides the condition.
    """
    hidden = {key for key in edit.hidden if key in questions}
    wanted = {
        key: normalise_answer(*value)
        for key, value in edit.answers.items()
        if key in questions and key not in hidden and key not in edit.keep_theirs
    }
    touched = [questions[key] for key in set(wanted) | hidden]
    revisions = answer_revisions(answer_set=answer_set, questions=touched, answers=stored.values())
    # Read once, and only when some question changed since the page was loaded.
    histories = functools.cache(lambda: _histories(answer_set, touched))

    def history_of(question: Question) -> Callable[[], list[AnswerChange]]:
        return lambda: histories().get(question.pk, [])

    resolution = Resolution(revisions=revisions)
    for key, mine in wanted.items():
        question = questions[key]
        answer = stored.get(question.pk)
        current: AnswerValue = (answer.value, answer.other_text) if answer else (None, "")
        if _same(mine, current):
            continue
        decision = True
        if revisions[key] != edit.loaded_revision(key):
            decision = _decide(mine, edit.loaded_revision(key), history_of(question), editor)
        if decision:
            resolution.writes.append(Write(question, mine, revisions[key]))
        elif decision is None:
            history = history_of(question)()
            last = history[-1] if history else None
            resolution.conflicts.append(
                Conflict(
                    question=question,
                    mine=mine,
                    theirs=current,
                    theirs_revision=revisions[key],
                    changed_by=_author(last) if last else "",
                    changed_at=last.changed_at if last else None,
                )
            )
    if not resolution.conflicts:
        for key in hidden:
            if questions[key].pk in stored:
                resolution.writes.append(Write(questions[key], (None, ""), revisions[key]))
    return resolution
