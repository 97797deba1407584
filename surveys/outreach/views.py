"""The staff dashboard: response rates live, the status list, invitations and reminders.

Access: anonymous users go to the login page; logged-in users must be staff and hold the
page's permission (surveys.view_dashboard to look, surveys.send_mail to send, and
surveys.export_personal_data for the status list with contact persons as CSV), otherwise 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekommune.jinja2 import render_fragment
from municipalities.models import County, SizeClass
from surveys import charts, paging
from surveys.downloads import content_disposition, csv_lines
from surveys.models import MailRound, Wave
from surveys.outreach import selectors as rates
from surveys.outreach import services as mailing
from surveys.outreach.forms import InvitationForm, ScheduleForm
from surveys.staff_access import staff_permission_required, staff_wave

VIEW_DASHBOARD = "surveys.view_dashboard"
SEND_MAIL = "surveys.send_mail"
EXPORT_PERSONAL_DATA = "surveys.export_personal_data"


@require_GET
@staff_permission_required(VIEW_DASHBOARD)
def dashboard_waves(request: HttpRequest) -> HttpResponse:
    waves = Wave.objects.select_related("edition").order_by("-year", "slug")
    return render(request, "outreach/dashboard_waves.html", {"waves": waves})


def _figures_payload(wave: Wave, result: rates.SummaryRates, now: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"updated_at": timezone.localtime(now).strftime("%H:%M:%S")}
    for kind, figures in result.by_kind.items():
        payload[kind] = {"headline": rates.headline(kind, figures), **figures.as_dict()}
    payload["overall"] = result.overall.as_dict()
    return payload


def _status_rows_html(rows: list[rates.OrganisationStatus], *, can_send: bool) -> str:
    """The status list's rows, drawn by Jinja2 (templates/jinja2/outreach/status_rows.html):
    with Django's template engine, a page of 500 rows was half the dashboard's CPU time at
    national scale (benchmarks/RESULTS.md). The texts are translated here, once per page."""
    started = _("Påbegynt: %(done)s av %(total)s deler")
    not_invited = _("Ikke invitert")
    not_started = _("Ikke påbegynt")
    labels = {
        "failed": _("Feilet"),
        "no_contact": _("Ingen aktiv kontaktperson"),
        "remind": _("Send påminnelse"),
    }
    items = []
    for row in rows:
        if row.started:
            progress = started % {"done": row.sections_answered, "total": row.sections_total}
        else:
            progress = not_started if row.invited else not_invited
        last_reminder = "–"
        if row.last_reminder_at:
            when = formats.date_format(
                timezone.localtime(row.last_reminder_at), "SHORT_DATETIME_FORMAT"
            )
            last_reminder = f"{when} ({row.reminders})"
        items.append({"row": row, "progress": progress, "last_reminder": last_reminder})
    return render_fragment(
        "outreach/status_rows.html", rows=items, labels=labels, can_send=can_send
    )


def _status_page(
    request: HttpRequest, wave: Wave, result: rates.SummaryRates, *, can_send: bool
) -> dict[str, Any]:
    """One page (?side=N) of the status list: with 100,000 organisations the whole list is
    tens of megabytes of HTML (benchmarks/RESULTS.md); the CSV and "remind all" cover them all."""
    page = paging.page_of(
        request,
        parameter="side",
        total=result.overall.not_submitted,
        size=settings.DASHBOARD_STATUS_PAGE_SIZE,
        anchor="status-heading",
    )
    rows = rates.not_submitted_status(wave, offset=page.offset, limit=page.size)
    return {
        "status_rows": rows,
        "status_rows_html": _status_rows_html(rows, can_send=can_send),
        "status_total": page.total,
        "status_page": page,
    }


def _county_page(request: HttpRequest, wave: Wave) -> tuple[paging.Page, list[County]]:
    """One page (?fylkeside=N) of the table by county: a register of 1,000 counties made it
    the slowest part of the page to draw (benchmarks/RESULTS.md); KS's 19 fylker fit on one."""
    counties = rates.counties_in_wave(wave)
    page = paging.page_of(
        request,
        parameter="fylkeside",
        total=counties.count(),
        size=settings.DASHBOARD_COUNTY_PAGE_SIZE,
        anchor="county-heading",
    )
    return page, list(counties[page.offset : page.offset + page.size])


