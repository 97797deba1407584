"""Response rates of a wave, computed in the database: invited, started, submitted.

Worded as KS reports them: "212 av 430 kommuner (49 %)". The denominator is every targeted
organisation in the wave's register edition (not only the invited ones); percentages are rounded
half up to whole numbers, as in the KS report.

Definitions: *invited* = at least one invitation e-mail was sent to a contact; *started* = the
organisation has an answer set (in progress or submitted); *submitted* = its answer set is
submitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import County, Organisation, OrganisationKind, SizeClass
from surveys.models import (
    Answer,
    AnswerSet,
    MailKind,
    OutboundMessage,
    ResponseRateSnapshot,
    Section,
    Wave,
)

OSLO = ZoneInfo("Europe/Oslo")


def percent(part: int, total: int) -> int | None:
    """Whole-number percentage rounded half up (49.5 -> 50), None when there is no total."""
    if not total:
        return None
    return int((Decimal(part) * 100 / Decimal(total)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class Figures:
    total: int = 0
    invited: int = 0
    started: int = 0
    submitted: int = 0

    @property
    def invited_percent(self) -> int | None:
        return percent(self.invited, self.total)

    @property
    def started_percent(self) -> int | None:
        return percent(self.started, self.total)

    @property
    def submitted_percent(self) -> int | None:
        return percent(self.submitted, self.total)

    @property
    def not_submitted(self) -> int:
        return self.total - self.submitted

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.total + other.total,
            self.invited + other.invited,
            self.started + other.started,
            self.submitted + other.submitted,
        )

    def as_dict(self) -> dict[str, int | None]:
        return {
            **asdict(self),
            "invited_percent": self.invited_percent,
            "started_percent": self.started_percent,
            "submitted_percent": self.submitted_percent,
        }


def kind_noun(kind: str, count: int) -> str:
    if kind == OrganisationKind.FYLKESKOMMUNE:
        return ngettext("fylkeskommune", "fylkeskommuner", count)
    return ngettext("kommune", "kommuner", count)


def format_percent(value: int | None) -> str:
    return "–" if value is None else f"{value} %"


def headline(kind: str, figures: Figures) -> str:
    """ "212 av 430 kommuner (49 %)", the way KS words a response rate."""
    return _("%(part)s av %(total)s %(noun)s (%(percent)s)") % {
        "part": figures.submitted,
        "total": figures.total,
        "noun": kind_noun(kind, figures.total),
        "percent": format_percent(figures.submitted_percent),
    }


@dataclass(frozen=True)
class CountyRates:
    county_id: int
    number: str
    name: str
    kommuner: Figures = field(default_factory=Figures)
    fylkeskommuner: Figures = field(default_factory=Figures)

    @property
    def all(self) -> Figures:
        return self.kommuner + self.fylkeskommuner


@dataclass(frozen=True)
class SizeClassRates:
    size_class: int
    label: str
    figures: Figures


@dataclass(frozen=True)
class SummaryRates:
    """Overall, by kind and kommuner by size class: what the dashboard's headlines, chart and
    size table show, without the breakdown by county (one query, `summary_rates`)."""

    by_kind: dict[str, Figures]
    by_size_class: list[SizeClassRates]

    @property
    def kommuner(self) -> Figures:
        return self.by_kind.get(OrganisationKind.KOMMUNE, Figures())

    @property
    def fylkeskommuner(self) -> Figures:
        return self.by_kind.get(OrganisationKind.FYLKESKOMMUNE, Figures())

    @property
    def overall(self) -> Figures:
        return self.kommuner + self.fylkeskommuner


@dataclass(frozen=True)
class WaveRates(SummaryRates):
    """Everything the dashboard and `response_rates` show, from two queries."""

    by_county: list[CountyRates] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.as_dict(),
            "by_kind": {kind: figures.as_dict() for kind, figures in self.by_kind.items()},
            "by_county": [
                {
                    "number": row.number,
                    "name": row.name,
                    "kommuner": row.kommuner.as_dict(),
                    "fylkeskommuner": row.fylkeskommuner.as_dict(),
                }
                for row in self.by_county
            ],
            "by_size_class": [
                {"size_class": row.size_class, "label": row.label, **row.figures.as_dict()}
                for row in self.by_size_class
            ],
        }


def targeted_organisations(wave: Wave) -> QuerySet[Organisation]:
    """The organisations a wave goes to: its register edition, its target kinds."""
    return Organisation.objects.filter(edition_id=wave.edition_id, kind__in=wave.target_kinds)


def _invited_organisations(wave: Wave) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        wave=wave, kind=MailKind.INVITATION, state=OutboundMessage.State.SENT
    ).values("organisation_id")


def _with_answer_set(
    wave: Wave, organisations: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    # One answer set per organisation and wave (unique constraint), so the filtered LEFT JOIN
    # never multiplies rows.
    if organisations is None:
        organisations = targeted_organisations(wave)
    return organisations.annotate(
        wave_answer_set=FilteredRelation("answer_sets", condition=Q(answer_sets__wave=wave)),
    )


def _with_rate_flags(wave: Wave) -> QuerySet[Organisation]:
    # "invited" is an EXISTS so several contacts count once.
    invited = OutboundMessage.objects.filter(
        wave=wave,
        kind=MailKind.INVITATION,
        organisation=OuterRef("pk"),
        state=OutboundMessage.State.SENT,
    )
    return _with_answer_set(wave).annotate(is_invited=Exists(invited))


def _figures_aggregates(wave: Wave) -> dict[str, Count]:
    return {
        "total": Count("pk"),
        # An uncorrelated IN, not a correlated EXISTS per organisation: PostgreSQL hashes the
        # invited organisations once (a hashed SubPlan) instead of probing the messages for
        # each of 100,000 organisations; several contacts of one organisation count once.
        "invited": Count("pk", filter=Q(pk__in=_invited_organisations(wave))),
        "started": Count("pk", filter=Q(wave_answer_set__isnull=False)),
        "submitted": Count("pk", filter=Q(wave_answer_set__status=AnswerSet.Status.SUBMITTED)),
    }


def _figures(row: dict) -> Figures:
    return Figures(row["total"], row["invited"], row["started"], row["submitted"])


def _rate_rows(
    wave: Wave,
    group_by: tuple[str, ...] = ("county_id", "kind", "size_class"),
    organisations: QuerySet[Organisation] | None = None,
) -> list[dict]:
    """Figures per group of plain columns (by default county, kind and size class) in one
    GROUP BY: hashed in the database, without sorting every organisation (100,000 of them in
    the benchmarks); coarser figures are sums of these rows."""
    return list(
        _with_answer_set(wave, organisations)
        .values(*group_by)
        .annotate(**_figures_aggregates(wave))
        .order_by()
    )


def _county_column(kind: str) -> str:
    """The CountyRates field an organisation kind's figures go in."""
    return "fylkeskommuner" if kind == OrganisationKind.FYLKESKOMMUNE else "kommuner"


