"""Privacy pages: the published statements, and the staff pages for access requests, erasure,
retention and an answer set's history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from municipalities.models import Contact
from privacy import selectors, services
from privacy.forms import AddressForm
from privacy.models import Statement
from privacy.statements import render_text, statement_text
from surveys.answering.history import answer_set_history
from surveys.downloads import content_disposition, csv_lines
from surveys.models import AnswerSet
from surveys.staff_access import staff_permission_required

VIEW_PERMISSION = "privacy.view_personal_data"
ERASE_PERMISSION = "privacy.erase_personal_data"


# --- Statements (public) -------------------------------------------------------------------


def _statement(request: HttpRequest, kind: str) -> HttpResponse:
    statement = Statement.objects.filter(kind=kind).only("updated_at").first()
    return render(
        request,
        "privacy/statement.html",
        {
            "title": Statement.Kind(kind).label,
            "body": render_text(statement_text(kind)),
            "updated_at": statement.updated_at if statement else None,
        },
    )


@require_safe
def privacy_statement(request: HttpRequest) -> HttpResponse:
    return _statement(request, Statement.Kind.PRIVACY)


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return _statement(request, Statement.Kind.ACCESSIBILITY)


# --- Access requests and erasure (staff) -------------------------------------------------------


def _report_rows(report: selectors.PersonalDataReport):
    yield [_("Innsyn: hva som er lagret om"), report.email]
    yield [_("Laget"), timezone.localtime().strftime("%Y-%m-%d %H:%M")]
    for section in report.sections:
        yield []
        yield [section.title]
        yield section.columns
        yield from ([str(cell) for cell in row] for row in section.rows)
        if not section.rows:
            yield [_("Ingenting lagret")]


@never_cache
@require_http_methods(["GET", "POST"])
@staff_permission_required(VIEW_PERMISSION)
def personal_data(request: HttpRequest) -> HttpResponse:
    """Look up an address (by POST, so it never lands in a URL or an access log)."""
    form = AddressForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        download = bool(request.POST.get("download"))
        report = services.access_report_create(
            email=form.cleaned_data["email"], user=request.user, download=download
        )
        if download:
            response = StreamingHttpResponse(
                csv_lines(_report_rows(report), delimiter=";", bom=True),
                content_type="text/csv; charset=utf-8",
            )
            stamp = timezone.localtime().strftime("%Y%m%d")
            response["Content-Disposition"] = content_disposition(f"innsyn-{stamp}.csv")
            return response
    return render(
        request,
        "privacy/personal_data.html",
        {
            "form": form,
            "report": report,
            "can_erase": request.user.has_perm(ERASE_PERMISSION),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_permission_required(ERASE_PERMISSION)
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will go, and a confirmation; POST: erase."""
    contact = get_object_or_404(Contact.objects.select_related("organisation__edition"), pk=pk)
    if selectors.is_pseudonymised(contact):
        messages.info(request, _("Kontaktpersonen er allerede slettet."))
        return redirect("privacy:personal_data")
    if request.method == "POST":
        try:
            services.contact_erase(contact=contact, user=request.user)
        except services.PrivacyError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Kontaktpersonen er slettet. Organisasjonens svar og svarprosenten er uendret."),
            )
        return redirect("privacy:personal_data")
    preview = selectors.erasure_preview(contact=contact)
    return render(request, "privacy/contact_erase.html", {"preview": preview, "contact": contact})


# --- Retention and history (staff) -------------------------------------------------------------


@require_safe
@staff_permission_required(VIEW_PERMISSION)
def retention(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = selectors.retention_schedule()
    return render(request, "privacy/retention.html", {"rows": rows, "now": now})


@never_cache
@require_safe
@staff_permission_required("surveys.view_answerset")
def answer_set_history_staff(request: HttpRequest, pk: int) -> HttpResponse:
    answer_set = get_object_or_404(AnswerSet.objects.select_related("wave", "organisation"), pk=pk)
    entries = answer_set_history(answer_set=answer_set, staff_names=True)
    return render(
        request, "privacy/answer_set_history.html", {"answer_set": answer_set, "entries": entries}
    )
