"""Reading the audit trail: the filtered list that the staff page and the CSV export share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target: str = ""
    via: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The events matching the filters, newest first (dates are Norwegian calendar days)."""
    events = AuditEvent.objects.all()
    if filters.action:
        # A whole family ("wave") or one action ("wave.opened").
        events = events.filter(
            Q(action=filters.action) | Q(action__startswith=f"{filters.action}.")
        )
    if filters.actor:
        events = events.filter(actor_name__icontains=filters.actor)
    if filters.target:
        events = events.filter(
            Q(target_label__icontains=filters.target) | Q(target_id=filters.target)
        )
    if filters.via:
        events = events.filter(via=filters.via)
    if filters.since:
        events = events.filter(at__gte=_start_of(filters.since))
    if filters.until:
        events = events.filter(at__lt=_start_of(filters.until + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")


def audit_action_choices() -> list[tuple[str, str]]:
    """Known actions plus any other stored ones, for the filter's drop-down."""
    from audit import actions

    names = set(actions.LABELS) | set(
        AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    )
    return sorted(((name, actions.label(name)) for name in names), key=lambda pair: pair[1])
