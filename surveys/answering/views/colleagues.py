"""Inviting a colleague of the same organisation to answer with their own link."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.answering import services
from surveys.answering.forms import ColleagueForm
from surveys.answering.views.access import Access, base_context, bound_to_page, respondent_view

# Colleague invitations per organisation and day (a shared link must not become a spam cannon).
INVITE_LIMIT = 25


@respondent_view
@bound_to_page
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
                return redirect("surveys:overview", access.wave.slug, access.organisation.number)
        if form.errors:
            status = 400
    return render(
        request,
        "answering/invite_colleague.html",
        base_context(access, form=form),
        status=status,
    )
