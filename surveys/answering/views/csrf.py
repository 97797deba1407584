"""The page for a form whose CSRF check failed (settings.CSRF_FAILURE_VIEW).

On a respondent form it keeps what the person typed and offers to save it again with a fresh
token, so an expired cookie or a page left open overnight loses nothing. The offer is made only
for a form posted from our own pages (its Origin, when the browser sends one, is this site):
a form posted from elsewhere gets the plain page, so another site cannot use this page to have
a person save values it chose. Every other form gets the plain product page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from surveys.answering.views.access import typed_values, wants_json

RESPONDENT_FORMS = {
    "section",
    "section_autosave",
    "review",
    "reopen",
    "invite_colleague",
    "session_extend",
}


def _respondent_form(request: HttpRequest) -> dict[str, Any] | None:
    """The URL arguments of the respondent form this request posted, if it is one."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.namespace != "surveys" or match.url_name not in RESPONDENT_FORMS:
        return None
    return {"name": match.url_name, **match.kwargs}


def _from_our_pages(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    try:
        return origin == f"{request.scheme}://{request.get_host()}"
    except Exception:  # noqa: BLE001 - a host we do not serve: not our page
        return False


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    form = _respondent_form(request)
    if form is None or not _from_our_pages(request):
        return render(request, "csrf_failure.html", status=403)
    message = _(
        "Skjemaet kunne ikke lagres fordi sikkerhetsnøkkelen på siden var utløpt eller mangler. "
        "Ingenting er lagret ennå."
    )
    if wants_json(request):
        return JsonResponse({"status": "csrf", "message": message}, status=403)
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    wave_slug, number = form.get("wave_slug"), form.get("organisation_number")
    return render(
        request,
        "answering/csrf_failure.html",
        {
            "message": message,
            "action": request.path,
            "fields": fields,
            "typed": typed_values(wave_slug, form.get("section_key"), request.POST),
            "overview_url": reverse("surveys:overview", args=[wave_slug, number])
            if wave_slug and number
            else "",
        },
        status=403,
    )
