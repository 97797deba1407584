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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ekommune.http import client_address
from municipalities.models import Contact, Organisation
from surveys.answering import links, selectors, services
from surveys.models import AccessToken, AnswerSet, Section, Wave

SESSION_KEY = selectors.RESPONDENT_SESSION_KEY
# The organisation a respondent form was rendered for; a POST must name the same one as its URL.
ORGANISATION_FIELD = "organisation"
# Organisations one session may hold at once (one person may answer for several).
MAX_GRANTS = 50
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
    # Other organisations this session may answer for in the same wave.
    other_organisations: int = 0

    @property
    def is_open(self) -> bool:
        return self.wave.is_open(self.now)

    @property
    def can_edit(self) -> bool:
        return self.is_open and not self.answer_set.is_submitted

    @property
    def key(self) -> str:
        return f"{self.wave.slug}/{self.organisation.number}"


def session_grants(session: Any) -> list[dict[str, Any]]:
    """The organisations this session has opened a link for: one grant per wave and
    organisation, each naming the link (token) that gave it."""
    data = session.get(SESSION_KEY)
    if isinstance(data, dict) and isinstance(data.get("grants"), list):
        return [grant for grant in data["grants"] if isinstance(grant, dict)]
    return []


def _grant_add(session: Any, token: AccessToken) -> None:
    grant = {
        "token": token.pk,
        "wave": token.wave_id,
        "slug": token.wave.slug,
        "organisation": token.contact.organisation_id,
        "number": token.contact.organisation.number,
        "contact": token.contact_id,
    }
    # A newer link for the same organisation (a colleague's, in the same browser) replaces it.
    kept = [
        g
        for g in session_grants(session)
        if (g.get("wave"), g.get("organisation")) != (grant["wave"], grant["organisation"])
    ]
    session[SESSION_KEY] = {"grants": [*kept[-(MAX_GRANTS - 1) :], grant]}


def _grant_drop(session: Any, grant: dict[str, Any]) -> None:
    session[SESSION_KEY] = {"grants": [g for g in session_grants(session) if g != grant]}


def get_access(request: HttpRequest, wave_slug: str, organisation_number: str) -> Access:
    """The one place that decides who may see what: session -> a valid link for the
    organisation and wave the address names -> its answer set. Another organisation is 404."""
    grants = session_grants(request.session)
    if not grants:
        raise SessionEnded
    grant = next(
        (g for g in grants if (g.get("slug"), g.get("number")) == (wave_slug, organisation_number)),
        None,
    )
    if grant is None:
        raise Http404
    token, answer_set = selectors.access_token_usable(grant.get("token"))
    if (
        token is None
        or token.wave_id != grant.get("wave")
        or token.contact.organisation_id != grant.get("organisation")
    ):
        _grant_drop(request.session, grant)
        raise SessionEnded
    if token.wave.slug != wave_slug or token.contact.organisation.number != organisation_number:
        raise Http404
    if answer_set is None:
        answer_set = services.response_get_or_create(
            wave=token.wave, organisation=token.contact.organisation
        )
    else:
        links.check_wave_targets(wave=token.wave, organisation=token.contact.organisation)
    return Access(
        token=token,
        contact=token.contact,
        organisation=token.contact.organisation,
        wave=token.wave,
        answer_set=answer_set,
        now=timezone.now(),
        other_organisations=sum(1 for g in grants if g.get("slug") == wave_slug) - 1,
    )