def _county_rates(wave: Wave, rows: list[dict]) -> list[CountyRates]:
    counties = {
        county.pk: county
        for county in County.objects.filter(edition_id=wave.edition_id).only("number", "name")
    }
    by_county: dict[int, dict] = {}
    for row in rows:
        county = counties[row["county_id"]]
        entry = by_county.setdefault(
            county.pk,
            {"county_id": county.pk, "number": county.number, "name": county.name},
        )
        key = _county_column(row["kind"])
        entry[key] = entry.get(key, Figures()) + _figures(row)
    ordered = sorted(by_county.values(), key=lambda entry: entry["number"])
    return [CountyRates(**entry) for entry in ordered]


def _size_class_rates(rows: list[dict]) -> list[SizeClassRates]:
    by_class: dict[int, Figures] = defaultdict(Figures)
    for row in rows:
        if row["kind"] == OrganisationKind.KOMMUNE and row["size_class"] is not None:
            by_class[row["size_class"]] = by_class[row["size_class"]] + _figures(row)
    return [
        SizeClassRates(int(size_class), str(size_class.label), by_class.get(size_class, Figures()))
        for size_class in SizeClass
    ]


def _by_kind(wave: Wave, rows: list[dict]) -> dict[str, Figures]:
    by_kind: dict[str, Figures] = {}
    for kind in wave.target_kinds:
        by_kind[kind] = sum((_figures(row) for row in rows if row["kind"] == kind), Figures())
    return by_kind


