"""Staff pages for results and exports: results per question, comparison across waves, the
survey report (page and PDF), prize candidates, the export form and background export jobs.

Access: anonymous users go to the login page; logged-in users must be staff *and* hold the
page's permission (surveys.view_results, surveys.export_responses; contact persons' names and
e-mail addresses additionally need surveys.export_personal_data), otherwise 403.
"""

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from municipalities.models import County, Organisation
from surveys import paging
from surveys.analysis import report_pdf
from surveys.analysis.codebook import wave_questions
from surveys.analysis.export_jobs import (
    export_dir,
    export_job_file,
    export_job_start,
    export_log_create,
    export_log_finish,
)
from surveys.analysis.exports import (
    ExportOptions,
    export_csv_lines,
    export_row_count,
)
from surveys.analysis.forms import ExportForm
from surveys.analysis.organisation_pdf import organisation_report_pdf
from surveys.analysis.organisation_report import (
    MIN_OTHERS,
    comparison_chart,
    organisation_report,
    wave_organisations,
)
from surveys.analysis.report import (
    block_rows,
    chart_blocks,
    comparison_block,
    find_block,
    report_context,
)
from surveys.analysis.results import (
    QuestionResult,
    comparison_across_waves,
    comparison_rows,
    comparison_years,
    question_for_results,
    response_counts,
    text_search,
    wave_result,
)
from surveys.analysis.scoring import prize_ranking
from surveys.analysis.workbook import write_xlsx
from surveys.answering.selectors import session_grant_for
from surveys.downloads import content_disposition, csv_lines, safe_filename
from surveys.models import ExportJob, Wave
from surveys.staff_access import staff_permission_required, staff_wave

VIEW_RESULTS = "surveys.view_results"
EXPORT_RESPONSES = "surveys.export_responses"
EXPORT_PERSONAL_DATA = "surveys.export_personal_data"
VIEW_ALL_EXPORTS = "surveys.view_exportjob"


# --- Results ------------------------------------------------------------------------------------


@staff_permission_required(VIEW_RESULTS)
def results_waves(request: HttpRequest) -> HttpResponse:
    waves = Wave.objects.select_related("edition").order_by("-year", "slug")
    return render(request, "analysis/results_waves.html", {"waves": waves})


