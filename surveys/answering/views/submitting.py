"""Review and submit, the receipt, and reopening submitted answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.answering import selectors, services
from surveys.answering.views.access import (
    Access,
    base_context,
    bound_to_page,
    refusal_message,
    respondent_view,
    show_problems_forget,
    show_problems_remember,
)


def _problem_summary(access: Access, progress: selectors.ResponseProgress) -> list[dict[str, str]]:
    """What stops a submit, per section, each linking to the field on its section page."""
    summary = []
    for entry, problem in progress.problems:
        url = reverse(
            "surveys:section",
            args=[access.wave.slug, access.organisation.number, entry.section.key],
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
@bound_to_page
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, access: Access) -> HttpResponse:
    if access.answer_set.is_submitted:
        return redirect("surveys:receipt", access.wave.slug, access.organisation.number)
    status = 200
    confirm_error = ""
    if request.method == "POST":
        if not access.is_open:
            messages.error(request, refusal_message(access))
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
                    show_problems_remember(request, access)
                messages.error(request, error.message)
                status = 409 if error.code == "closed" else 400
            else:
                show_problems_forget(request, access.key)
                messages.success(request, _("Takk! Svarene er sendt inn."))
                return redirect("surveys:receipt", access.wave.slug, access.organisation.number)
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
        base_context(
            access,
            progress=progress,
            problems=_problem_summary(access, progress),
            confirm_error=confirm_error,
        ),
        status=status,
    )


def receipt_reference(access: Access) -> str:
    """The receipt's reference number: wave, organisation, answer set and the minute of
    submission, so that a printed receipt names one submission exactly."""
    submitted = timezone.localtime(access.answer_set.submitted_at)
    return (
        f"{access.wave.year}-{access.organisation.number}-"
        f"{access.answer_set.pk}-{submitted:%Y%m%d%H%M}"
    )


@respondent_view
@require_http_methods(["GET", "HEAD"])
def receipt(request: HttpRequest, access: Access) -> HttpResponse:
    if not access.answer_set.is_submitted:
        messages.info(request, _("Svarene er ikke sendt inn ennå."))
        return redirect("surveys:overview", access.wave.slug, access.organisation.number)
    progress = selectors.response_progress(
        wave=access.wave, organisation=access.organisation, answer_set=access.answer_set
    )
    selectors.answer_authors(progress)
    return render(
        request,
        "answering/receipt.html",
        base_context(access, progress=progress, reference=receipt_reference(access)),
    )


@respondent_view
@bound_to_page
@require_POST
def reopen(request: HttpRequest, access: Access) -> HttpResponse:
    try:
        services.response_reopen(
            answer_set=access.answer_set, contact=access.contact, now=timezone.now()
        )
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect("surveys:overview", access.wave.slug, access.organisation.number)
    messages.success(request, _("Svarene er åpnet for endring. Husk å sende dem inn igjen."))
    return redirect("surveys:overview", access.wave.slug, access.organisation.number)
