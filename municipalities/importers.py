"""Parsing register files into checked rows, with line-numbered problems.

Parsing only, no database access: `services.py` writes what these functions return (contact
files are read the same way by `contacts_importer.py`). Every
problem found is collected (`tabular.Issues`) naming the file and the line, so that an operator
sees all of them at once (up to `tabular.MAX_ISSUES`) instead of fixing one line per run.

Two register formats are read, told apart by their header row:

- the bundled CSV files (`kommunenummer,name,fylkesnummer,population,...` and
  `fylkesnummer,name,has_county_municipality,population,...`), comma- or semicolon-separated;
- the classification exports of Statistics Norway's KLASS (`code;parentCode;level;name;...`),
  which have no population: a `population`/`folketall` column added to the file is used, or a
  separate population file (`--population`), and a kommune without one is an error.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from .tabular import (
    FORMAT_CSV,
    FORMAT_KLASS,
    Issues,
    Table,
    check_lengths,
    read_table,
    require_column,
)

KOMMUNE_NUMBER = re.compile(r"\d{4}")
COUNTY_NUMBER = re.compile(r"\d{2}")
# KLASS lists "99 Uoppgitt" and "9999 Uoppgitt" (unknown) as codes; they are not organisations.
KLASS_UNKNOWN_CODES = {"99", "9999"}
# Oslo is both kommune and fylke and has no separate fylkeskommune. KLASS has no column saying
# so, hence this one rule; the bundled CSV files state it in `has_county_municipality`.
COUNTIES_WITHOUT_COUNTY_MUNICIPALITY = {"03"}

# Accepted header names (after normalising: lower case, spaces and hyphens to "_").
NUMBER_COLUMNS = ("kommunenummer", "fylkesnummer", "number", "nummer", "code", "kode", "region")
POPULATION_COLUMNS = ("population", "folketall", "befolkning")
POPULATION_DATE_COLUMNS = ("population_date", "folketall_per", "dato")
# Norway has about 5.5 million inhabitants; a larger figure is a typo (and would overflow).
MAX_POPULATION = 10_000_000
# Longest values the columns hold (see models.py).
MAX_NAME = 100
MAX_POPULATION_STATUS = 40
MAX_SOURCE = 200

TRUE_VALUES = {"true", "1", "ja", "yes", "j", "y"}
FALSE_VALUES = {"false", "0", "nei", "no", "n"}


def _parse_population(value: str) -> int | None:
    # Accept "29 220" and "29 220" (SSB's thousands separators) as well as "29220".
    digits = re.sub(r"[\s\u00a0\u202f]", "", value)
    if not re.fullmatch(r"[0-9]+", digits):
        return None
    population = int(digits)
    return population if population <= MAX_POPULATION else None


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _population_fields(
    table: Table, line: int, row: dict[str, str], issues: Issues
) -> tuple[int | None, date | None, bool]:
    """(population, date, ok) from a row's population columns, recording malformed values."""
    ok = True
    population = None
    column = table.column(POPULATION_COLUMNS)
    if column and row.get(column):
        population = _parse_population(row[column])
        if population is None:
            issues.add(
                table.file,
                line,
                _("ugyldig folketall «%(value)s»: skal være et heltall fra 0 til %(max)s")
                % {"value": row[column], "max": MAX_POPULATION},
            )
            ok = False
    population_date = None
    date_column = table.column(POPULATION_DATE_COLUMNS)
    if date_column and row.get(date_column):
        population_date = _parse_date(row[date_column])
        if population_date is None:
            issues.add(
                table.file,
                line,
                _("ugyldig dato «%(value)s»: skriv ÅÅÅÅ-MM-DD") % {"value": row[date_column]},
            )
            ok = False
    return population, population_date, ok


# --- Register ----------------------------------------------------------------------------------


@dataclass
class CountyRow:
    line: int
    number: str
    name: str
    has_county_municipality: bool
    population: int | None
    population_date: date | None
    source: str = ""


@dataclass
class MunicipalityRow:
    line: int
    number: str
    name: str
    county_number: str
    population: int
    population_date: date | None
    name_alt: str = ""
    population_status: str = ""
    source: str = ""


