"""Invitations and reminders: mail rows in the database, sent by Celery tasks.

Every e-mail is an `OutboundMessage` row with a unique key (contact, wave, kind, round), created
in the same transaction that decides to send it and before any task is queued. Tasks are queued
after commit and only carry ids; a task claims its row with a conditional update
(queued -> sending), so a task delivered twice never sends twice. Rows whose task was lost or
whose worker died are re-queued by `mail_sweep`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import actions
from audit.services import audit_record
from municipalities.models import Contact, Organisation
from surveys import queue
from surveys.answering import emails as respondent_emails
from surveys.answering import links
from surveys.mail_texts import wave_mail_render
from surveys.models import (
    AnswerSet,
    MailKind,
    MailRound,
    OutboundMessage,
    ResponseRateSnapshot,
    Wave,
)
from surveys.outreach import selectors as rates
from surveys.outreach.failures import classify_failure, failure_reason
from surveys.outreach.recipients import (  # noqa: F401 - part of the services' interface
    ReminderPlan,
    SkipReason,
    active_contacts,
    mailing_settings_for,
    reminder_plan,
    reminder_round_latest,
    selected_ids,
)

logger = logging.getLogger(__name__)


class MailingError(Exception):
    """A sending request that cannot be carried out; the message is for the administrator."""


class TransientMailError(Exception):
    """The mail server failed in a way worth retrying; the row is queued again."""

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"
CANCELLED = "cancelled"


# --- Settings and selections --------------------------------------------------------------------


def _check_can_send(wave: Wave, now: datetime) -> None:
    if wave.status == Wave.Status.CLOSED or (wave.closes_at and now >= wave.closes_at):
        raise MailingError(
            _("Undersøkelsen «%(title)s» er stengt; ingen e-post sendes.") % {"title": wave.title}
        )
    if wave.status == Wave.Status.DRAFT:
        raise MailingError(
            _("Undersøkelsen «%(title)s» er ikke åpnet ennå.") % {"title": wave.title}
        )


def invitation_recipients(
    *,
    wave: Wave,
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None = None,
    resend: bool = False,
) -> list[Contact]:
    """Active contacts who would get an invitation now (those not yet invited, unless resend)."""
    contacts = active_contacts(wave, selected_ids(organisations))
    if not resend:
        contacts = contacts.exclude(
            messages__wave=wave,
            messages__kind=MailKind.INVITATION,
        )
    return list(contacts)


def reminder_recipients(
    *,
    wave: Wave,
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None = None,
    now: datetime | None = None,
) -> list[Contact]:
    """Active contacts a reminder now would reach (see reminder_plan)."""
    return reminder_plan(
        wave=wave, organisations=organisations, now=now or timezone.now()
    ).recipients


# --- Queueing -----------------------------------------------------------------------------------


def _lock(wave: Wave) -> None:
    # Serialise the decisions about one wave's rounds (PostgreSQL; SQLite has one writer anyway):
    # two administrators inviting at once must not both create invitation round 1.
    list(Wave.objects.select_for_update().filter(pk=wave.pk).values_list("pk", flat=True))


def _new_round(
    *,
    wave: Wave,
    kind: str,
    trigger: str,
    now: datetime,
    user=None,
    days_before_closing: int | None = None,
) -> MailRound:
    _lock(wave)
    last = MailRound.objects.filter(wave=wave, kind=kind).aggregate(n=Max("number"))["n"] or 0
    return MailRound.objects.create(
        wave=wave,
        kind=kind,
        number=last + 1,
        trigger=trigger,
        days_before_closing=days_before_closing,
        created_at=now,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def _create_messages(
    *, mail_round: MailRound, contacts: list[Contact], language: str, now: datetime
) -> list[int]:
    rows = [
        OutboundMessage(
            wave_id=mail_round.wave_id,
            round=mail_round,
            kind=mail_round.kind,
            contact=contact,
            organisation_id=contact.organisation_id,
            to_email=contact.email,
            language=language,
            created_at=now,
            queued_at=now,
        )
        for contact in contacts
    ]
    # The unique key makes a concurrent or repeated call a no-op for rows that already exist.
    OutboundMessage.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        OutboundMessage.objects.filter(
            round=mail_round,
            contact_id__in=[contact.pk for contact in contacts],
            created_at=now,
            state=OutboundMessage.State.QUEUED,
        ).values_list("pk", flat=True)
    )
    enqueue_on_commit(ids)
    return ids


def enqueue_on_commit(message_ids: list[int]) -> None:
    """Queue the send tasks in batches once the rows are committed."""
    if not message_ids:
        return
    size = max(1, settings.MAIL_BATCH_SIZE)
    batches = [message_ids[i : i + size] for i in range(0, len(message_ids), size)]
    transaction.on_commit(lambda: _enqueue(batches), robust=True)


def _enqueue(batches: list[list[int]]) -> None:
    for batch in batches:
        try:
            queue.task("surveys.send_messages").delay(batch)
        except Exception:
            # The broker is down: the rows stay queued and the sweeper queues them later.
            logger.warning("Could not queue %d mail rows; the sweeper will retry", len(batch))
            return


def _audit_round(action: str, mail_round: MailRound, messages: int, *, actor: Any = None) -> None:
    audit_record(
        action=action,
        target=mail_round.wave,
        actor=actor,
        details={
            "round": mail_round.number,
            "trigger": mail_round.trigger,
            "messages": messages,
        },
    )


@transaction.atomic
def invitations_queue(
    *,
    wave: Wave,
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None = None,
    resend: bool = False,
    now: datetime,
    user=None,
    trigger: str = MailRound.Trigger.MANUAL,
) -> list[int]:
    """Queue invitations for the wave's active contacts; returns the ids of new mail rows.

    Without `resend`, contacts that already have an invitation in this wave are skipped, so
    running it twice sends nobody a second invitation. With `resend`, a new invitation round
    goes to every selected contact.
    """
    _check_can_send(wave, now)
    _lock(wave)
    language = mailing_settings_for(wave).language
    contacts = invitation_recipients(wave=wave, organisations=organisations, resend=resend)
    if not contacts:
        return []
    if resend:
        mail_round = _new_round(
            wave=wave, kind=MailKind.INVITATION, trigger=trigger, now=now, user=user
        )
    else:
        mail_round = MailRound.objects.filter(
            wave=wave, kind=MailKind.INVITATION, number=1
        ).first() or _new_round(
            wave=wave, kind=MailKind.INVITATION, trigger=trigger, now=now, user=user
        )
    message_ids = _create_messages(
        mail_round=mail_round, contacts=contacts, language=language, now=now
    )
    _audit_round(actions.INVITATIONS_QUEUED, mail_round, len(message_ids), actor=user)
    return message_ids


@transaction.atomic
def reminders_queue_now(
    *,
    wave: Wave,
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None,
    now: datetime,
    user=None,
    trigger: str = MailRound.Trigger.MANUAL,
    after_round: int | None = None,
) -> MailRound | None:
    """A reminder round now, to the selected (or all) organisations that have not submitted.

    `after_round` is the number of the latest reminder round the person saw when confirming:
    when another round was made since (a double click, a colleague, the schedule), no second
    round is made and MailingError says so.
    """
    _check_can_send(wave, now)
    _lock(wave)
    if after_round is not None:
        latest = reminder_round_latest(wave=wave)
        if latest != after_round:
            raise MailingError(
                _(
                    "Påminnelse %(number)s ble laget etter at du åpnet bekreftelsen "
                    "(dobbeltklikk, en kollega eller den planlagte utsendingen); "
                    "ingen ny runde er laget."
                )
                % {"number": latest}
            )
    contacts = reminder_recipients(wave=wave, organisations=organisations, now=now)
    if not contacts:
        return None
    mail_round = _new_round(wave=wave, kind=MailKind.REMINDER, trigger=trigger, now=now, user=user)
    message_ids = _create_messages(
        mail_round=mail_round,
        contacts=contacts,
        language=mailing_settings_for(wave).language,
        now=now,
    )
    _audit_round(actions.REMINDERS_QUEUED, mail_round, len(message_ids), actor=user)
    return mail_round


@transaction.atomic
def report_mails_queue(*, wave: Wave, now: datetime, user=None) -> list[int]:
    """Tell the contacts of every organisation that submitted that its report is ready (once
    per contact and wave: a second run sends nobody anything); returns the new mail rows."""
    if wave.results_published_at is None:
        message = _("Resultatene for «%(title)s» er ikke publisert; ingen e-post sendes.")
        raise MailingError(message % {"title": wave.title})
    _lock(wave)
    submitted = AnswerSet.objects.filter(wave=wave, status=AnswerSet.Status.SUBMITTED)
    contacts = list(
        active_contacts(wave, None)
        .filter(organisation__in=submitted.values("organisation"))
        .exclude(messages__wave=wave, messages__kind=MailKind.REPORT)
    )
    if not contacts:
        return []
    mail_round = MailRound.objects.filter(wave=wave, kind=MailKind.REPORT).first() or _new_round(
        wave=wave, kind=MailKind.REPORT, trigger=MailRound.Trigger.MANUAL, now=now, user=user
    )
    language = mailing_settings_for(wave).language
    ids = _create_messages(mail_round=mail_round, contacts=contacts, language=language, now=now)
    _audit_round(actions.REPORT_MAILS_QUEUED, mail_round, len(ids), actor=user)
    return ids


def reminder_point_due(*, wave: Wave, now: datetime) -> int | None:
    """The schedule point (days before closing) whose reminder round is due and not yet made."""
    mailing_settings = mailing_settings_for(wave)
    if not mailing_settings.reminders_enabled or not wave.closes_at or not wave.is_open(now):
        return None
    if not MailRound.objects.filter(wave=wave, kind=MailKind.INVITATION).exists():
        return None
    today = rates.oslo_date(now)
    closing_day = rates.oslo_date(wave.closes_at)
    passed = [
        int(days)
        for days in mailing_settings.reminder_days
        if closing_day - timedelta(days=int(days)) <= today
    ]
    if not passed:
        return None
    # Only the latest passed point: a schedule edited late does not fire old points at once.
    point = min(passed)
    if MailRound.objects.filter(
        wave=wave, kind=MailKind.REMINDER, days_before_closing=point
    ).exists():
        return None
    return point


def reminders_queue_due(*, wave: Wave, now: datetime) -> MailRound | None:
    """Create the due scheduled reminder round, once: a second run finds it and does nothing."""
    point = reminder_point_due(wave=wave, now=now)
    if point is None:
        return None
    try:
        with transaction.atomic():
            # Locked before choosing recipients: a manual round at the same moment waits, and
            # the interval rule then sees its rows.
            _lock(wave)
            contacts = reminder_recipients(wave=wave, now=now)
            mail_round = _new_round(
                wave=wave,
                kind=MailKind.REMINDER,
                trigger=MailRound.Trigger.SCHEDULE,
                now=now,
                days_before_closing=point,
            )
            message_ids = _create_messages(
                mail_round=mail_round,
                contacts=contacts,
                language=mailing_settings_for(wave).language,
                now=now,
            )
            _audit_round(actions.REMINDERS_QUEUED, mail_round, len(message_ids))
    except IntegrityError:
        # Another beat run created this schedule point's round at the same moment.
        return None
    return mail_round


# --- Sending ------------------------------------------------------------------------------------


def _header_safe(value: str) -> str:
    """Names and titles go into headers: no line breaks or control characters, ever."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def message_context(message: OutboundMessage, *, link: str) -> dict[str, object]:
    wave = message.wave
    context: dict[str, object] = {
        "contact_name": _header_safe(message.contact.name),
        "organisation_name": message.organisation.name,
        "wave_title": _header_safe(wave.title),
        "link": link,
        "closes_at": timezone.localtime(wave.closes_at, rates.OSLO) if wave.closes_at else None,
        "help_contact": wave.help_contact,
        "support_email": settings.SUPPORT_EMAIL,
    }
    if message.kind == MailKind.REMINDER:
        answered = rates.sections_answered_by_organisation(
            wave, organisation_ids=[message.organisation_id]
        ).get(message.organisation_id, 0)
        total = rates.applicable_section_counts(wave).get(message.organisation.kind, 0)
        context.update({"sections_answered": answered, "sections_total": total})
    return context


