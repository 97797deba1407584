"""The history of an answer set: who changed which answer when, with the old and new value.

`answer_set_history` is the read (used by the staff page too); `answer_history` is the
respondent's page, behind the same access rule as every respondent page (own organisation and
wave only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from surveys.answering.views import Access, _base_context, respondent_view
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


@require_safe
@respondent_view
def answer_history(request: HttpRequest, access: Access) -> HttpResponse:
    entries = answer_set_history(answer_set=access.answer_set)
    return render(request, "answering/history.html", _base_context(access, entries=entries))
