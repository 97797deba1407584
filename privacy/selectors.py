"""Reads for privacy work: what is stored about an address (access), what an erasure would
change, and when each wave's personal data is due to be pseudonymised. They never write."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Contact
from privacy.models import WaveRetention
from surveys.models import AccessToken, Answer, AnswerChange, AnswerSet, OutboundMessage, Wave

# Erased and pseudonymised contacts keep their row (mail rows and answers point to it, and the
# response rates count those mail rows) under an address in a reserved domain (RFC 2606).
PSEUDONYM_DOMAIN = "slettet.invalid"
RESPONDENT_SESSION_KEY = "respondent"


def pseudonym_email(contact_id: int) -> str:
    return f"slettet-{contact_id}@{PSEUDONYM_DOMAIN}"


def is_pseudonymised(contact: Contact) -> bool:
    return contact.email.endswith("@" + PSEUDONYM_DOMAIN)


# --- Sessions ---------------------------------------------------------------------------------


def respondent_sessions(*, contact_ids: set[int] | None = None, wave_id: int | None = None):
    """Unexpired sessions of respondents, of these contacts or of this wave: (key, data)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded().get(RESPONDENT_SESSION_KEY)
        grants = data.get("grants") if isinstance(data, dict) else None
        if not isinstance(grants, list):
            continue
        # A session may hold several organisations' links: it matches when any of them does.
        if any(
            isinstance(grant, dict)
            and (contact_ids is None or grant.get("contact") in contact_ids)
            and (wave_id is None or grant.get("wave") == wave_id)
            for grant in grants
        ):
            yield session.session_key, session.expire_date


def log_entries_mentioning(texts: list[str]) -> QuerySet[LogEntry]:
    """Entries of the admin's log whose object or message mentions any of these texts."""
    condition = Q()
    for text in texts:
        if text:
            condition |= Q(object_repr__icontains=text) | Q(change_message__icontains=text)
    if not condition:
        return LogEntry.objects.none()
    return LogEntry.objects.filter(condition).select_related("user").order_by("action_time")


# --- Access (GDPR art. 15) ---------------------------------------------------------------------


@dataclass
class ReportSection:
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)


@dataclass
class PersonalDataReport:
    email: str
    contacts: list[Contact]
    sections: list[ReportSection]

    @property
    def is_empty(self) -> bool:
        return not any(section.rows for section in self.sections)


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def personal_data_report(*, email: str) -> PersonalDataReport:
    """Everything stored about an e-mail address: contacts, mail, authorship, links, sessions
    and logs."""
    email = email.strip().lower()
    contacts = list(
        Contact.objects.filter(email__iexact=email)
        .select_related("organisation__edition")
        .order_by("organisation__edition__year", "organisation__number")
    )
    ids = {contact.pk for contact in contacts}
    names = sorted({contact.name for contact in contacts if contact.name})
    sections = [
        ReportSection(
            _("Kontaktperson"),
            [_("Organisasjon"), _("År"), _("Navn"), _("E-post"), _("Rolle"), _("Aktiv")],
            [
                [
                    str(c.organisation),
                    c.organisation.edition.year,
                    c.name,
                    c.email,
                    c.role,
                    _("ja") if c.is_active else _("nei"),
                ]
                for c in contacts
            ],
        ),
        _mail_section(email, ids),
        _authorship_section(ids),
        _submitted_section(ids),
        _links_section(ids),
        ReportSection(
            _("Innlogginger (økter) som er i bruk"),
            [_("Utløper")],
            [[_when(expires)] for _key, expires in respondent_sessions(contact_ids=ids)],
        ),
        ReportSection(
            _("Administrasjonslogg"),
            [_("Tidspunkt"), _("Bruker"), _("Objekt"), _("Endring")],
            [
                [_when(e.action_time), str(e.user), e.object_repr, e.get_change_message()]
                for e in log_entries_mentioning([email, *names])
            ],
        ),
    ]
    return PersonalDataReport(email=email, contacts=contacts, sections=sections)


def _mail_section(email: str, ids: set[int]) -> ReportSection:
    messages = (
        OutboundMessage.objects.filter(Q(contact_id__in=ids) | Q(to_email__iexact=email))
        .select_related("wave", "organisation", "round")
        .order_by("created_at", "pk")
    )
    return ReportSection(
        _("E-post sendt fra undersøkelsen"),
        [_("Runde"), _("Type"), _("Til"), _("Status"), _("Opprettet"), _("Sendt"), _("Årsak")],
        [
            [
                m.wave.title,
                # A receipt belongs to a submit, not to a sending round.
                f"{m.get_kind_display()} {m.round.number}" if m.round else m.get_kind_display(),
                m.to_email,
                m.get_state_display(),
                _when(m.created_at),
                _when(m.sent_at),
                m.reason,
            ]
            for m in messages
        ],
    )


def _authorship_section(ids: set[int]) -> ReportSection:
    changes = (
        AnswerChange.objects.filter(changed_by_id__in=ids)
        .select_related("answer_set__wave", "answer_set__organisation", "question")
        .order_by("changed_at", "pk")
    )
    return ReportSection(
        _("Svar du har gitt eller endret"),
        [_("Runde"), _("Organisasjon"), _("Spørsmål"), _("Handling"), _("Tidspunkt")],
        [
            [
                c.answer_set.wave.title,
                str(c.answer_set.organisation),
                c.question.text if c.question else "",
                c.get_action_display(),
                _when(c.changed_at),
            ]
            for c in changes
        ],
    )


