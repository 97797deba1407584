"""Who a mailing reaches: the wave's mail settings, active contacts, and the reminder plan.

Reads only; `services` decides and writes. A reminder skips organisations that have submitted,
were never invited, reached the wave's cap, or got a reminder within REMINDER_MIN_INTERVAL_DAYS
(manual and scheduled rounds alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet

from municipalities.models import Contact, Organisation
from surveys.models import AnswerSet, MailingSettings, MailKind, MailRound, OutboundMessage, Wave
from surveys.outreach import selectors as rates


def mailing_settings_for(wave: Wave) -> MailingSettings:
    """The wave's mail language and reminder schedule (defaults, unsaved, when not yet set)."""
    return MailingSettings.objects.filter(wave=wave).first() or MailingSettings(wave=wave)


def selected_ids(
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None,
) -> list[int] | None:
    if organisations is None:
        return None
    if isinstance(organisations, QuerySet):
        return list(organisations.values_list("pk", flat=True))
    return [item if isinstance(item, int) else item.pk for item in organisations]


def active_contacts(wave: Wave, organisation_ids: list[int] | None) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(
        is_active=True,
        organisation__edition_id=wave.edition_id,
        organisation__kind__in=wave.target_kinds,
    )
    if organisation_ids is not None:
        contacts = contacts.filter(organisation_id__in=organisation_ids)
    return contacts.select_related("organisation").order_by("organisation__number", "email")


class SkipReason:
    """Why an organisation selected for a reminder gets none (codes of ReminderPlan.skipped)."""

    SUBMITTED = "submitted"
    NOT_INVITED = "not_invited"
    CAP_REACHED = "cap_reached"
    RECENTLY_REMINDED = "recently_reminded"
    NO_CONTACT = "no_contact"


@dataclass(frozen=True)
class ReminderPlan:
    """Who a reminder round would reach now, and how many organisations it skips and why."""

    recipients: list[Contact]
    skipped: dict[str, int]

    @property
    def organisation_count(self) -> int:
        return len({contact.organisation_id for contact in self.recipients})


def reminder_min_interval() -> timedelta:
    return timedelta(days=settings.REMINDER_MIN_INTERVAL_DAYS)


def reminder_plan(
    *,
    wave: Wave,
    organisations: Iterable[Organisation | int] | QuerySet[Organisation] | None = None,
    now: datetime,
) -> ReminderPlan:
    """The contacts a reminder now would reach: invited organisations that have not submitted,
    are under the wave's cap and got no reminder within REMINDER_MIN_INTERVAL_DAYS (manual and
    scheduled rounds alike), with the skipped organisations counted by reason."""
    cap = mailing_settings_for(wave).max_reminders_per_organisation
    reached = [OutboundMessage.State.FAILED, OutboundMessage.State.CANCELLED]
    reminders = OutboundMessage.objects.filter(wave=wave, kind=MailKind.REMINDER).exclude(
        state__in=reached
    )
    candidates = rates.targeted_organisations(wave)
    selected = selected_ids(organisations)
    if selected is not None:
        candidates = candidates.filter(pk__in=selected)
    remaining = set(candidates.values_list("pk", flat=True))

    def ids(queryset: QuerySet) -> set[int]:
        return set(queryset.values_list("organisation_id", flat=True).distinct())

    rules = [
        (
            SkipReason.SUBMITTED,
            lambda: ids(AnswerSet.objects.filter(wave=wave, status=AnswerSet.Status.SUBMITTED)),
        ),
        (
            SkipReason.NOT_INVITED,
            lambda: (
                remaining
                - ids(
                    OutboundMessage.objects.filter(wave=wave, kind=MailKind.INVITATION).exclude(
                        state__in=reached
                    )
                )
            ),
        ),
        (
            SkipReason.CAP_REACHED,
            lambda: set(
                OutboundMessage.objects.filter(wave=wave, kind=MailKind.REMINDER)
                .values("organisation_id")
                .annotate(rounds=Count("round_id", distinct=True))
                .filter(rounds__gte=cap)
                .values_list("organisation_id", flat=True)
            ),
        ),
        (
            SkipReason.RECENTLY_REMINDED,
            lambda: ids(reminders.filter(created_at__gt=now - reminder_min_interval())),
        ),
    ]
    skipped: dict[str, int] = {}
    for reason, excluded in rules:
        dropped = remaining & excluded()
        skipped[reason] = len(dropped)
        remaining -= dropped
    contacts = list(active_contacts(wave, sorted(remaining)))
    skipped[SkipReason.NO_CONTACT] = len(remaining - {c.organisation_id for c in contacts})
    return ReminderPlan(recipients=contacts, skipped=skipped)


def reminder_round_latest(*, wave: Wave) -> int:
    """The number of the wave's latest reminder round (0 before the first)."""
    return (
        MailRound.objects.filter(wave=wave, kind=MailKind.REMINDER).aggregate(n=Max("number"))["n"]
        or 0
    )
