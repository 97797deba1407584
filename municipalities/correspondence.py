"""Correspondences between register editions: reading SSB's change lists and storing them.

A change list (the bundled `kommuner-2011-2024.csv` and `fylker-2011-2024.csv`, from SSB's
KLASS change tables) has one row per pair (earlier organisation, later organisation) with
`kommunenummer_<earlier year>`, `kommunenummer_<later year>` (or `fylkesnummer_...`), `change`
and, for kommuner, `population_share`. Between editions that have no change list the
organisations are matched by number (`correspondence_by_number`), which is right for years
without a reform and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    ChangeToken,
    Correspondence,
    CorrespondenceLink,
    Organisation,
    OrganisationKind,
    RegisterEdition,
)
from .tabular import Issues, read_table, require_column

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_SOURCE = (
    "Kilde: Statistisk sentralbyrå (KLASS 131, endringer 2011–2024), NLOD 2.0 / CC BY 4.0; "
    "se municipalities/data/README.md."
)
# Change lists shipped with the project, by (earlier year, later year).
BUNDLED: dict[tuple[int, int], tuple[Path, Path]] = {
    (2011, 2024): (DATA_DIR / "kommuner-2011-2024.csv", DATA_DIR / "fylker-2011-2024.csv"),
}
KNOWN_TOKENS = set(ChangeToken.values)


@dataclass(frozen=True)
class ChangeRow:
    line: int
    kind: str
    earlier_number: str
    earlier_name: str
    later_number: str
    later_name: str
    change: str
    share: Decimal | None


def bundled_change_list(earlier_year: int, later_year: int) -> tuple[Path, Path] | None:
    """The shipped (kommuner, fylker) change list between two years, if there is one."""
    return BUNDLED.get((earlier_year, later_year))


def read_change_list(
    path: Path, *, kind: str, earlier_year: int, later_year: int, issues: Issues
) -> list[ChangeRow]:
    """Rows of a change list file; problems are recorded with their line numbers."""
    table = read_table(path, encoding=None, issues=issues)
    if table is None:
        return []
    prefix = "kommunenummer" if kind == OrganisationKind.KOMMUNE else "fylkesnummer"
    earlier_column = require_column(table, [f"{prefix}_{earlier_year}"], issues)
    later_column = require_column(table, [f"{prefix}_{later_year}"], issues)
    change_column = require_column(table, ["change", "endring"], issues)
    if not (earlier_column and later_column and change_column):
        return []
    rows = []
    for line, row in table.rows:
        tokens = row.get(change_column, "").split("+")
        unknown = [token for token in tokens if token not in KNOWN_TOKENS]
        if unknown:
            issues.add(
                table.file,
                line,
                _("ukjent endring «%(value)s»") % {"value": row.get(change_column, "")},
            )
            continue
        share = None
        raw_share = row.get("population_share", "")
        if raw_share:
            try:
                share = Decimal(raw_share.replace(",", "."))
            except InvalidOperation:
                issues.add(table.file, line, _("ugyldig andel «%(value)s»") % {"value": raw_share})
                continue
        rows.append(
            ChangeRow(
                line=line,
                kind=kind,
                earlier_number=row[earlier_column],
                earlier_name=row.get(f"name_{earlier_year}", ""),
                later_number=row[later_column],
                later_name=row.get(f"name_{later_year}", ""),
                change=row[change_column],
                share=share,
            )
        )
    return rows


def _county_shares(links: list[CorrespondenceLink]) -> dict[tuple[str, str], Decimal]:
    """Share of each earlier county's population that went to each later county."""
    moved: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for link in links:
        people = Decimal(link.earlier.population) * (link.population_share or Decimal(1))
        earlier_county = link.earlier.number[:2]
        moved[(earlier_county, link.later.number[:2])] += people
        totals[earlier_county] += people
    return {
        key: (value / totals[key[0]]).quantize(Decimal("0.01"))
        for key, value in moved.items()
        if totals[key[0]]
    }