def personal_link(message: OutboundMessage) -> str:
    """A fresh personal link for the contact (the respondent flow stores only its hash).

    Issuing a new link does not revoke the earlier ones: a reminder never ends a session.
    """
    issued = links.invitation_link_issue(contact=message.contact, wave=message.wave)
    if issued.startswith(("http://", "https://")):
        return issued
    return links.invitation_url(issued)


def message_render(message: OutboundMessage, *, link: str) -> EmailMultiAlternatives:
    """The e-mail for one row, in the row's language, to exactly one recipient."""
    template = {MailKind.INVITATION: "invitation", MailKind.REPORT: "report"}.get(
        message.kind, "reminder"
    )
    with translation.override(message.language):
        context = message_context(message, link=link)
        own = wave_mail_render(
            wave=message.wave, kind=template, language=message.language, context=context
        )
        if own is not None:
            subject, text, html = own
        else:
            subject = _header_safe(render_to_string(f"emails/{template}_subject.txt", context))
            text = render_to_string(f"emails/{template}.txt", context)
            html = render_to_string(f"emails/{template}.html", context)
    recipient = formataddr((_header_safe(message.contact.name), message.to_email))
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient],
        reply_to=[settings.SUPPORT_EMAIL],
    )
    email.attach_alternative(html, "text/html")
    return email


