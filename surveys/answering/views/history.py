"""The respondent's page with the history of their organisation's answer set."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from surveys.answering.history import answer_set_history
from surveys.answering.views.access import Access, base_context, respondent_view


@require_safe
@respondent_view
def answer_history(request: HttpRequest, access: Access) -> HttpResponse:
    """Who changed which answer when, old and new value (own organisation and wave only)."""
    entries = answer_set_history(answer_set=access.answer_set)
    return render(request, "answering/history.html", base_context(access, entries=entries))