def _kommune_links(
    rows: list[ChangeRow],
    organisations: dict,
    *,
    earlier: RegisterEdition,
    later: RegisterEdition,
    file: str,
    issues: Issues,
) -> list[CorrespondenceLink]:
    links = []
    for row in rows:
        pair = []
        for edition, number in ((earlier, row.earlier_number), (later, row.later_number)):
            organisation = organisations.get((edition.pk, row.kind, number))
            if organisation is None:
                issues.add(
                    file,
                    row.line,
                    _("kommune %(number)s finnes ikke i registeret for %(year)s")
                    % {"number": number, "year": edition.year},
                )
            pair.append(organisation)
        if all(pair):
            links.append(
                CorrespondenceLink(
                    earlier=pair[0], later=pair[1], change=row.change, population_share=row.share
                )
            )
    return links


@transaction.atomic
def correspondence_import(
    *,
    earlier: RegisterEdition,
    later: RegisterEdition,
    kommuner_path: Path,
    fylker_path: Path | None = None,
    source: str = "",
) -> Correspondence:
    """Store (or replace) the correspondence between two editions from SSB change lists.

    Raises tabular.ImportFailed with every problem found before anything is written.
    """
    issues = Issues()
    rows = read_change_list(
        kommuner_path,
        kind=OrganisationKind.KOMMUNE,
        earlier_year=earlier.year,
        later_year=later.year,
        issues=issues,
    )
    if fylker_path is not None:
        rows += read_change_list(
            fylker_path,
            kind=OrganisationKind.FYLKESKOMMUNE,
            earlier_year=earlier.year,
            later_year=later.year,
            issues=issues,
        )
    organisations = {
        (org.edition_id, org.kind, org.number): org
        for org in Organisation.objects.filter(edition__in=[earlier, later])
    }
    county_rows = [row for row in rows if row.kind == OrganisationKind.FYLKESKOMMUNE]
    links = _kommune_links(
        [row for row in rows if row.kind == OrganisationKind.KOMMUNE],
        organisations,
        earlier=earlier,
        later=later,
        file=str(kommuner_path),
        issues=issues,
    )
    issues.raise_if_any()
    shares = _county_shares(links)
    for row in county_rows:
        # Oslo is a county without a fylkeskommune: nothing to link.
        pair = [
            organisations.get((earlier.pk, row.kind, row.earlier_number)),
            organisations.get((later.pk, row.kind, row.later_number)),
        ]
        if all(pair):
            links.append(
                CorrespondenceLink(
                    earlier=pair[0],
                    later=pair[1],
                    change=row.change,
                    population_share=shares.get((row.earlier_number, row.later_number)),
                )
            )
    correspondence, _created = Correspondence.objects.update_or_create(
        earlier=earlier, later=later, defaults={"source": source}
    )
    correspondence.links.all().delete()
    for link in links:
        link.correspondence = correspondence
    CorrespondenceLink.objects.bulk_create(links)
    return correspondence


@transaction.atomic
def correspondence_by_number(*, earlier: RegisterEdition, later: RegisterEdition) -> Correspondence:
    """Link organisations of two editions that keep kind and number (years without reforms)."""
    earlier_orgs = {(org.kind, org.number): org for org in earlier.organisations.all()}
    links = []
    for org in later.organisations.all():
        previous = earlier_orgs.get((org.kind, org.number))
        if previous is None:
            continue
        change = ChangeToken.UNCHANGED if previous.name == org.name else ChangeToken.RENAMED
        links.append(
            CorrespondenceLink(
                earlier=previous, later=org, change=change, population_share=Decimal(1)
            )
        )
    correspondence, _created = Correspondence.objects.update_or_create(
        earlier=earlier,
        later=later,
        defaults={"source": _("Koblet på nummer: samme type og nummer i begge utgaver.")},
    )
    correspondence.links.all().delete()
    for link in links:
        link.correspondence = correspondence
    CorrespondenceLink.objects.bulk_create(links)
    return correspondence


def correspondence_link_editions(
    *, earlier: RegisterEdition, later: RegisterEdition
) -> Correspondence:
    """The bundled change list between the two years if there is one, else match by number."""
    bundled = bundled_change_list(earlier.year, later.year)
    if bundled:
        kommuner, fylker = bundled
        return correspondence_import(
            earlier=earlier,
            later=later,
            kommuner_path=kommuner,
            fylker_path=fylker,
            source=BUNDLED_SOURCE,
        )
    return correspondence_by_number(earlier=earlier, later=later)
