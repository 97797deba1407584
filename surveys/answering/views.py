"""Pages for municipality staff answering a wave through their personal link.

Access: opening /i/<token>/ starts a session scoped to one organisation and one wave (a fresh
session key) and redirects to an address without the token. Every later request goes through
`_get_access`, which re-checks that the link is still valid, so revoking a link ends its sessions
at once. Every page that shows answers is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ekommune.http import client_address
from municipalities.models import Contact, Organisation
from surveys.answering import selectors, services
from surveys.form_engine import DRAFT, SectionForm, build_section_form, format_answer
from surveys.models import AccessToken, AnswerSet, Section, Wave

SESSION_KEY = "respondent"
# Bad link tokens per client address before we stop looking tokens up for a while.
BAD_TOKEN_LIMIT = 10
BAD_TOKEN_WINDOW = 15 * 60
# Colleague invitations per organisation and day (a shared link must not become a spam cannon).
INVITE_LIMIT = 25
# A section form's hidden field with {question_key: revision}; bounded, like every input.
MAX_REVISIONS_LENGTH = 20_000
NAVIGATION = {"save", "next", "previous", "overview", "review"}


class SessionEnded(Exception):
    """No valid respondent session (never started, expired, or its link was revoked)."""


@dataclass
class Access:
    token: AccessToken
    contact: Contact
    organisation: Organisation
    wave: Wave
    answer_set: AnswerSet
    now: datetime

    @property
    def is_open(self) -> bool:
        return self.wave.is_open(self.now)

    @property
    def can_edit(self) -> bool:
        return self.is_open and not self.answer_set.is_submitted


def _get_access(request: HttpRequest, wave_slug: str) -> Access:
    """The one place that decides who may see what: session -> valid link -> own org + wave."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        raise SessionEnded
    token = (
        AccessToken.objects.usable()
        .select_related("contact__organisation", "wave")
        .filter(pk=data.get("token"))
        .order_by()  # a primary key: the model's ordering would only add joins and a sort
        .first()
    )
    if (
        token is None
        or token.wave_id != data.get("wave")
        or token.contact.organisation_id != data.get("organisation")
    ):
        request.session.pop(SESSION_KEY, None)
        raise SessionEnded
    if token.wave.slug != wave_slug:
        raise Http404
    answer_set = services.response_get_or_create(
        wave=token.wave, organisation=token.contact.organisation
    )
    return Access(
        token=token,
        contact=token.contact,
        organisation=token.contact.organisation,
        wave=token.wave,
        answer_set=answer_set,
        now=timezone.now(),
    )


def respondent_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """no-store caching, and a clear page (or JSON) when the session has ended."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, wave_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access = _get_access(request, wave_slug)
        except SessionEnded:
            return _session_ended(request, wave_slug, kwargs.get("section_key"))
        return view(request, access, *args, **kwargs)

    return never_cache(wrapper)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _session_ended(request: HttpRequest, wave_slug: str, section_key: str | None) -> HttpResponse:
    message = _(
        "Økten din er utløpt eller avsluttet. Åpne den personlige lenken fra e-posten på nytt."
    )
    if _wants_json(request):
        return JsonResponse({"status": "session_ended", "message": message}, status=403)
    typed = _typed_values(wave_slug, section_key, request.POST) if request.method == "POST" else []
    return render(
        request,
        "answering/session_ended.html",
        {"message": message, "typed": typed},
        status=403,
    )


def _typed_values(wave_slug: str, section_key: str | None, data: Any) -> list[tuple[str, str]]:
    """What the person typed into a form that could not be saved, with the question texts."""
    if not section_key:
        return []
    section = Section.objects.filter(wave__slug=wave_slug, key=section_key).first()
    if section is None:
        return []
    texts = {q.key: q.text for q in section.questions.all()}
    typed = []
    for name in data:
        key = name.split("__", 1)[0]
        if key not in texts:
            continue
        values = [v for v in data.getlist(name) if v.strip()]
        if values:
            typed.append((texts[key], ", ".join(values)))
    return typed


def _bad_token_key(request: HttpRequest) -> str:
    return f"respondent:bad-token:{client_address(request)}"


# --- Opening a link --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD"])
def link_open(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange a personal link for a session and redirect to the overview (token not kept)."""
    key = _bad_token_key(request)
    if (cache.get(key) or 0) >= BAD_TOKEN_LIMIT:
        response = render(
            request,
            "answering/link_invalid.html",
            {
                "message": _(
                    "For mange ugyldige lenker er prøvd fra denne adressen. Vent et kvarter "
                    "og prøv igjen, eller kontakt KS."
                )
            },
            status=429,
        )
        response["Retry-After"] = str(BAD_TOKEN_WINDOW)
        return _no_referrer(response)
    try:
        access_token = services.access_token_use(raw_token=token[:200])
    except services.ServiceError as error:
        if error.code == "invalid":
            # add() starts the window; incr() is atomic in Redis and good enough in files.
            cache.add(key, 0, BAD_TOKEN_WINDOW)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, BAD_TOKEN_WINDOW)
        status = 404 if error.code == "invalid" else 403
        response = render(
            request,
            "answering/link_invalid.html",
            {"message": error.message},
            status=status,
        )
        return _no_referrer(response)
    # A fresh session key: a session id planted before the link was opened is worthless.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "token": access_token.pk,
        "wave": access_token.wave_id,
        "organisation": access_token.contact.organisation_id,
        "contact": access_token.contact_id,
    }
    request.session.pop("respondent_show_problems", None)
    services.response_get_or_create(
        wave=access_token.wave, organisation=access_token.contact.organisation
    )
    response = redirect("surveys:overview", wave_slug=access_token.wave.slug)
    return _no_referrer(response)


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Overview ---------------------------------------------------------------------------------