def _summary(wave: Wave, rows: list[dict]) -> SummaryRates:
    """By kind, and kommuner by size class (every class listed, also when empty)."""
    by_size_class = _size_class_rates(rows) if OrganisationKind.KOMMUNE in wave.target_kinds else []
    return SummaryRates(by_kind=_by_kind(wave, rows), by_size_class=by_size_class)


def wave_rates(wave: Wave) -> WaveRates:
    """Overall, by kind, by county and by size class, in two queries."""
    rows = _rate_rows(wave)
    summary = _summary(wave, rows)
    return WaveRates(
        by_kind=summary.by_kind,
        by_size_class=summary.by_size_class,
        by_county=_county_rates(wave, rows),
    )


def summary_rates(wave: Wave) -> SummaryRates:
    """Overall, by kind and by size class, without the counties (one query): the dashboard's
    headlines and its live refresh. Grouped by (kind, size class), a dozen groups, so the
    database can aggregate in parallel instead of hashing thousands of county groups."""
    return _summary(wave, _rate_rows(wave, ("kind", "size_class")))


def counties_in_wave(wave: Wave) -> QuerySet[County]:
    """The counties with at least one targeted organisation, by number (the county table's
    rows, as in `wave_rates`)."""
    return (
        County.objects.filter(edition_id=wave.edition_id)
        .filter(Exists(targeted_organisations(wave).filter(county_id=OuterRef("pk"))))
        .only("number", "name")
        .order_by("number")
    )


def summary_and_county_rates(
    wave: Wave, counties: list[County]
) -> tuple[SummaryRates, list[CountyRates]]:
    """`summary_rates`, and the figures of `counties` (a page of the county table, from
    `counties_in_wave`), in the same one pass over the organisations and their answer sets.

    Grouped by (kind, size class) and the county only for the page's counties, so a few
    hundred groups at most: at 100,000 organisations this took 91 ms where the summary alone
    took 86 ms and a second query for a page of 50 counties 25 ms (benchmarks/RESULTS.md).
    """
    ids = [county.pk for county in counties]
    rows = list(
        _with_answer_set(wave)
        .annotate(
            page_county_id=Case(
                When(county_id__in=ids, then=F("county_id")),
                default=None,
                output_field=BigIntegerField(),
            )
        )
        .values("page_county_id", "kind", "size_class")
        .annotate(**_figures_aggregates(wave))
        .order_by()
    )
    by_county: dict[int, dict[str, Figures]] = defaultdict(lambda: defaultdict(Figures))
    for row in rows:
        if row["page_county_id"] is not None:
            by_county[row["page_county_id"]][_county_column(row["kind"])] += _figures(row)
    county_rows = [
        CountyRates(county.pk, county.number, county.name, **by_county[county.pk])
        for county in counties
    ]
    return _summary(wave, rows), county_rows


def latest_snapshot(wave: Wave) -> ResponseRateSnapshot | None:
    return wave.rate_snapshots.order_by("-taken_at").first()


