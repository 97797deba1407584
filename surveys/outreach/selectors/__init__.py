"""Reads of outreach, in three parts a reader can name:

- `rates`: response rates computed in the database (invited, started, submitted) overall, by
  kind, county and size class, their snapshots and the submissions over time;
- `status`: the status list, every organisation that has not submitted with its progress,
  contact persons, failed addresses and reminders, for the dashboard and its CSV;
- `rounds`: what was sent, every mail round with its results, and the failed addresses.

Callers import the package (`from surveys.outreach import selectors as rates`); the names below
are the public reads of all three.
"""

from surveys.outreach.selectors.rates import (
    OSLO,
    CountyRates,
    Figures,
    SizeClassRates,
    SubmissionsOverTime,
    SummaryRates,
    WaveRates,
    counties_in_wave,
    format_percent,
    headline,
    kind_noun,
    latest_snapshot,
    oslo_date,
    percent,
    submissions_by_day,
    submissions_over_time,
    summary_and_county_rates,
    summary_rates,
    targeted_by_number,
    targeted_organisations,
    wave_rates,
    with_answer_set,
)
from surveys.outreach.selectors.rounds import failed_messages, mail_rounds_summary
from surveys.outreach.selectors.status import (
    NOT_SUBMITTED_STATUSES,
    ContactStatus,
    OrganisationStatus,
    applicable_section_counts,
    not_submitted_status,
    sections_answered_by_organisation,
    status_csv_rows,
)

__all__ = [
    "NOT_SUBMITTED_STATUSES",
    "OSLO",
    "ContactStatus",
    "CountyRates",
    "Figures",
    "OrganisationStatus",
    "SizeClassRates",
    "SubmissionsOverTime",
    "SummaryRates",
    "WaveRates",
    "applicable_section_counts",
    "counties_in_wave",
    "failed_messages",
    "format_percent",
    "headline",
    "kind_noun",
    "latest_snapshot",
    "mail_rounds_summary",
    "not_submitted_status",
    "oslo_date",
    "percent",
    "sections_answered_by_organisation",
    "status_csv_rows",
    "submissions_by_day",
    "submissions_over_time",
    "summary_and_county_rates",
    "summary_rates",
    "targeted_by_number",
    "targeted_organisations",
    "wave_rates",
    "with_answer_set",
]