def _progress(request: HttpRequest, access: Access) -> selectors.ResponseProgress:
    return selectors.response_progress(
        wave=access.wave,
        organisation=access.organisation,
        answer_set=access.answer_set,
        show_missing=bool(request.session.get("respondent_show_problems")),
    )


def _base_context(access: Access, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "wave": access.wave,
        "organisation": access.organisation,
        "contact": access.contact,
        "answer_set": access.answer_set,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        **extra,
    }


@respondent_view
@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest, access: Access) -> HttpResponse:
    progress = _progress(request, access)
    return render(
        request,
        "answering/overview.html",
        _base_context(access, progress=progress),
    )


# --- A section --------------------------------------------------------------------------------


class ConflictChoice:
    MINE = "mine"
    THEIRS = "theirs"


def _get_section(
    access: Access, progress: selectors.ResponseProgress, key: str
) -> selectors.SectionProgress:
    """A section of this wave that applies to the organisation (else 404)."""
    entry = progress.section(key)
    if entry is None or not entry.applies:
        raise Http404
    return entry


def _parse_revisions(raw: str) -> dict[str, int]:
    if not raw or len(raw) > MAX_REVISIONS_LENGTH:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(key): value
        for key, value in data.items()
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0
    }


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
    context = _base_context(
        access,
        progress=progress,
        entry=entry,
        section=entry.section,
        form=form,
        revisions_json=json.dumps(revisions, sort_keys=True),
        conflicts=[_conflict_context(c, entry) for c in conflicts],
        notice=notice,
        refused=refused,
        previous_section=previous,
        next_section=following,
        read_only=not access.can_edit,
    )
    return render(request, "answering/section.html", context, status=status)


def _conflict_context(conflict: services.Conflict, entry: selectors.SectionProgress) -> dict:
    question = progress_question = conflict.question
    for item in entry.items:
        if item.question.key == question.key:
            # The questionnaire's copy has its choices and rows loaded.
            progress_question = item.question
    return {
        "key": question.key,
        "text": question.text,
        "mine": format_answer(progress_question, *conflict.mine),
        "theirs": format_answer(progress_question, *conflict.theirs),
        "revision": conflict.theirs_revision,
        "changed_by": conflict.changed_by,
        "changed_at": conflict.changed_at,
    }


def _refusal_message(access: Access) -> str:
    if not access.is_open:
        return _(
            "Fristen er ute: undersøkelsen er stengt, og svarene ble ikke lagret. "
            "Det du skrev, står fortsatt i skjemaet under."
        )
    return _(
        "Svarene er sendt inn og kan ikke endres. Det du skrev, ble ikke lagret, men står i "
        "skjemaet under. Åpne svarene for endring fra oversikten hvis noe må rettes."
    )


@dataclass
class _SaveOutcome:
    form: forms.Form
    revisions: dict[str, int]
    result: services.SectionSaveResult | None
    refusal: str = ""