@dataclass
class RegisterData:
    counties: list[CountyRow]
    municipalities: list[MunicipalityRow]
    notes: list[str]


@dataclass
class PopulationFigure:
    population: int
    population_date: date | None


def _check_number(
    table: Table, line: int, value: str, pattern: re.Pattern, issues: Issues, *, county: bool
) -> bool:
    if pattern.fullmatch(value):
        return True
    if county:
        message = _(
            "ugyldig fylkesnummer «%(value)s»: skal være to siffer, med innledende null (f.eks. 03)"
        )
    else:
        message = _(
            "ugyldig kommunenummer «%(value)s»: skal være fire siffer, med innledende null "
            "(f.eks. 0301)"
        )
    issues.add(table.file, line, message % {"value": value})
    return False


def _check_duplicate(
    table: Table, line: int, number: str, seen: dict[str, int], issues: Issues, label: str
) -> bool:
    if number in seen:
        issues.add(
            table.file,
            line,
            _("%(label)s %(number)s står to ganger (også på linje %(other)s)")
            % {"label": label, "number": number, "other": seen[number]},
        )
        return False
    seen[number] = line
    return True


def _numbered_rows(table: Table, number_column: str) -> Iterator[tuple[int, dict, str]]:
    """Line, row and number of every row, without KLASS's "Uoppgitt" codes."""
    for line, row in table.rows:
        number = row.get(number_column, "")
        if table.format == FORMAT_KLASS and number in KLASS_UNKNOWN_CODES:
            continue
        yield line, row, number


def _check_number_and_name(
    table: Table,
    line: int,
    number: str,
    name: str,
    seen: dict[str, int],
    issues: Issues,
    *,
    county: bool,
) -> bool:
    """A well-formed number given once in the file, and a name."""
    pattern, label = (
        (COUNTY_NUMBER, _("fylkesnummer")) if county else (KOMMUNE_NUMBER, _("kommunenummer"))
    )
    ok = _check_number(table, line, number, pattern, issues, county=county)
    ok = ok and _check_duplicate(table, line, number, seen, issues, label)
    if not name:
        issues.add(table.file, line, _("mangler navn"))
        ok = False
    return ok


def parse_counties(table: Table, issues: Issues) -> list[CountyRow]:
    """The counties (fylker) of a bundled-CSV or KLASS file."""
    number_column = require_column(
        table, ("code",) if table.format == FORMAT_KLASS else ("fylkesnummer", "number"), issues
    )
    name_column = require_column(table, ("name", "navn"), issues)
    if not number_column or not name_column:
        return []
    flag_column = table.column(("has_county_municipality", "har_fylkeskommune"))
    counties: list[CountyRow] = []
    seen: dict[str, int] = {}
    for line, row, number in _numbered_rows(table, number_column):
        name = row.get(name_column, "")
        ok = _check_number_and_name(table, line, number, name, seen, issues, county=True)
        if flag_column:
            flag = row.get(flag_column, "").lower()
            if flag in TRUE_VALUES:
                has_county_municipality = True
            elif flag in FALSE_VALUES:
                has_county_municipality = False
            else:
                issues.add(
                    table.file,
                    line,
                    _("ugyldig verdi «%(value)s» i %(column)s: skriv True eller False")
                    % {"value": row.get(flag_column, ""), "column": flag_column},
                )
                ok = False
        else:
            has_county_municipality = number not in COUNTIES_WITHOUT_COUNTY_MUNICIPALITY
        source = row.get("source", "")
        ok = (
            check_lengths(
                table, line, [(_("navn"), name, MAX_NAME), (_("kilde"), source, MAX_SOURCE)], issues
            )
            and ok
        )
        population, population_date, population_ok = _population_fields(table, line, row, issues)
        if ok and population_ok:
            counties.append(
                CountyRow(
                    line=line,
                    number=number,
                    name=name,
                    has_county_municipality=has_county_municipality,
                    population=population,
                    population_date=population_date,
                    source=source,
                )
            )
    return counties