@staff_permission_required(VIEW_RESULTS)
def results_index(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    questions = wave_questions(wave)
    sections: list[tuple[Any, list]] = []
    for question in questions:
        if not sections or sections[-1][0].pk != question.section_id:
            sections.append((question.section, []))
        sections[-1][1].append(question)
    return render(
        request,
        "analysis/results_index.html",
        {"wave": wave, "counts": response_counts(wave), "sections": sections},
    )


def _county_page(
    request: HttpRequest, result: QuestionResult
) -> tuple[QuestionResult, paging.Page | None]:
    """The result with one page (?fylkeside=N) of its breakdown by county: a register with
    hundreds of counties made the page a megabyte of HTML (benchmarks/RESULTS.md). KS's 19 fylker
    fit on one page; the CSV and SVG downloads always have every county."""
    breakdown = result.breakdown("county")
    if breakdown is None:
        return result, None
    page = paging.page_of(
        request,
        parameter="fylkeside",
        total=len(breakdown.groups),
        size=settings.RESULTS_COUNTY_PAGE_SIZE,
        anchor=f"block-{result.question.key}-county",
    )
    if not page.is_paged:
        return result, page
    shown = replace(breakdown, groups=breakdown.groups[page.offset : page.offset + page.size])
    breakdowns = [shown if item.key == "county" else item for item in result.breakdowns]
    return replace(result, breakdowns=breakdowns), page


def _text_context(
    request: HttpRequest, wave: Wave, question: Any, result: QuestionResult
) -> dict[str, Any]:
    """One page (?tekstside=N) of the question's free texts, searched with ?tekst=...: a
    question with 10,000 answers listed them all (benchmarks/RESULTS.md)."""
    if not result.text_count:
        return {"text_total": 0, "text_search": ""}
    search = request.GET.get("tekst", "").strip()[:200]
    found = text_search(wave, question, search)
    page = paging.page_of(
        request,
        parameter="tekstside",
        total=found.count(),
        size=settings.RESULTS_TEXT_PAGE_SIZE,
        anchor="texts",
    )
    texts = found.slice(page.offset, page.size)
    return {
        "text_total": result.text_count,
        "text_search": search,
        "text_page": page,
        "texts": texts,
    }


@staff_permission_required(VIEW_RESULTS)
def results_question(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    wave = staff_wave(slug)
    question = question_for_results(wave, key)
    if question is None:
        raise Http404
    result, county_page = _county_page(request, wave_result(wave, key))
    comparison = comparison_across_waves(question)
    return render(
        request,
        "analysis/results_question.html",
        {
            "wave": wave,
            "question": question,
            "result": result,
            **_text_context(request, wave, question, result),
            "blocks": chart_blocks(result, detail=True),
            "county_page": county_page,
            "comparison": comparison,
            "comparison_rows": comparison_rows(comparison),
            "comparison_block": comparison_block(result, comparison),
            "comparison_years": comparison_years(),
        },
    )


@staff_permission_required(VIEW_RESULTS)
def results_chart(request: HttpRequest, slug: str, key: str, chart: str, fmt: str) -> HttpResponse:
    """One chart as a standalone SVG file, or its numbers as CSV."""
    wave = staff_wave(slug)
    question = question_for_results(wave, key)
    if question is None or fmt not in {"svg", "csv"}:
        raise Http404
    block = find_block(wave_result(wave, key), chart)
    if block is None or (fmt == "svg" and block.svg is None):
        raise Http404
    filename = safe_filename(wave, f"{question.key}{chart}".replace("_", ""), fmt)
    if fmt == "svg":
        response = HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + block.svg,
            content_type="image/svg+xml; charset=utf-8",
        )
    else:
        response = HttpResponse(
            "".join(csv_lines(block_rows(block), bom=True, delimiter=";", decimal_comma=True)),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = content_disposition(filename)
    return response


@staff_permission_required(VIEW_RESULTS)
def results_report(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    return render(request, "analysis/report.html", report_context(wave))


def pdf_available() -> bool:
    return report_pdf.pdf_available()


@staff_permission_required(VIEW_RESULTS)
def results_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The PDF when the worker has made it for the current data, else a progress page (202)
    that asks the worker for it."""
    wave = staff_wave(slug)
    if not pdf_available():
        return render(request, "analysis/report_pdf_unavailable.html", {"wave": wave}, status=503)
    state = report_pdf.report_pdf_request(wave=wave, language=get_language())
    if state.path is not None:
        return FileResponse(
            state.path.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=safe_filename(wave, "rapport", "pdf"),
        )
    return render(
        request, "analysis/report_pdf_progress.html", {"wave": wave, "state": state}, status=202
    )


@staff_permission_required(VIEW_RESULTS)
def results_report_pdf_status(request: HttpRequest, slug: str) -> JsonResponse:
    wave = staff_wave(slug)
    state = report_pdf.report_pdf_status(wave=wave, language=get_language())
    return JsonResponse(
        {
            "status": state.status,
            "status_label": state.label,
            "percent": state.percent,
            "finished": state.status in {"done", "failed"},
        }
    )


@staff_permission_required(VIEW_RESULTS)
def results_prize(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    return render(
        request,
        "analysis/results_prize.html",
        {"wave": wave, "groups": prize_ranking(wave)},
    )


# --- Exports ------------------------------------------------------------------------------------


@staff_permission_required(EXPORT_RESPONSES)
def export_form(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    personal = request.user.has_perm(EXPORT_PERSONAL_DATA)
    if request.method == "POST" and request.POST.get("include_personal_data") and not personal:
        raise PermissionDenied
    counties = list(County.objects.filter(edition_id=wave.edition_id).order_by("number"))
    form = ExportForm(request.POST or None, counties=counties, personal_data=personal)
    if request.method == "POST" and form.is_valid():
        options = form.options()
        if options.format == "xlsx" and options.layout == "codebook":
            options = replace(options, format="csv")
        rows = export_row_count(wave, options)
        if form.cleaned_data["in_background"] or rows > settings.EXPORT_SYNC_MAX_ROWS:
            job = export_job_start(wave=wave, user_id=request.user.pk, options=options)
            return redirect("surveys:export_job", pk=job.pk)
        job = export_log_create(
            wave=wave, user_id=request.user.pk, options=options, total_rows=rows
        )
        if options.format == "xlsx":
            return _xlsx_download(wave, options, job)
        return _csv_download(wave, options, job)
    recent = (
        ExportJob.objects.filter(wave=wave, requested_by=request.user)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:10]
    )
    return render(
        request,
        "analysis/export_form.html",
        {"wave": wave, "form": form, "recent": recent, "sync_max": settings.EXPORT_SYNC_MAX_ROWS},
    )


def _csv_download(wave: Wave, options: ExportOptions, job: ExportJob) -> StreamingHttpResponse:
    def stream() -> Iterator[str]:
        written = 0

        def progress(done: int) -> None:
            nonlocal written
            written = done

        yield from export_csv_lines(wave, options, progress=progress)
        export_log_finish(job_id=job.pk, rows_written=written)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(job.file_name)
    return response


def _xlsx_download(wave: Wave, options: ExportOptions, job: ExportJob) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(dir=export_dir(), suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        rows = write_xlsx(wave, options, Path(handle.name))
        stream = open(handle.name, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        # The open handle keeps the data readable; the name disappears at once.
        os.unlink(handle.name)
    export_log_finish(job_id=job.pk, rows_written=rows)
    return FileResponse(stream, as_attachment=True, filename=job.file_name)


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    """The job, if this user may see it: its owner, or staff with the permission to see all."""
    job = get_object_or_404(ExportJob.objects.select_related("wave", "requested_by"), pk=pk)
    if job.requested_by_id != request.user.pk and not request.user.has_perm(VIEW_ALL_EXPORTS):
        raise Http404
    if job.include_personal_data and not request.user.has_perm(EXPORT_PERSONAL_DATA):
        raise PermissionDenied
    return job


@staff_permission_required(EXPORT_RESPONSES)
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "analysis/export_job.html", {"job": job, "wave": job.wave})


@staff_permission_required(EXPORT_RESPONSES)
def export_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_written": job.rows_written,
            "total_rows": job.total_rows,
            "percent": job.progress_percent,
            "finished": job.is_finished,
            "download_url": (
                reverse("surveys:export_job_download", args=[job.pk])
                if job.status == ExportJob.Status.DONE
                else None
            ),
        }
    )


@staff_permission_required(EXPORT_RESPONSES)
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    path = export_job_file(job)
    if path is None:
        raise Http404(_("Filen finnes ikke (lenger)."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)


@staff_permission_required(VIEW_ALL_EXPORTS)
def export_log(request: HttpRequest) -> HttpResponse:
    """Every export (who, when, what), newest first: the audit trail of data leaving."""
    jobs = ExportJob.objects.select_related("wave", "requested_by").order_by("-created_at", "-id")
    return render(request, "analysis/export_log.html", {"jobs": jobs[:500]})


# --- One organisation's report ------------------------------------------------------------------

ORGANISATIONS_PER_PAGE = 50


def _report_response(
    request: HttpRequest,
    wave: Wave,
    organisation: Organisation,
    *,
    staff: bool,
    pdf_url: str,
    as_pdf: bool = False,
) -> HttpResponse:
    report = organisation_report(wave, organisation)
    context = {
        "wave": wave,
        "organisation": organisation,
        "report": report,
        "sections": [
            (section, [(item, comparison_chart(item)) for item in items])
            for section, items in report.sections
        ],
        "staff": staff,
        "min_others": MIN_OTHERS,
        "pdf_url": pdf_url if pdf_available() else "",
    }
    if not as_pdf:
        return render(request, "analysis/organisation_report.html", context)
    if not pdf_available():
        return render(request, "analysis/report_pdf_unavailable.html", {"wave": wave}, status=503)
    response = HttpResponse(organisation_report_pdf(context), content_type="application/pdf")
    # The organisation's number (digits only) after "rapport": one file name per organisation.
    name = safe_filename(wave, "rapport", "pdf").replace(
        "-rapport-", f"-rapport-{organisation.number}-", 1
    )
    response["Content-Disposition"] = content_disposition(name)
    return response


@staff_permission_required(VIEW_RESULTS)
def organisation_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisations of the wave's register edition, searchable by name or number."""
    wave = staff_wave(slug)
    search = request.GET.get("q", "").strip()[:100]
    organisations = wave_organisations(wave, search=search)
    page = paging.page_of(
        request,
        parameter="side",
        total=organisations.count(),
        size=ORGANISATIONS_PER_PAGE,
        anchor="organisations",
    )
    return render(
        request,
        "analysis/organisation_reports.html",
        {
            "wave": wave,
            "search": search,
            "page": page,
            "organisations": organisations[page.offset : page.offset + page.size],
        },
    )


@staff_permission_required(VIEW_RESULTS)
def organisation_report_staff(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    wave = staff_wave(slug)
    organisation = get_object_or_404(
        Organisation.objects.select_related("county"), edition_id=wave.edition_id, number=number
    )
    return _report_response(
        request,
        wave,
        organisation,
        staff=True,
        pdf_url=reverse("surveys:organisation_report_staff_pdf", args=[slug, number]),
        as_pdf=request.resolver_match.url_name.endswith("_pdf"),
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def organisation_report_respondent(
    request: HttpRequest, wave_slug: str, organisation_number: str
) -> HttpResponse:
    """The report for the organisation the visitor's personal link opened, once the wave's
    results are published; anything else is 404 (whether an organisation exists is no one
    else's business)."""
    grant = session_grant_for(request, wave_slug, organisation_number)
    if grant is None or grant.wave.results_published_at is None:
        raise Http404
    return _report_response(
        request,
        grant.wave,
        grant.organisation,
        staff=False,
        pdf_url=reverse("surveys:organisation_report_pdf", args=[wave_slug, organisation_number]),
        as_pdf=request.resolver_match.url_name.endswith("_pdf"),
    )
