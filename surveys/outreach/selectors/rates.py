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
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import County, Organisation, OrganisationKind, SizeClass
from surveys.charts import RunningShare
from surveys.models import (
    AnswerSet,
    MailKind,
    OutboundMessage,
    ResponseRateSnapshot,
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


def targeted_by_number(wave: Wave, numbers: list[str]) -> dict[str, int]:
    """The targeted organisations among `numbers`: number -> id (one query)."""
    return dict(targeted_organisations(wave).filter(number__in=numbers).values_list("number", "pk"))


def _invited_organisations(wave: Wave) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        wave=wave, kind=MailKind.INVITATION, state=OutboundMessage.State.SENT
    ).values("organisation_id")


def with_answer_set(
    wave: Wave, organisations: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    """The targeted organisations (or `organisations`) with `wave_answer_set`, their answer set
    of the wave if any, to filter and count on."""
    # One answer set per organisation and wave (unique constraint), so the filtered LEFT JOIN
    # never multiplies rows.
    if organisations is None:
        organisations = targeted_organisations(wave)
    return organisations.annotate(
        wave_answer_set=FilteredRelation("answer_sets", condition=Q(answer_sets__wave=wave)),
    )


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
        with_answer_set(wave, organisations)
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
        with_answer_set(wave)
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


@dataclass(frozen=True)
class SubmissionsOverTime:
    """The dashboard's chart and table of submissions: a running count per kind from the
    wave's opening (or its first submission) to today, or to its closing if earlier."""

    start: dt.date
    end: dt.date
    lines: list[RunningShare]
    table: list[dict[str, object]]


def submissions_over_time(wave: Wave, result: SummaryRates, today: dt.date) -> SubmissionsOverTime:
    """Cumulative submissions per day and kind, and their share of `result`'s totals."""
    series = submissions_by_day(wave)
    start = oslo_date(wave.opens_at) if wave.opens_at else None
    if series and (start is None or series[0]["day"] < start):
        start = series[0]["day"]
    start = start or today
    end = today
    if wave.closes_at:
        end = min(end, oslo_date(wave.closes_at))
    end = max(end, start + dt.timedelta(days=1))
    lines = []
    for key, kind in (
        ("kommuner", OrganisationKind.KOMMUNE),
        ("fylkeskommuner", OrganisationKind.FYLKESKOMMUNE),
    ):
        total = result.by_kind.get(kind, Figures()).total
        if total:
            label = kind_noun(kind, 2).capitalize()
            by_day = [(row["day"], row[key]) for row in series]
            lines.append(RunningShare(key=key, label=label, total=total, by_day=by_day))
    table = [
        {
            "day": row["day"],
            "kommuner": row["kommuner"],
            "kommuner_percent": percent(row["kommuner"], result.kommuner.total),
            "fylkeskommuner": row["fylkeskommuner"],
            "fylkeskommuner_percent": percent(row["fylkeskommuner"], result.fylkeskommuner.total),
        }
        for row in series
    ]
    return SubmissionsOverTime(start=start, end=end, lines=lines, table=table)


def oslo_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(OSLO).date()
