"""A section page: showing it, saving it with the Save button or by autosave, and moving on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.answering import selectors, services
from surveys.answering.views.access import (
    Access,
    base_context,
    bound_to_page,
    progress_of,
    refusal_message,
    respondent_view,
)
from surveys.form_engine import DRAFT, SectionForm, build_section_form


def _get_section(progress: selectors.ResponseProgress, key: str) -> selectors.SectionProgress:
    """A section of this wave that applies to the organisation (else 404)."""
    entry = progress.section(key)
    if entry is None or not entry.applies:
        raise Http404
    return entry


def _section_form(
    access: Access,
    entry: selectors.SectionProgress,
    progress: selectors.ResponseProgress,
    data: Any = None,
) -> SectionForm:
    return build_section_form(
        section=entry.section,
        organisation_kind=access.organisation.kind,
        answers=progress.answers,
        data=data,
        mode=DRAFT,
        questionnaire=progress.questionnaire,
        stored_visibility=progress.visibility,
    )


def _render_section(
    request: HttpRequest,
    access: Access,
    progress: selectors.ResponseProgress,
    entry: selectors.SectionProgress,
    form: forms.Form,
    revisions: dict[str, int],
    *,
    conflicts: list[services.Conflict] = (),
    notice: str = "",
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    previous, following = progress.neighbours(entry.section.key)
    # The questionnaire's copy of a question has its choices and rows loaded.
    questions = {item.question.key: item.question for item in entry.items}
    context = base_context(
        access,
        progress=progress,
        entry=entry,
        section=entry.section,
        form=form,
        revisions_json=json.dumps(revisions, sort_keys=True),
        conflicts=[c.shown(questions.get(c.question.key)) for c in conflicts],
        notice=notice,
        refused=refused,
        previous_section=previous,
        next_section=following,
        read_only=not access.can_edit,
    )
    return render(request, "answering/section.html", context, status=status)


@dataclass
class _SaveOutcome:
    form: forms.Form
    revisions: dict[str, int]
    result: services.SectionSaveResult | None
    refusal: str = ""
    status: int = 409


def _save(
    request: HttpRequest,
    access: Access,
    progress: selectors.ResponseProgress,
    entry: selectors.SectionProgress,
) -> _SaveOutcome:
    form = _section_form(access, entry, progress, data=request.POST)
    form.is_valid()
    try:
        edit = services.SectionEdit.from_post(
            request.POST,
            answers={key: (a.value, a.other_text) for key, a in form.valid_answers.items()},
            hidden=form.hidden_keys,
        )
    except services.ServiceError as error:
        return _SaveOutcome(form, {}, None, error.message, status=400)
    if not access.can_edit:
        return _SaveOutcome(form, dict(edit.revisions), None, refusal_message(access))
    try:
        result = services.response_save_section(
            answer_set=access.answer_set,
            section=entry.section,
            edit=edit,
            contact=access.contact,
            now=timezone.now(),
            # Read after access.answer_set (see the service).
            stored=progress.answers.values(),
        )
    except services.ServiceError as error:
        if error.code in {"closed", "submitted"}:
            access.answer_set.refresh_from_db()
            return _SaveOutcome(form, edit.loaded_revisions, None, refusal_message(access))
        raise Http404 from error
    return _SaveOutcome(form, result.page_revisions, result)


def _removed_follow_ups(request: HttpRequest, form) -> str:
    """Without JavaScript a follow-up question stays on the page while its condition is not
    met; what was typed there is not saved. Say which answers and why, not just "Saved"."""
    removed = [
        question.text
        for question in form.questions
        if question.key in form.hidden_keys
        and any(request.POST.get(name, "").strip() for name in form.field_names[question.key])
    ]
    if not removed:
        return ""
    return _(
        "Disse svarene er fjernet fordi spørsmålene ikke gjelder ut fra svarene dine "
        "(de hører til et annet svar på spørsmålet de følger): %(questions)s."
    ) % {"questions": ", ".join(f"«{text}»" for text in removed)}


def _saved_message(result: services.SectionSaveResult) -> str:
    saved_at = timezone.localtime(result.saved_at).strftime("%H:%M")
    return _("Lagret kl. %(time)s.") % {"time": saved_at}


@respondent_view
@bound_to_page
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, access: Access, section_key: str) -> HttpResponse:
    progress = progress_of(request, access)
    entry = _get_section(progress, section_key)
    if not entry.visible:
        messages.info(request, _("Denne delen gjelder ikke ut fra svarene dine."))
        return redirect("surveys:overview", access.wave.slug, access.organisation.number)
    if request.method != "POST":
        form = _section_form(access, entry, progress)
        revisions = services.answer_revisions(
            answer_set=access.answer_set,
            questions=[item.question for item in entry.items],
            answers=progress.answers.values(),
        )
        return _render_section(request, access, progress, entry, form, revisions)

    outcome = _save(request, access, progress, entry)
    if outcome.refusal:
        return _render_section(
            request,
            access,
            progress,
            entry,
            outcome.form,
            outcome.revisions,
            notice=outcome.refusal,
            refused=True,
            status=outcome.status,
        )
    result = outcome.result
    if result.conflicts or outcome.form.errors:
        # Reload the states: what validated is saved even when something else is not.
        progress = progress_of(request, access)
        entry = _get_section(progress, section_key)
        notice = _saved_message(result) + " "
        if result.conflicts:
            notice += _(
                "En kollega har endret noen av de samme svarene etter at du åpnet siden. "
                "Velg hvilket svar som skal gjelde, og lagre igjen."
            )
        else:
            notice += _("Noen svar er ikke lagret fordi de må rettes. Se feilene under.")
        return _render_section(
            request,
            access,
            progress,
            entry,
            outcome.form,
            outcome.revisions,
            conflicts=result.conflicts,
            notice=notice,
            status=409 if result.conflicts else 200,
        )
    messages.success(request, _saved_message(result))
    removed = _removed_follow_ups(request, outcome.form)
    if removed:
        messages.warning(request, removed)
    return _navigate(request, access, progress, entry)


def _navigate(
    request: HttpRequest,
    access: Access,
    progress: selectors.ResponseProgress,
    entry: selectors.SectionProgress,
) -> HttpResponse:
    action = request.POST.get("action", "save")
    previous, following = progress.neighbours(entry.section.key)
    here = (access.wave.slug, access.organisation.number)
    if action == "next" and following is not None:
        return redirect("surveys:section", *here, following.key)
    if action == "previous" and previous is not None:
        return redirect("surveys:section", *here, previous.key)
    if action in {"overview", "next"}:
        return redirect("surveys:overview", *here)
    if action == "review":
        return redirect("surveys:review", *here)
    return redirect("surveys:section", *here, entry.section.key)


@respondent_view
@bound_to_page
@require_POST
def section_autosave(request: HttpRequest, access: Access, section_key: str) -> JsonResponse:
    """The same save as the Save button, answered in JSON for static/js/respondent_section.js."""
    progress = progress_of(request, access)
    entry = _get_section(progress, section_key)
    outcome = _save(request, access, progress, entry)
    if outcome.refusal:
        return JsonResponse(
            {"status": "refused", "message": outcome.refusal, "revisions": outcome.revisions},
            status=outcome.status,
        )
    result = outcome.result
    payload: dict[str, Any] = {
        "status": "saved",
        "saved_at": timezone.localtime(result.saved_at).strftime("%H:%M"),
        "message": _saved_message(result),
        "revisions": outcome.revisions,
        "errors": {name: [str(e) for e in errors] for name, errors in outcome.form.errors.items()},
        "conflicts": [c.question.key for c in result.conflicts],
    }
    if result.conflicts:
        payload["status"] = "conflict"
        payload["message"] += " " + _(
            "En kollega har endret noen av de samme svarene. Trykk «Lagre» for å se begge "
            "svarene og velge."
        )
    elif outcome.form.errors:
        payload["message"] += " " + _(
            "Noen svar er ikke lagret fordi de må rettes. Trykk «Lagre» for å se feilene."
        )
    return JsonResponse(payload)