def _no_longer_applies(message: OutboundMessage) -> bool:
    """An invitation or reminder to a deactivated contact, or a reminder after the submit."""
    return not message.contact.is_active or (
        message.kind == MailKind.REMINDER
        and AnswerSet.objects.filter(
            wave_id=message.wave_id,
            organisation_id=message.organisation_id,
            status=AnswerSet.Status.SUBMITTED,
        ).exists()
    )


def _email_of(message: OutboundMessage) -> EmailMultiAlternatives | None:
    """The e-mail of one row; None for a receipt that no longer applies."""
    if message.kind == MailKind.RECEIPT:
        return respondent_emails.receipt_message(
            answer_set_id=message.submission.answer_set_id, language=message.language
        )
    return message_render(message, link=personal_link(message))


def message_send(*, message_id: int, now: datetime | None = None, connection=None) -> str:
    """Send one queued row once. Returns sent/skipped/failed/cancelled.

    Raises TransientMailError (row queued again) when the server failed temporarily.
    """
    now = now or timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, state=OutboundMessage.State.QUEUED
    ).update(state=OutboundMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        # Sent, failed, or being sent by another worker: a duplicate delivery does nothing.
        return SKIPPED
    message = OutboundMessage.objects.select_related(
        "wave", "contact", "organisation", "round", "submission"
    ).get(pk=message_id)
    current = Q(pk=message_id, state=OutboundMessage.State.SENDING, claimed_at=now)
    if message.kind != MailKind.RECEIPT and _no_longer_applies(message):
        OutboundMessage.objects.filter(current).update(
            state=OutboundMessage.State.CANCELLED,
            reason="Sendt inn eller kontakt deaktivert før e-posten ble sendt",
        )
        return CANCELLED
    try:
        email = _email_of(message)
        if email is None:
            OutboundMessage.objects.filter(current).update(
                state=OutboundMessage.State.CANCELLED,
                reason="Åpnet for endring eller ingen aktive kontakter før kvitteringen ble sendt",
            )
            return CANCELLED
        email.connection = connection or get_connection()
        email.send()
    except Exception as exc:
        reason = failure_reason(exc)
        if classify_failure(exc) and message.attempts < settings.MAIL_MAX_ATTEMPTS:
            OutboundMessage.objects.filter(current).update(
                state=OutboundMessage.State.QUEUED, queued_at=timezone.now(), reason=reason
            )
            raise TransientMailError(reason, attempts=message.attempts) from exc
        OutboundMessage.objects.filter(current).update(
            state=OutboundMessage.State.FAILED, failed_at=timezone.now(), reason=reason
        )
        logger.warning("Mail row %s failed permanently: %s", message_id, reason)
        return FAILED
    OutboundMessage.objects.filter(current).update(
        state=OutboundMessage.State.SENT, sent_at=timezone.now(), reason=""
    )
    return SENT


def messages_send_now(message_ids: list[int]) -> dict[str, int]:
    """Send rows in this process (operators without a worker, demo data); same claim rules."""
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        try:
            outcome = message_send(message_id=message_id)
        except TransientMailError:
            outcome = "retry"  # left queued: the worker or the sweeper tries again
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def retry_delay(attempts: int) -> int:
    """Exponential backoff in seconds: 1, 2, 4, 8 minutes..., at most 10 (no long ETAs)."""
    return min(60 * 2 ** max(0, attempts - 1), 600)


def mail_sweep(*, now: datetime) -> list[int]:
    """Re-queue rows whose task was lost or whose worker died; returns the re-queued ids."""
    queued_before = now - timedelta(seconds=settings.MAIL_SWEEP_QUEUED_AFTER)
    sending_before = now - timedelta(seconds=settings.MAIL_SWEEP_SENDING_AFTER)
    ids: list[int] = []
    for row in OutboundMessage.objects.stale(
        queued_before=queued_before, sending_before=sending_before
    ).values("pk", "state", "queued_at", "claimed_at"):
        # Conditional on the row being exactly as we saw it: a worker that just claimed or
        # finished it wins, and two sweepers never both re-queue it.
        changed = OutboundMessage.objects.filter(
            pk=row["pk"],
            state=row["state"],
            queued_at=row["queued_at"],
            claimed_at=row["claimed_at"],
        ).update(state=OutboundMessage.State.QUEUED, queued_at=now)
        if changed:
            ids.append(row["pk"])
    if ids:
        with transaction.atomic():
            enqueue_on_commit(ids)
    return ids


# --- Response-rate snapshots --------------------------------------------------------------------


def rate_snapshot_take(
    *, wave: Wave, now: datetime, force: bool = False
) -> ResponseRateSnapshot | None:
    """Store the wave's current rates, unless nothing changed within the last hour. The one
    place snapshots are taken: the beat task, the task queued after a submission (by name,
    `surveys.rate_snapshot_take`) and the demo data all come here."""
    counts = rates.wave_rates(wave).as_dict()
    submitted = counts["overall"]["submitted"]
    latest = rates.latest_snapshot(wave)
    if (
        not force
        and latest is not None
        and latest.counts == counts
        and now - latest.taken_at < timedelta(hours=1)
    ):
        return None
    return ResponseRateSnapshot.objects.create(
        wave=wave, taken_at=now, counts=counts, submitted=submitted
    )


def open_waves(now: datetime) -> list[Wave]:
    return [
        wave
        for wave in Wave.objects.filter(status=Wave.Status.OPEN)
        if wave.is_open(now) or (wave.closes_at and now - wave.closes_at < timedelta(days=1))
    ]