def _submitted_section(ids: set[int]) -> ReportSection:
    answer_sets = (
        AnswerSet.objects.filter(submitted_by_id__in=ids)
        .select_related("wave", "organisation")
        .order_by("submitted_at")
    )
    return ReportSection(
        _("Svar du har sendt inn"),
        [_("Runde"), _("Organisasjon"), _("Sendt inn")],
        [[s.wave.title, str(s.organisation), _when(s.submitted_at)] for s in answer_sets],
    )


def _links_section(ids: set[int]) -> ReportSection:
    tokens = (
        AccessToken.objects.filter(contact_id__in=ids).select_related("wave").order_by("created_at")
    )
    return ReportSection(
        _("Personlige lenker"),
        [_("Runde"), _("Opprettet"), _("Sist brukt"), _("Trukket tilbake")],
        [
            [t.wave.title, _when(t.created_at), _when(t.last_used_at), _when(t.revoked_at)]
            for t in tokens
        ],
    )


# --- Erasure -----------------------------------------------------------------------------------


@dataclass
class ErasurePreview:
    contact: Contact
    items: list[tuple[str, int]]


def erasure_preview(*, contact: Contact) -> ErasurePreview:
    """What erasing this contact would change, counted per kind of row."""
    texts = [contact.email, contact.name]
    sessions = sum(1 for _ in respondent_sessions(contact_ids={contact.pk}))
    items = [
        (_("Kontaktpersonen: navn, e-postadresse og rolle fjernes"), 1),
        (
            _("E-poster til personen: adressen erstattes, usendte e-poster stoppes"),
            OutboundMessage.objects.filter(contact=contact).count(),
        ),
        (
            _("Svar og endringer personen har gjort: vises som «slettet kontaktperson»"),
            AnswerChange.objects.filter(changed_by=contact).count()
            + Answer.objects.filter(changed_by=contact).count()
            + AnswerSet.objects.filter(submitted_by=contact).count(),
        ),
        (
            _("Personlige lenker: slettes"),
            AccessToken.objects.filter(Q(contact=contact) | Q(invited_by=contact)).count(),
        ),
        (_("Pålogginger (økter) som er i bruk: avsluttes"), sessions),
        (
            _("Oppføringer i administrasjonsloggen: navn og adresse fjernes"),
            log_entries_mentioning(texts).count(),
        ),
    ]
    return ErasurePreview(contact=contact, items=items)


# --- Retention ---------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same local time `months` later; the 31st becomes the last day of a shorter month."""
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return timezone.make_aware(naive, timezone.get_default_timezone())


@dataclass
class RetentionRow:
    wave: Wave
    months: int
    is_default: bool
    due_at: datetime | None
    pseudonymised_at: datetime | None
    counts: dict[str, int]

    @property
    def is_due(self) -> bool:
        return self.pseudonymised_at is None and self.due_at is not None

    def due_by(self, now: datetime) -> bool:
        return self.is_due and self.due_at <= now


def retention_months(wave: Wave) -> tuple[int, bool]:
    """The wave's retention period in months, and whether it is the default."""
    retention = getattr(wave, "retention", None)
    if retention is not None and retention.months is not None:
        return retention.months, False
    return settings.PRIVACY_RETENTION_MONTHS, True


def _counts_by_wave(queryset: QuerySet, wave_field: str) -> dict[int, int]:
    rows = queryset.order_by().values(wave_field).annotate(n=Count("pk"))
    return {row[wave_field]: row["n"] for row in rows}


def retention_schedule() -> list[RetentionRow]:
    """Every wave with its retention date and what is left to pseudonymise (six queries)."""
    waves = list(Wave.objects.select_related("retention", "edition").order_by("closes_at", "pk"))
    has_author = Q(changed_by__isnull=False) | Q(changed_by_user__isnull=False)
    messages = _counts_by_wave(
        OutboundMessage.objects.exclude(to_email__endswith="@" + PSEUDONYM_DOMAIN), "wave_id"
    )
    changes = _counts_by_wave(AnswerChange.objects.filter(has_author), "answer_set__wave_id")
    links = _counts_by_wave(AccessToken.objects.all(), "wave_id")
    contacts = {
        row["organisation__edition_id"]: row["n"]
        for row in Contact.objects.exclude(email__endswith="@" + PSEUDONYM_DOMAIN)
        .order_by()
        .values("organisation__edition_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    for wave in waves:
        months, is_default = retention_months(wave)
        retention = getattr(wave, "retention", None)
        rows.append(
            RetentionRow(
                wave=wave,
                months=months,
                is_default=is_default,
                due_at=add_months(wave.closes_at, months) if wave.closes_at else None,
                pseudonymised_at=retention.pseudonymised_at if retention else None,
                counts={
                    "messages": messages.get(wave.pk, 0),
                    "changes": changes.get(wave.pk, 0),
                    "links": links.get(wave.pk, 0),
                    # Pseudonymised with the last wave of the register edition.
                    "contacts": contacts.get(wave.edition_id, 0),
                },
            )
        )
    return rows


def waves_due(*, now: datetime) -> list[Wave]:
    """Waves whose retention period has run out and that are not pseudonymised yet."""
    return [row.wave for row in retention_schedule() if row.due_by(now)]


def edition_fully_pseudonymised(*, edition_id: int) -> bool:
    """Whether every wave of this register edition is pseudonymised (its contacts may go)."""
    waves = Wave.objects.filter(edition_id=edition_id)
    done = WaveRetention.objects.filter(wave__in=waves, pseudonymised_at__isnull=False)
    return waves.exists() and done.count() == waves.count()
