"""The history of an answer set: who changed which answer when, with the old and new value.

A read used by the respondent's history page (`views.history`) and by the staff page of the
privacy app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from surveys.form_engine import Questionnaire, format_answer
from surveys.models import AnswerChange, AnswerSet

# Erased contacts keep their row under an address in this reserved domain (privacy.selectors).
ERASED_DOMAIN = "@slettet.invalid"


@dataclass
class HistoryEntry:
    changed_at: datetime
    action: str
    action_label: str
    question_text: str
    previous: str
    value: str
    author: str


def _author(change: AnswerChange, *, staff_names: bool) -> str:
    if change.changed_by is not None:
        contact = change.changed_by
        if contact.email.endswith(ERASED_DOMAIN):
            return _("Slettet kontaktperson")
        return contact.name or contact.email
    if change.changed_by_user is not None:
        if staff_names:
            return change.changed_by_user.get_username()
        return _("KS (administrator)")
    return _("Ikke lagret")


def answer_set_history(*, answer_set: AnswerSet, staff_names: bool = False) -> list[HistoryEntry]:
    """Every change of the set, newest first (constant number of queries)."""
    questions = {q.pk: q for q in Questionnaire.for_wave(answer_set.wave).questions}
    changes = (
        AnswerChange.objects.filter(answer_set=answer_set)
        .select_related("changed_by", "changed_by_user")
        .order_by("-changed_at", "-pk")
    )
    entries = []
    for change in changes:
        question = questions.get(change.question_id)
        entries.append(
            HistoryEntry(
                changed_at=change.changed_at,
                action=change.action,
                action_label=change.get_action_display(),
                question_text=question.text if question else "",
                previous=format_answer(question, change.previous_value) if question else "",
                value=format_answer(question, change.value, change.other_text) if question else "",
                author=_author(change, staff_names=staff_names),
            )
        )
    return entries
