"""The audit trail's staff page (filters, pages) and its CSV download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.forms import AuditFilterForm
from audit.selectors import audit_events
from surveys.downloads import content_disposition, csv_lines
from surveys.paging import page_of
from surveys.staff_access import staff_permission_required

PAGE_SIZE = 100


@staff_permission_required("audit.view_auditevent")
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_events(form.filters())
    page = page_of(
        request, parameter="side", total=events.count(), size=PAGE_SIZE, anchor="hendelser"
    )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "events": events[page.offset : page.offset + page.size],
            "page": page,
            "csv_query": query.urlencode(),
        },
    )


@staff_permission_required("audit.view_auditevent")
def event_csv(request: HttpRequest) -> StreamingHttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_events(form.filters())
    header = [
        _("tidspunkt"),
        _("utført av"),
        _("bruker-id"),
        _("via"),
        _("handling"),
        _("objekttype"),
        _("objekt-id"),
        _("objekt"),
        _("detaljer"),
    ]

    def rows():
        yield header
        for event in events.iterator(chunk_size=2000):
            yield [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                event.actor_name,
                event.actor_id,
                event.via,
                event.action,
                event.target_type,
                event.target_id,
                event.target_label,
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            ]

    day = timezone.localtime().strftime("%Y%m%d")
    response = StreamingHttpResponse(csv_lines(rows(), bom=True), content_type="text/csv")
    response["Content-Disposition"] = content_disposition(f"revisjonslogg-{day}.csv")
    return response
