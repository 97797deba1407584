"""What was sent: every mail round of a wave with its results, and the addresses that failed."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from surveys.models import OutboundMessage, Wave


def failed_messages(wave: Wave, *, limit: int = 200) -> QuerySet[OutboundMessage]:
    """Bounced or failed addresses, newest first, for the dashboard."""
    return (
        OutboundMessage.objects.filter(wave=wave, state=OutboundMessage.State.FAILED)
        .select_related("organisation", "contact", "round")
        .order_by("-failed_at")[:limit]
    )


def mail_rounds_summary(wave: Wave) -> list[dict[str, object]]:
    """Every sending round with its counts per state: when, to how many, with what result."""
    rows = (
        OutboundMessage.objects.filter(wave=wave)
        .values("round_id")
        .annotate(
            recipients=Count("pk"),
            organisations=Count("organisation_id", distinct=True),
            sent=Count("pk", filter=Q(state=OutboundMessage.State.SENT)),
            failed=Count("pk", filter=Q(state=OutboundMessage.State.FAILED)),
            pending=Count(
                "pk",
                filter=Q(state__in=[OutboundMessage.State.QUEUED, OutboundMessage.State.SENDING]),
            ),
        )
    )
    counts = {row["round_id"]: row for row in rows}
    empty = {"recipients": 0, "organisations": 0, "sent": 0, "failed": 0, "pending": 0}
    return [
        {"round": mail_round, **{k: counts.get(mail_round.pk, empty)[k] for k in empty}}
        for mail_round in wave.mail_rounds.select_related("created_by").order_by("-created_at")
    ]