def _check_county(
    table: Table,
    line: int,
    number: str,
    county_number: str,
    counties: dict[str, CountyRow],
    counties_file: str,
    issues: Issues,
) -> bool:
    """The kommune's county is well-formed, listed in the counties file and its number's prefix."""
    if not _check_number(table, line, county_number, COUNTY_NUMBER, issues, county=True):
        return False
    if county_number not in counties:
        issues.add(
            table.file,
            line,
            _("ukjent fylke «%(county)s»: det står ikke i fylkesfilen %(file)s")
            % {"county": county_number, "file": counties_file},
        )
        return False
    if KOMMUNE_NUMBER.fullmatch(number) and number[:2] != county_number:
        issues.add(
            table.file,
            line,
            _("kommunenummer %(number)s hører ikke til fylke %(county)s (de to første sifrene)")
            % {"number": number, "county": county_number},
        )
        return False
    return True


def parse_municipalities(
    table: Table,
    issues: Issues,
    *,
    counties: dict[str, CountyRow],
    counties_file: str,
    populations: dict[str, PopulationFigure] | None = None,
) -> list[MunicipalityRow]:
    """The kommuner of a bundled-CSV or KLASS file, checked against the counties read."""
    number_column = require_column(
        table, ("code",) if table.format == FORMAT_KLASS else ("kommunenummer", "number"), issues
    )
    name_column = require_column(table, ("name", "navn"), issues)
    county_column = (
        table.column(("parentcode", "fylkesnummer"))
        if table.format == FORMAT_KLASS
        else require_column(table, ("fylkesnummer",), issues)
    )
    if not number_column or not name_column or (table.format == FORMAT_CSV and not county_column):
        return []
    municipalities: list[MunicipalityRow] = []
    seen: dict[str, int] = {}
    for line, row, number in _numbered_rows(table, number_column):
        name = row.get(name_column, "")
        ok = _check_number_and_name(table, line, number, name, seen, issues, county=False)
        county_number, county_ok = _municipality_county(
            table, line, row, number, county_column, counties, counties_file, issues
        )
        texts = {key: row.get(key, "") for key in ("name_alt", "population_status", "source")}
        ok = (
            check_lengths(
                table,
                line,
                [
                    (_("navn"), name, MAX_NAME),
                    (_("alternativt navn"), texts["name_alt"], MAX_NAME),
                    (_("folketallsstatus"), texts["population_status"], MAX_POPULATION_STATUS),
                    (_("kilde"), texts["source"], MAX_SOURCE),
                ],
                issues,
            )
            and county_ok
            and ok
        )
        population, population_date, population_ok = _municipality_population(
            table, line, row, number, name, populations, issues
        )
        ok = ok and population_ok
        if ok:
            municipalities.append(
                MunicipalityRow(
                    line=line,
                    number=number,
                    name=name,
                    county_number=county_number,
                    population=population,
                    population_date=population_date,
                    name_alt=texts["name_alt"],
                    population_status=texts["population_status"],
                    source=texts["source"],
                )
            )
    return municipalities


def _municipality_county(
    table: Table,
    line: int,
    row: dict,
    number: str,
    county_column: str | None,
    counties: dict[str, CountyRow],
    counties_file: str,
    issues: Issues,
) -> tuple[str, bool]:
    """The kommune's county number, and whether it is a known county matching the number."""
    # KLASS lists kommuner flat (no parent); the first two digits are the county.
    given_county = row.get(county_column, "") if county_column else ""
    if not (given_county or KOMMUNE_NUMBER.fullmatch(number)):
        return "", True  # The malformed kommunenummer is reported already.
    county_number = given_county or number[:2]
    ok = _check_county(table, line, number, county_number, counties, counties_file, issues)
    return county_number, ok


def _municipality_population(
    table: Table,
    line: int,
    row: dict,
    number: str,
    name: str,
    populations: dict[str, PopulationFigure] | None,
    issues: Issues,
) -> tuple[int | None, date | None, bool]:
    """The kommune's population from its row or else the population file; a kommune without
    one is an error."""
    population, population_date, ok = _population_fields(table, line, row, issues)
    if population is None and populations is not None and number in populations:
        population = populations[number].population
        population_date = population_date or populations[number].population_date
    if population is None and ok:
        issues.add(
            table.file,
            line,
            _("mangler folketall for %(number)s %(name)s") % {"number": number, "name": name}
            + (
                _(
                    " (KLASS-filer har ikke folketall: legg til en kolonne «population» "
                    "eller bruk --population)"
                )
                if table.format == FORMAT_KLASS
                else ""
            ),
        )
        ok = False
    return population, population_date, ok