def _submissions_chart(wave: Wave, result: rates.SummaryRates, today: date) -> dict[str, Any]:
    """The chart of the share submitted over time, and its numbers for the table under it."""
    over_time = rates.submissions_over_time(wave, result, today)
    svg = charts.running_shares(
        chart_id="chart",
        title=_("Andel sendt inn per dag"),
        desc=_(
            "Linjediagram over andelen kommuner og fylkeskommuner som har sendt inn. "
            "De samme tallene står i tabellen under."
        ),
        start=over_time.start,
        end=over_time.end,
        lines=over_time.lines,
    )
    return {"chart": over_time, "chart_svg": svg}


@require_GET
@never_cache
@staff_permission_required(VIEW_DASHBOARD)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    now = timezone.now()
    county_page, counties = _county_page(request, wave)
    result, county_rows = rates.summary_and_county_rates(wave, counties)
    snapshot = rates.latest_snapshot(wave)
    snapshot_change = None
    if snapshot is not None:
        snapshot_change = result.overall.submitted - snapshot.submitted
    mailing_settings = mailing.mailing_settings_for(wave)
    user = request.user
    can_send = user.has_perm(SEND_MAIL)
    context = {
        "wave": wave,
        "now": now,
        "rates": result,
        "headlines": [
            {"kind": kind, "text": rates.headline(kind, figures), "figures": figures}
            for kind, figures in result.by_kind.items()
        ],
        "snapshot": snapshot,
        "snapshot_change": snapshot_change,
        **_submissions_chart(wave, result, rates.oslo_date(now)),
        "county_rows": county_rows,
        "county_page": county_page,
        **_status_page(request, wave, result, can_send=can_send),
        "failed": rates.failed_messages(wave),
        "rounds": rates.mail_rounds_summary(wave),
        "mailing_settings": mailing_settings,
        "size_class_labels": dict(SizeClass.choices),
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "can_send": can_send,
        "can_export": user.has_perm(EXPORT_PERSONAL_DATA),
    }
    return render(request, "outreach/dashboard.html", context)


@require_GET
@never_cache
@staff_permission_required(VIEW_DASHBOARD)
def dashboard_figures(request: HttpRequest, slug: str) -> JsonResponse:
    """The headline figures for the page's periodic refresh (static/js/dashboard.js)."""
    wave = staff_wave(slug)
    return JsonResponse(_figures_payload(wave, rates.summary_rates(wave), timezone.now()))


@require_GET
@staff_permission_required(EXPORT_PERSONAL_DATA)
def dashboard_status_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisations that have not submitted, one row per contact person."""
    if not request.user.has_perm(VIEW_DASHBOARD):
        raise PermissionDenied
    wave = staff_wave(slug)
    # The shared download writer: formula-like text neutralised, numbers kept, a BOM so that
    # Excel opens æøå correctly.
    response = StreamingHttpResponse(
        csv_lines(rates.status_csv_rows(wave), bom=True), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(f"status-{wave.slug}.csv")
    return response


@require_POST
@staff_permission_required(SEND_MAIL)
def dashboard_remind(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm, then send a reminder now to the chosen organisations (or all not submitted).

    The dashboard's buttons lead to a confirmation that says who would get the reminder and
    how many organisations are skipped and why; sending carries the latest round number the
    confirmation saw, so a double click or a colleague's round in between makes no second one.
    """
    wave = staff_wave(slug)
    if "all" in request.POST:
        selection: list[int] | None = None
    else:
        raw = request.POST.getlist("only") or request.POST.getlist("organisation")
        try:
            selection = [int(value) for value in raw]
        except ValueError:
            selection = []
        if not selection:
            messages.error(request, _("Velg minst én organisasjon som skal få påminnelse."))
            return redirect("surveys:dashboard", slug=wave.slug)
    now = timezone.now()
    if "confirm" not in request.POST:
        return render(
            request,
            "outreach/dashboard_remind.html",
            {
                "wave": wave,
                "selection": selection,
                "plan": mailing.reminder_plan(wave=wave, organisations=selection, now=now),
                "after_round": mailing.reminder_round_latest(wave=wave),
                "interval_days": settings.REMINDER_MIN_INTERVAL_DAYS,
                "cap": mailing.mailing_settings_for(wave).max_reminders_per_organisation,
            },
        )
    try:
        after_round = int(request.POST.get("after_round", ""))
    except ValueError:
        after_round = None
    try:
        mail_round = mailing.reminders_queue_now(
            wave=wave, organisations=selection, now=now, user=request.user, after_round=after_round
        )
    except mailing.MailingError as exc:
        messages.warning(request, str(exc))
        return redirect("surveys:dashboard", slug=wave.slug)
    if mail_round is None:
        messages.warning(
            request,
            _(
                "Ingen påminnelse sendt: de valgte har sendt inn, er ikke invitert, har fått "
                "en påminnelse nylig eller har nådd maksimalt antall påminnelser."
            ),
        )
    else:
        count = mail_round.messages.count()
        messages.success(
            request,
            _("Påminnelse %(number)s: %(count)s e-poster lagt i kø.")
            % {"number": mail_round.number, "count": count},
        )
    return redirect("surveys:dashboard", slug=wave.slug)


