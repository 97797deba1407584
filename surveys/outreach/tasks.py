"""Celery tasks of outreach: thin wrappers that take ids and call a service.

Every task is safe to run twice: mail rows are claimed with a conditional update, reminder
rounds are unique per schedule point, snapshots are skipped when nothing changed.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from surveys.models import Wave
from surveys.outreach import services as mailing


@shared_task(name="surveys.send_messages")
def send_messages(message_ids: list[int]) -> dict[str, int]:
    """Send a batch of mail rows; a transient failure retries that row alone with backoff."""
    results: dict[str, int] = {}
    for message_id in message_ids:
        try:
            outcome = mailing.message_send(message_id=message_id)
        except mailing.TransientMailError as exc:
            send_message.apply_async((message_id,), countdown=mailing.retry_delay(exc.attempts))
            outcome = "retry"
        results[outcome] = results.get(outcome, 0) + 1
    return results


@shared_task(name="surveys.send_message", bind=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    """Send one mail row, retrying transient SMTP failures with exponential backoff."""
    try:
        return mailing.message_send(message_id=message_id)
    except mailing.TransientMailError as exc:
        # The row records its attempts; message_send marks it failed after MAIL_MAX_ATTEMPTS.
        raise self.retry(exc=exc, countdown=mailing.retry_delay(exc.attempts)) from exc


@shared_task(name="surveys.reminders_queue_due")
def reminders_queue_due() -> list[int]:
    """Beat: create the due scheduled reminder round of every open wave (at most once each)."""
    now = timezone.now()
    created = []
    for wave in Wave.objects.filter(status=Wave.Status.OPEN):
        mail_round = mailing.reminders_queue_due(wave=wave, now=now)
        if mail_round is not None:
            created.append(mail_round.pk)
    return created


@shared_task(name="surveys.mail_sweep")
def mail_sweep() -> int:
    """Beat: re-queue mail rows whose task was lost or whose worker died."""
    return len(mailing.mail_sweep(now=timezone.now()))


@shared_task(name="surveys.rate_snapshot_take")
def rate_snapshot_take(wave_id: int, force: bool = False) -> int | None:
    """Store a response-rate snapshot of one wave (skipped when nothing changed)."""
    wave = Wave.objects.filter(pk=wave_id).first()
    if wave is None:
        return None
    snapshot = mailing.rate_snapshot_take(wave=wave, now=timezone.now(), force=force)
    return snapshot.pk if snapshot else None


@shared_task(name="surveys.rate_snapshots_take")
def rate_snapshots_take() -> int:
    """Beat: a snapshot of every open wave whose figures changed since the last one."""
    now = timezone.now()
    taken = 0
    for wave in mailing.open_waves(now):
        if mailing.rate_snapshot_take(wave=wave, now=now) is not None:
            taken += 1
    return taken