def _save(
    request: HttpRequest,
    access: Access,
    progress: selectors.ResponseProgress,
    entry: selectors.SectionProgress,
) -> _SaveOutcome:
    form = _section_form(access, entry, progress, data=request.POST)
    form.is_valid()
    revisions = _parse_revisions(request.POST.get("revisions", ""))
    if not access.can_edit:
        return _SaveOutcome(form, revisions, None, _refusal_message(access))
    answers = {key: (a.value, a.other_text) for key, a in form.valid_answers.items()}
    # The person chose in the conflict panel: keep mine (write over the revision they saw)
    # or take the colleague's (do not write this question).
    for key in list(answers):
        choice = request.POST.get(f"conflict__{key}")
        if choice == ConflictChoice.MINE:
            try:
                revisions[key] = int(request.POST.get(f"conflict_revision__{key}", ""))
            except ValueError:
                pass
        elif choice == ConflictChoice.THEIRS:
            del answers[key]
    try:
        result = services.response_save_section(
            answer_set=access.answer_set,
            section=entry.section,
            answers=answers,
            revisions=revisions,
            hidden=form.hidden_keys,
            contact=access.contact,
            now=timezone.now(),
            # Read after access.answer_set (see the service).
            stored=progress.answers.values(),
        )
    except services.ServiceError as error:
        if error.code in {"closed", "submitted"}:
            access.answer_set.refresh_from_db()
            return _SaveOutcome(form, revisions, None, _refusal_message(access))
        raise Http404 from error
    merged = {**revisions, **result.revisions}
    for conflict in result.conflicts:
        # Until the person chooses, a plain save must meet the same conflict again.
        merged[conflict.question.key] = revisions.get(conflict.question.key, 0)
    return _SaveOutcome(form, merged, result)


def _saved_message(result: services.SectionSaveResult) -> str:
    saved_at = timezone.localtime(result.saved_at).strftime("%H:%M")
    return _("Lagret kl. %(time)s.") % {"time": saved_at}


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, access: Access, section_key: str) -> HttpResponse:
    progress = _progress(request, access)
    entry = _get_section(access, progress, section_key)
    if not entry.visible:
        messages.info(request, _("Denne delen gjelder ikke ut fra svarene dine."))
        return redirect("surveys:overview", wave_slug=access.wave.slug)
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
            status=409,
        )
    result = outcome.result
    if result.conflicts or outcome.form.errors:
        # Reload the states: what validated is saved even when something else is not.
        progress = _progress(request, access)
        entry = _get_section(access, progress, section_key)
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
    return _navigate(request, access, progress, entry)


def _navigate(
    request: HttpRequest,
    access: Access,
    progress: selectors.ResponseProgress,
    entry: selectors.SectionProgress,
) -> HttpResponse:
    action = request.POST.get("action", "save")
    previous, following = progress.neighbours(entry.section.key)
    slug = access.wave.slug
    if action == "next" and following is not None:
        return redirect("surveys:section", wave_slug=slug, section_key=following.key)
    if action == "previous" and previous is not None:
        return redirect("surveys:section", wave_slug=slug, section_key=previous.key)
    if action in {"overview", "next"}:
        return redirect("surveys:overview", wave_slug=slug)
    if action == "review":
        return redirect("surveys:review", wave_slug=slug)
    return redirect("surveys:section", wave_slug=slug, section_key=entry.section.key)


