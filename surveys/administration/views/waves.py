"""Staff home and the pages that move a wave through its year: copy, open, close, publish."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from surveys import waves as lifecycle
from surveys.administration import selectors, services
from surveys.administration.forms import DeadlineForm, EditionForm, WaveCopyForm, end_of_day
from surveys.staff_access import staff_permission_required, staff_wave

MANAGE = "surveys.manage_waves"
ERRORS = (services.AdministrationError, lifecycle.WaveStatusError)


@require_safe
@staff_permission_required()
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "administration/home.html",
        {"rows": selectors.staff_home_waves(), "editions": selectors.editions_overview()},
    )


@require_safe
@staff_permission_required()
def wave_detail(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    rows = selectors.staff_home_waves([wave])
    return render(
        request,
        "administration/wave_detail.html",
        {
            "wave": wave,
            "row": rows[0],
            "edition_form": EditionForm(initial={"edition": wave.edition_id}),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def wave_copy(request: HttpRequest, slug: str) -> HttpResponse:
    source = staff_wave(slug)
    form = WaveCopyForm(
        request.POST or None,
        initial={
            "title": source.title,
            "slug": f"{source.slug}-kopi",
            "year": source.year + 1,
            "edition": source.edition_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.wave_copy(
                source=source,
                slug=data["slug"],
                year=data["year"],
                title=data["title"],
                edition=data["edition"],
                opens_at=end_of_day(data["opens_on"]).replace(hour=0, minute=0)
                if data["opens_on"]
                else None,
                closes_at=end_of_day(data["closes_on"]) if data["closes_on"] else None,
            )
        except services.AdministrationError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["copy_report"] = dict(report.counts)
            return redirect("surveys:staff_wave_copied", slug=report.wave.slug)
    return render(request, "administration/wave_copy.html", {"source": source, "form": form})


@require_safe
@staff_permission_required(MANAGE)
def wave_copied(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    counts = request.session.get("copy_report") or {}
    return render(request, "administration/wave_copied.html", {"wave": wave, "counts": counts})


@require_http_methods(["POST"])
@staff_permission_required(MANAGE)
def wave_edition(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    form = EditionForm(request.POST)
    if form.is_valid():
        try:
            services.wave_change_edition(wave=wave, edition=form.cleaned_data["edition"])
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Runden går nå til registerutgaven %(year)s.")
                % {"year": form.cleaned_data["edition"].year},
            )
    return redirect("surveys:staff_wave", slug=wave.slug)


def _deadline_page(request: HttpRequest, slug: str, *, reopen: bool) -> HttpResponse:
    wave = staff_wave(slug)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closes_at = end_of_day(form.cleaned_data["closes_on"])
        action = services.wave_reopen if reopen else services.wave_open
        try:
            action(wave=wave, closes_at=closes_at, now=timezone.now())
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Runden er åpen."))
            return redirect("surveys:staff_wave", slug=wave.slug)
    return render(
        request, "administration/wave_open.html", {"wave": wave, "form": form, "reopen": reopen}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def wave_open(request: HttpRequest, slug: str) -> HttpResponse:
    return _deadline_page(request, slug, reopen=False)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def wave_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    return _deadline_page(request, slug, reopen=True)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def wave_close(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    if request.method == "POST":
        try:
            services.wave_close(wave=wave, now=timezone.now())
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Runden er lukket."))
        return redirect("surveys:staff_wave_close", slug=wave.slug)
    return render(
        request,
        "administration/wave_close.html",
        {"wave": wave, "summary": selectors.close_summary(wave)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def wave_publish(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    if request.method == "POST":
        try:
            if request.POST.get("withdraw"):
                services.wave_results_withdraw(wave=wave)
                messages.success(request, _("Publiseringen er trukket tilbake."))
            else:
                services.wave_results_publish(wave=wave, now=timezone.now())
                messages.success(request, _("Resultatene er markert som publisert."))
        except ERRORS as exc:
            messages.error(request, str(exc))
        return redirect("surveys:staff_wave", slug=wave.slug)
    return render(request, "administration/wave_publish.html", {"wave": wave})