def submissions_by_day(wave: Wave) -> list[dict[str, object]]:
    """Cumulative submitted answer sets per Oslo calendar day, per kind (one query)."""
    # The fylkeskommuner are counted with an IN over the register's few fylkeskommuner and the
    # kommuner are the rest, so the answer sets are not joined with every organisation (a
    # hash join over 100,000 organisations took most of this query's time in the
    # benchmarks); organisations are either kommuner or fylkeskommuner.
    fylkeskommuner = Organisation.objects.filter(
        edition_id=wave.edition_id, kind=OrganisationKind.FYLKESKOMMUNE
    ).values("pk")
    rows = (
        AnswerSet.objects.filter(
            wave=wave, status=AnswerSet.Status.SUBMITTED, submitted_at__isnull=False
        )
        .annotate(day=TruncDate("submitted_at", tzinfo=OSLO))
        .values("day")
        .annotate(
            n=Count("pk"),
            fylkeskommuner=Count("pk", filter=Q(organisation_id__in=fylkeskommuner)),
        )
        # Sorted below: ordering in the database would sort every submitted set first.
        .order_by()
    )
    series = []
    kommuner = fylker = 0
    for row in sorted(rows, key=lambda row: row["day"]):
        kommuner += row["n"] - row["fylkeskommuner"]
        fylker += row["fylkeskommuner"]
        series.append({"day": row["day"], "kommuner": kommuner, "fylkeskommuner": fylker})
    return series


# --- The status list: organisations that have not submitted ---------------------------------


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
    from municipalities.models import Contact

    last_reminder = (
        OutboundMessage.objects.filter(
            wave=wave,
            kind=MailKind.REMINDER,
            organisation=OuterRef("pk"),
            state=OutboundMessage.State.SENT,
        )
        .order_by()
        .values("organisation")
        .annotate(last=Max("sent_at"))
        .values("last")
    )
    reminder_rounds = (
        OutboundMessage.objects.filter(
            wave=wave, kind=MailKind.REMINDER, organisation=OuterRef("pk")
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("round_id", distinct=True))
        .values("n")
    )
    organisations = (
        _with_rate_flags(wave)
        # On the LEFT JOIN the list already has, not an .exclude(), which adds a NOT EXISTS
        # joining organisations and answer sets once more (15 -> 10 ms for a page of 500 at
        # 100,000 organisations).
        .filter(
            Q(wave_answer_set__isnull=True) | Q(wave_answer_set__status__in=NOT_SUBMITTED_STATUSES)
        )
        .annotate(
            wave_answer_set_id=F("wave_answer_set__id"),
            last_reminder_at=Subquery(last_reminder),
            reminder_rounds=Subquery(reminder_rounds),
        )
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
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=organisation_ids)
    if limit is not None:
        organisations = organisations[offset : offset + limit]
    organisations = list(organisations)
    ids = [organisation["pk"] for organisation in organisations]
    section_totals = applicable_section_counts(wave)
    answered = sections_answered_by_organisation(wave, organisation_ids=ids)
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
    return [
        OrganisationStatus(
            organisation_id=organisation["pk"],
            number=organisation["number"],
            name=organisation["name"],
            kind=organisation["kind"],
            county=organisation["county__name"],
            size_class=organisation["size_class"],
            started=organisation["wave_answer_set_id"] is not None,
            sections_answered=answered.get(organisation["pk"], 0),
            sections_total=section_totals.get(organisation["kind"], 0),
            last_reminder_at=organisation["last_reminder_at"],
            reminders=organisation["reminder_rounds"] or 0,
            invited=organisation["is_invited"],
            contacts=contacts.get(organisation["pk"], []),
        )
        for organisation in organisations
    ]


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


def oslo_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(OSLO).date()


__all__ = [
    "Figures",
    "SummaryRates",
    "WaveRates",
    "counties_in_wave",
    "failed_messages",
    "headline",
    "latest_snapshot",
    "mail_rounds_summary",
    "not_submitted_status",
    "percent",
    "submissions_by_day",
    "summary_and_county_rates",
    "summary_rates",
    "wave_rates",
]