def respondent_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """no-store caching, and a clear page (or JSON) when the session has ended."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, wave_slug: str, organisation_number: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        try:
            access = get_access(request, wave_slug, organisation_number)
        except SessionEnded:
            return _session_ended(request, wave_slug, kwargs.get("section_key"))
        return view(request, access, *args, **kwargs)

    return never_cache(wrapper)


def bound_to_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST must come from a page rendered for the organisation its address names.

    The address already decides where an answer goes; the form's own record of its
    organisation makes sure a form can never be replayed against another one. A mismatch
    writes nothing and says so, with what the person typed.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, access: Access, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            request.method == "POST"
            and request.POST.get(ORGANISATION_FIELD) != access.organisation.number
        ):
            return _wrong_organisation(request, access, kwargs.get("section_key"))
        return view(request, access, *args, **kwargs)

    return wrapper


def _wrong_organisation(
    request: HttpRequest, access: Access, section_key: str | None
) -> HttpResponse:
    message = _(
        "Skjemaet ble ikke åpnet for %(organisation)s, og ingenting ble lagret. Åpne siden "
        "på nytt fra oversikten for %(organisation)s og prøv igjen."
    ) % {"organisation": access.organisation.name}
    if wants_json(request):
        return JsonResponse({"status": "wrong_organisation", "message": message}, status=409)
    return render(
        request,
        "answering/refused.html",
        {
            "title": _("Ikke lagret"),
            "message": message,
            "typed": typed_values(access.wave.slug, section_key, request.POST),
            "overview_url": reverse(
                "surveys:overview", args=[access.wave.slug, access.organisation.number]
            ),
        },
        status=409,
    )


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


# Organisations whose overview marks what stops a submit (after a refused submit).
SHOW_PROBLEMS_KEY = "respondent_show_problems"


def show_problems_remember(request: HttpRequest, access: Access) -> None:
    keys = request.session.get(SHOW_PROBLEMS_KEY)
    keys = keys if isinstance(keys, list) else []
    if access.key not in keys:
        request.session[SHOW_PROBLEMS_KEY] = [*keys[-(MAX_GRANTS - 1) :], access.key]


def show_problems_forget(request: HttpRequest, key: str) -> None:
    keys = request.session.get(SHOW_PROBLEMS_KEY)
    if isinstance(keys, list) and key in keys:
        request.session[SHOW_PROBLEMS_KEY] = [k for k in keys if k != key]


def progress_of(request: HttpRequest, access: Access) -> selectors.ResponseProgress:
    return selectors.response_progress(
        wave=access.wave,
        organisation=access.organisation,
        answer_set=access.answer_set,
        show_missing=access.key in request.session.get(SHOW_PROBLEMS_KEY, []),
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
    # The organisations opened before stay open: one person may answer for several, each in
    # its own tab, and every address names the one it is for.
    request.session.cycle_key()
    _grant_add(request.session, access_token)
    organisation = access_token.contact.organisation
    show_problems_forget(request, f"{access_token.wave.slug}/{organisation.number}")
    services.response_get_or_create(wave=access_token.wave, organisation=organisation)
    response = redirect(
        "surveys:overview",
        wave_slug=access_token.wave.slug,
        organisation_number=organisation.number,
    )
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


@never_cache
@require_http_methods(["GET", "HEAD"])
def choose(request: HttpRequest, wave_slug: str) -> HttpResponse:
    """The organisations this session answers for in a wave: straight to the one, or a list."""
    grants = [g for g in session_grants(request.session) if g.get("slug") == wave_slug]
    tokens = (
        AccessToken.objects.usable()
        .select_related("contact__organisation", "wave")
        .filter(pk__in=[g.get("token") for g in grants], wave__slug=wave_slug)
        .order_by("contact__organisation__name")
    )
    organisations = list(
        {t.contact.organisation.pk: t.contact.organisation for t in tokens}.values()
    )
    if not organisations:
        if not session_grants(request.session):
            return _session_ended(request, wave_slug, None)
        raise Http404
    if len(organisations) == 1:
        return redirect("surveys:overview", wave_slug, organisations[0].number)
    return render(
        request,
        "answering/choose.html",
        {"wave": tokens[0].wave, "organisations": organisations},
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
    request.session.pop(SHOW_PROBLEMS_KEY, None)
    request.session.cycle_key()
    return render(request, "answering/logged_out.html")