@respondent_view
@require_POST
def section_autosave(request: HttpRequest, access: Access, section_key: str) -> JsonResponse:
    """The same save as the Save button, answered in JSON for static/js/respondent_section.js."""
    progress = _progress(request, access)
    entry = _get_section(access, progress, section_key)
    outcome = _save(request, access, progress, entry)
    if outcome.refusal:
        return JsonResponse(
            {"status": "refused", "message": outcome.refusal, "revisions": outcome.revisions},
            status=409,
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


@respondent_view
@require_POST
def session_extend(request: HttpRequest, access: Access) -> JsonResponse:
    """Keep the session alive: saving it now renews its expiry."""
    request.session.modified = True
    return JsonResponse({"status": "ok", "expires_in": settings.SESSION_COOKIE_AGE})


# --- Review, submit, receipt, reopen ----------------------------------------------------------


def _problem_summary(access: Access, progress: selectors.ResponseProgress) -> list[dict[str, str]]:
    """What stops a submit, per section, each linking to the field on its section page."""
    summary = []
    for entry, problem in progress.problems:
        url = reverse(
            "surveys:section",
            kwargs={"wave_slug": access.wave.slug, "section_key": entry.section.key},
        )
        summary.append(
            {
                "url": f"{url}#{problem.anchor}",
                "section": f"{entry.position}. {entry.section.title}",
                "label": problem.question,
                "message": problem.message,
            }
        )
    return summary


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, access: Access) -> HttpResponse:
    if access.answer_set.is_submitted:
        return redirect("surveys:receipt", wave_slug=access.wave.slug)
    status = 200
    confirm_error = ""
    if request.method == "POST":
        if not access.is_open:
            messages.error(request, _refusal_message(access))
            status = 409
        elif request.POST.get("confirm") != "yes":
            confirm_error = _("Kryss av for at svarene er klare til å sendes inn.")
            status = 400
        else:
            try:
                services.response_submit(
                    answer_set=access.answer_set, contact=access.contact, now=timezone.now()
                )
            except services.ServiceError as error:
                if error.code == "incomplete":
                    request.session["respondent_show_problems"] = True
                messages.error(request, error.message)
                status = 409 if error.code == "closed" else 400
            else:
                request.session.pop("respondent_show_problems", None)
                messages.success(request, _("Takk! Svarene er sendt inn."))
                return redirect("surveys:receipt", wave_slug=access.wave.slug)
    progress = selectors.response_progress(
        wave=access.wave,
        organisation=access.organisation,
        answer_set=access.answer_set,
        show_missing=True,
    )
    selectors.answer_authors(progress)
    return render(
        request,
        "answering/review.html",
        _base_context(
            access,
            progress=progress,
            problems=_problem_summary(access, progress),
            confirm_error=confirm_error,
        ),
        status=status,
    )


@respondent_view
@require_http_methods(["GET", "HEAD"])
def receipt(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.answer_set.is_submitted:
        messages.info(request, _("Svarene er ikke sendt inn ennå."))
        return redirect("surveys:overview", wave_slug=access.wave.slug)
    progress = selectors.response_progress(
        wave=access.wave, organisation=access.organisation, answer_set=access.answer_set
    )
    return render(request, "answering/receipt.html", _base_context(access, progress=progress))


@respondent_view
@require_POST
def reopen(request: HttpRequest, access: Access) -> HttpResponse:
    try:
        services.response_reopen(
            answer_set=access.answer_set, contact=access.contact, now=timezone.now()
        )
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect("surveys:overview", wave_slug=access.wave.slug)
    messages.success(request, _("Svarene er åpnet for endring. Husk å sende dem inn igjen."))
    return redirect("surveys:overview", wave_slug=access.wave.slug)


# --- Colleagues and leaving -------------------------------------------------------------------


class ColleagueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("E-postadresse"), max_length=254)


@respondent_view
@require_http_methods(["GET", "HEAD", "POST"])
def invite_colleague(request: HttpRequest, access: Access) -> HttpResponse:
    form = ColleagueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limit_key = f"respondent:invites:{access.organisation.pk}:{access.now:%Y%m%d}"
        if not access.is_open:
            messages.error(request, _("Undersøkelsen er stengt."))
            status = 409
        elif (cache.get(limit_key) or 0) >= INVITE_LIMIT:
            form.add_error(None, _("Dere har sendt mange invitasjoner i dag. Prøv igjen i morgen."))
            status = 429
        elif form.is_valid():
            try:
                colleague = services.colleague_invite(
                    inviter=access.contact,
                    wave=access.wave,
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                )
            except services.ServiceError as error:
                form.add_error("email", error.message)
            else:
                cache.add(limit_key, 0, 24 * 3600)
                cache.incr(limit_key)
                messages.success(
                    request,
                    _("Invitasjonen er sendt til %(email)s.") % {"email": colleague.email},
                )
                return redirect("surveys:overview", wave_slug=access.wave.slug)
        if form.errors:
            status = 400
    return render(
        request,
        "answering/invite_colleague.html",
        _base_context(access, form=form),
        status=status,
    )


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.pop("respondent_show_problems", None)
    request.session.cycle_key()
    return render(request, "answering/logged_out.html")
