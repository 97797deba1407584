"""The status list: every targeted organisation that has not submitted, with its progress,
contact persons, failed addresses and reminders, for the dashboard and its CSV.

A page of the list, or the whole list for the CSV, loads in a constant number of queries
whatever the number of organisations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Contact, Organisation, OrganisationKind, SizeClass
from surveys.models import Answer, AnswerSet, MailKind, OutboundMessage, Section, Wave
from surveys.outreach.selectors.rates import OSLO, with_answer_set


@dataclass
class ContactStatus:
    name: str
    email: str
    role: str
    failed_reason: str = ""


@dataclass
class OrganisationStatus:
    organisation_id: int
    number: str
    name: str
    kind: str
    county: str
    size_class: int | None
    started: bool
    sections_answered: int
    sections_total: int
    last_reminder_at: dt.datetime | None
    reminders: int
    invited: bool
    contacts: list[ContactStatus] = field(default_factory=list)

    @property
    def has_failed_address(self) -> bool:
        return any(contact.failed_reason for contact in self.contacts)


def applicable_section_counts(wave: Wave) -> dict[str, int]:
    """How many sections apply to each organisation kind (sections are few: one query)."""
    sections = list(Section.objects.filter(wave=wave).values_list("applies_to", flat=True))
    return {
        kind: sum(1 for applies_to in sections if not applies_to or kind in applies_to)
        for kind in OrganisationKind.values
    }


def sections_answered_by_organisation(
    wave: Wave, *, organisation_ids: list[int] | None = None
) -> dict[int, int]:
    """Per organisation, the number of sections with at least one answer (one query)."""
    answers = Answer.objects.filter(answer_set__wave=wave)
    if organisation_ids is not None:
        answers = answers.filter(answer_set__organisation_id__in=organisation_ids)
    rows = answers.values("answer_set__organisation_id").annotate(
        n=Count("question__section_id", distinct=True)
    )
    return {row["answer_set__organisation_id"]: row["n"] for row in rows}


NOT_SUBMITTED_STATUSES = [
    status for status in AnswerSet.Status.values if status != AnswerSet.Status.SUBMITTED
]


def not_submitted_status(
    wave: Wave,
    *,
    organisation_ids: list[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[OrganisationStatus]:
    """Targeted organisations that have not submitted, with progress, contacts and reminders;
    `offset`/`limit` give one page of them (in the list's order: kind, number).

    A constant number of queries whatever the number of organisations.
    """
    organisations = _not_submitted_rows(wave)
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=organisation_ids)
    if limit is not None:
        organisations = organisations[offset : offset + limit]
    rows = list(organisations)
    ids = [row["pk"] for row in rows]
    section_totals = applicable_section_counts(wave)
    answered = sections_answered_by_organisation(wave, organisation_ids=ids)
    contacts = _contacts_by_organisation(wave, ids)
    return [
        OrganisationStatus(
            organisation_id=row["pk"],
            number=row["number"],
            name=row["name"],
            kind=row["kind"],
            county=row["county__name"],
            size_class=row["size_class"],
            started=row["wave_answer_set_id"] is not None,
            sections_answered=answered.get(row["pk"], 0),
            sections_total=section_totals.get(row["kind"], 0),
            last_reminder_at=row["last_reminder_at"],
            reminders=row["reminder_rounds"] or 0,
            invited=row["is_invited"],
            contacts=contacts.get(row["pk"], []),
        )
        for row in rows
    ]


def _not_submitted_rows(wave: Wave) -> QuerySet[Organisation]:
    """The list's organisations as plain rows: whether invited and started, and reminders."""
    # "invited" is an EXISTS so several contacts count once.
    invited = OutboundMessage.objects.filter(
        wave=wave,
        kind=MailKind.INVITATION,
        organisation=OuterRef("pk"),
        state=OutboundMessage.State.SENT,
    )
    return (
        with_answer_set(wave)
        .annotate(is_invited=Exists(invited))
        # On the LEFT JOIN the list already has, not an .exclude(), which adds a NOT EXISTS
        # joining organisations and answer sets once more (15 -> 10 ms for a page of 500 at
        # 100,000 organisations).
        .filter(
            Q(wave_answer_set__isnull=True) | Q(wave_answer_set__status__in=NOT_SUBMITTED_STATUSES)
        )
        .annotate(wave_answer_set_id=F("wave_answer_set__id"), **_reminder_columns(wave))
        .order_by("kind", "number")
        # Plain rows of the columns shown, not model instances of every column: a page of 500
        # organisations and their counties as models was a fifth of the dashboard's CPU time
        # at national scale (benchmarks/RESULTS.md).
        .values(
            "pk",
            "number",
            "name",
            "kind",
            "size_class",
            "county__name",
            "is_invited",
            "wave_answer_set_id",
            "last_reminder_at",
            "reminder_rounds",
        )
    )


def _reminder_columns(wave: Wave) -> dict[str, Subquery]:
    """When an organisation was last reminded, and in how many rounds."""
    reminders = OutboundMessage.objects.filter(
        wave=wave, kind=MailKind.REMINDER, organisation=OuterRef("pk")
    ).order_by()
    last_reminder = (
        reminders.filter(state=OutboundMessage.State.SENT)
        .values("organisation")
        .annotate(last=Max("sent_at"))
        .values("last")
    )
    reminder_rounds = (
        reminders.values("organisation").annotate(n=Count("round_id", distinct=True)).values("n")
    )
    return {
        "last_reminder_at": Subquery(last_reminder),
        "reminder_rounds": Subquery(reminder_rounds),
    }


def _contacts_by_organisation(wave: Wave, ids: list[int]) -> dict[int, list[ContactStatus]]:
    """The active contacts of these organisations, each with the reason its mail failed if it
    did (the latest failure), in two queries."""
    failed: dict[int, str] = {}
    for contact_id, reason in (
        OutboundMessage.objects.filter(
            wave=wave, organisation_id__in=ids, state=OutboundMessage.State.FAILED
        )
        .order_by("failed_at")
        .values_list("contact_id", "reason")
    ):
        failed[contact_id] = reason
    contacts: dict[int, list[ContactStatus]] = defaultdict(list)
    for contact_id, organisation_id, name, email, role in (
        Contact.objects.filter(organisation_id__in=ids, is_active=True)
        .order_by("name", "email")
        .values_list("pk", "organisation_id", "name", "email", "role")
    ):
        contacts[organisation_id].append(
            ContactStatus(name, email, role, failed.get(contact_id, ""))
        )
    return contacts


def status_csv_rows(wave: Wave) -> Iterator[list[Any]]:
    """The dashboard's status list as CSV rows: organisations that have not submitted, one row
    per contact person (an organisation without contacts gets one row)."""
    rows = not_submitted_status(wave)
    size_labels = dict(SizeClass.choices)

    yield [
        _("Nummer"),
        _("Navn"),
        _("Type"),
        _("Fylke"),
        _("Størrelsesklasse"),
        _("Status"),
        _("Deler med svar"),
        _("Deler i alt"),
        _("Påminnelser"),
        _("Siste påminnelse"),
        _("Kontaktperson"),
        _("E-post"),
        _("Rolle"),
        _("Feil ved utsending"),
    ]
    for row in rows:
        status = _("Påbegynt") if row.started else _("Ikke påbegynt")
        last = (
            timezone.localtime(row.last_reminder_at, OSLO).strftime("%Y-%m-%d %H:%M")
            if row.last_reminder_at
            else ""
        )
        base = [
            row.number,
            row.name,
            OrganisationKind(row.kind).label,
            row.county,
            size_labels.get(row.size_class, ""),
            status,
            row.sections_answered,
            row.sections_total,
            row.reminders,
            last,
        ]
        for contact in row.contacts or [None]:
            extra = (
                [contact.name, contact.email, contact.role, contact.failed_reason]
                if contact
                else ["", "", "", ""]
            )
            yield base + extra