def parse_populations(table: Table, issues: Issues) -> dict[str, PopulationFigure]:
    """A population file: a number column (`kommunenummer`, SSB's `region`...) and `population`."""
    number_column = require_column(table, NUMBER_COLUMNS, issues)
    population_column = require_column(table, POPULATION_COLUMNS, issues)
    if not number_column or not population_column:
        return {}
    figures: dict[str, PopulationFigure] = {}
    seen: dict[str, int] = {}
    for line, row in table.rows:
        # SSB's statistikkbank writes regions as "0301 Oslo" or "K-0301 Oslo".
        value = row.get(number_column, "")
        number = re.sub(r"^[KF]-", "", value.split(" ", 1)[0]) if value else ""
        if not (KOMMUNE_NUMBER.fullmatch(number) or COUNTY_NUMBER.fullmatch(number)):
            issues.add(
                table.file,
                line,
                _("ugyldig nummer «%(value)s»: skal være fire (kommune) eller to (fylke) siffer")
                % {"value": value},
            )
            continue
        if not _check_duplicate(table, line, number, seen, issues, _("nummer")):
            continue
        population, population_date, ok = _population_fields(table, line, row, issues)
        if not ok:
            continue
        if population is None:
            issues.add(table.file, line, _("mangler folketall for %(number)s") % {"number": number})
            continue
        figures[number] = PopulationFigure(population, population_date)
    return figures


def read_register(
    *,
    counties_path: Path,
    municipalities_path: Path,
    population_path: Path | None = None,
    encoding: str | None = None,
) -> RegisterData:
    """Read and check a register's two files; raise ImportFailed with every problem found."""
    issues = Issues()
    notes: list[str] = []
    populations = None
    if population_path is not None:
        population_table = read_table(population_path, encoding=encoding, issues=issues)
        if population_table is not None:
            populations = parse_populations(population_table, issues)
    counties_table = read_table(counties_path, encoding=encoding, issues=issues)
    municipalities_table = read_table(municipalities_path, encoding=encoding, issues=issues)
    counties = parse_counties(counties_table, issues) if counties_table else []
    county_index = {county.number: county for county in counties}
    municipalities = (
        parse_municipalities(
            municipalities_table,
            issues,
            counties=county_index,
            counties_file=str(counties_path),
            populations=populations,
        )
        if municipalities_table and counties_table
        else []
    )
    for table in (counties_table, municipalities_table):
        if table and table.encoding != "utf-8":
            notes.append(
                _("Leste %(file)s som %(encoding)s.")
                % {"file": table.file, "encoding": table.encoding}
            )
    if counties_table and municipalities_table and not issues:
        by_county: dict[str, list[MunicipalityRow]] = {}
        for municipality in municipalities:
            by_county.setdefault(municipality.county_number, []).append(municipality)
        for county in counties:
            members = by_county.get(county.number, [])
            if not members:
                issues.add(
                    counties_table.file,
                    county.line,
                    _("fylke %(number)s %(name)s har ingen kommuner i %(file)s")
                    % {"number": county.number, "name": county.name, "file": municipalities_path},
                )
                continue
            if county.population is None and populations and county.number in populations:
                county.population = populations[county.number].population
                county.population_date = populations[county.number].population_date
            if county.population is None:
                # The fylkeskommune serves the whole county: the sum of its kommuner.
                county.population = sum(m.population for m in members)
                county.population_date = _most_common_date(m.population_date for m in members)
    issues.raise_if_any()
    return RegisterData(counties=counties, municipalities=municipalities, notes=notes)


def _most_common_date(dates: Iterable[date | None]) -> date | None:
    counts = Counter(d for d in dates if d is not None)
    return counts.most_common(1)[0][0] if counts else None


def register_population_date(data: RegisterData) -> date | None:
    """The date most of the register's population figures count from."""
    return _most_common_date(m.population_date for m in data.municipalities)