@require_POST
@staff_permission_required(SEND_MAIL)
def dashboard_report_mail(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Rapporten for deres kommune er klar" to the contacts of every organisation that
    submitted, once per contact."""
    wave = staff_wave(slug)
    try:
        ids = mailing.report_mails_queue(wave=wave, now=timezone.now(), user=request.user)
    except mailing.MailingError as exc:
        messages.error(request, str(exc))
    else:
        if ids:
            messages.success(
                request, _("%(count)s e-poster om rapporten lagt i kø.") % {"count": len(ids)}
            )
        else:
            messages.warning(
                request, _("Ingen nye e-poster: alle kontaktpersonene har fått beskjed.")
            )
    return redirect("surveys:dashboard", slug=wave.slug)


@require_http_methods(["GET", "POST"])
@staff_permission_required(SEND_MAIL)
def dashboard_invite(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    form = InvitationForm(request.POST or None, wave=wave)
    preview = None
    if request.method == "POST" and form.is_valid():
        organisations = form.organisations()
        resend = form.cleaned_data["resend"]
        if "preview" in request.POST:
            preview = mailing.invitation_recipients(
                wave=wave, organisations=organisations, resend=resend
            )
        else:
            try:
                ids = mailing.invitations_queue(
                    wave=wave,
                    organisations=organisations,
                    resend=resend,
                    now=timezone.now(),
                    user=request.user,
                )
            except mailing.MailingError as exc:
                messages.error(request, str(exc))
            else:
                if ids:
                    messages.success(
                        request, _("%(count)s invitasjoner lagt i kø.") % {"count": len(ids)}
                    )
                else:
                    messages.warning(
                        request,
                        _("Ingen nye invitasjoner: alle valgte kontaktpersoner er invitert."),
                    )
                return redirect("surveys:dashboard", slug=wave.slug)
    return render(
        request,
        "outreach/dashboard_invite.html",
        {"wave": wave, "form": form, "preview": preview},
    )


@require_GET
@staff_permission_required(VIEW_DASHBOARD)
def dashboard_round(request: HttpRequest, slug: str, kind: str, number: int) -> HttpResponse:
    """One sending round afterwards: when, by whom, to whom, and what happened to each e-mail."""
    wave = staff_wave(slug)
    mail_round = get_object_or_404(
        MailRound.objects.select_related("created_by"), wave=wave, kind=kind, number=number
    )
    messages_ = mail_round.messages.select_related("organisation").order_by(
        "organisation__kind", "organisation__number", "to_email"
    )
    return render(
        request,
        "outreach/dashboard_round.html",
        {"wave": wave, "round": mail_round, "messages_list": messages_},
    )


@require_http_methods(["GET", "POST"])
@staff_permission_required(SEND_MAIL)
def dashboard_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    form = ScheduleForm(request.POST or None, instance=mailing.mailing_settings_for(wave))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Påminnelsesplanen er lagret."))
        return redirect("surveys:dashboard", slug=wave.slug)
    return render(request, "outreach/dashboard_schedule.html", {"wave": wave, "form": form})


__all__ = [
    "dashboard",
    "dashboard_figures",
    "dashboard_invite",
    "dashboard_remind",
    "dashboard_round",
    "dashboard_schedule",
    "dashboard_status_csv",
    "dashboard_waves",
]
