"""Who may see what: opening a personal link, the respondent session, the overview, leaving."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ekommune.http import client_address
from municipalities.models import Contact, Organisation
from surveys.answering import links, selectors, services
from surveys.models import AccessToken, AnswerSet, Section, Wave

SESSION_KEY = "respondent"
# Bad link tokens per client address before we stop looking tokens up for a while.
BAD_TOKEN_LIMIT = 10
BAD_TOKEN_WINDOW = 15 * 60


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


def get_access(request: HttpRequest, wave_slug: str) -> Access:
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
            access = get_access(request, wave_slug)
        except SessionEnded:
            return _session_ended(request, wave_slug, kwargs.get("section_key"))
        return view(request, access, *args, **kwargs)

    return never_cache(wrapper)


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _session_ended(request: HttpRequest, wave_slug: str, section_key: str | None) -> HttpResponse:
    message = _(
        "Økten din er utløpt eller avsluttet. Åpne den personlige lenken fra e-posten på nytt."
    )
    if wants_json(request):
        return JsonResponse({"status": "session_ended", "message": message}, status=403)
    typed = typed_values(wave_slug, section_key, request.POST) if request.method == "POST" else []
    return render(
        request,
        "answering/session_ended.html",
        {"message": message, "typed": typed},
        status=403,
    )


def typed_values(wave_slug: str, section_key: str | None, data: Any) -> list[tuple[str, str]]:
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


def progress_of(request: HttpRequest, access: Access) -> selectors.ResponseProgress:
    return selectors.response_progress(
        wave=access.wave,
        organisation=access.organisation,
        answer_set=access.answer_set,
        show_missing=bool(request.session.get("respondent_show_problems")),
    )


def base_context(access: Access, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "wave": access.wave,
        "organisation": access.organisation,
        "contact": access.contact,
        "answer_set": access.answer_set,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        **extra,
    }


def refusal_message(access: Access) -> str:
    if not access.is_open:
        return _(
            "Fristen er ute: undersøkelsen er stengt, og svarene ble ikke lagret. "
            "Det du skrev, står fortsatt i skjemaet under."
        )
    return _(
        "Svarene er sendt inn og kan ikke endres. Det du skrev, ble ikke lagret, men står i "
        "skjemaet under. Åpne svarene for endring fra oversikten hvis noe må rettes."
    )


# --- Opening a link --------------------------------------------------------------------------


def _bad_token_key(request: HttpRequest) -> str:
    return f"respondent:bad-token:{client_address(request)}"


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


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
        access_token = links.access_token_use(raw_token=token[:200])
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


# --- Overview, keeping the session, leaving --------------------------------------------------


@respondent_view
@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest, access: Access) -> HttpResponse:
    progress = progress_of(request, access)
    return render(
        request,
        "answering/overview.html",
        base_context(access, progress=progress),
    )


@respondent_view
@require_POST
def session_extend(request: HttpRequest, access: Access) -> JsonResponse:
    """Keep the session alive: saving it now renews its expiry."""
    request.session.modified = True
    return JsonResponse({"status": "ok", "expires_in": settings.SESSION_COOKIE_AGE})


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.pop("respondent_show_problems", None)
    request.session.cycle_key()
    return render(request, "answering/logged_out.html")
