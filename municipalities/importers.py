"""Reading register and contact files: encodings, file formats and line-numbered problems.

Parsing only, no database access: `services.py` writes what these functions return. Every
problem found is collected as an `ImportIssue` naming the file and the line, so that an operator
sees all of them at once (up to `MAX_ISSUES`) instead of fixing one line per run.

Two register formats are read, told apart by their header row:

- the bundled CSV files (`kommunenummer,name,fylkesnummer,population,...` and
  `fylkesnummer,name,has_county_municipality,population,...`), comma- or semicolon-separated;
- the classification exports of Statistics Norway's KLASS (`code;parentCode;level;name;...`),
  which have no population: a `population`/`folketall` column added to the file is used, or a
  separate population file (`--population`), and a kommune without one is an error.
"""

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ISSUES = 50

KOMMUNE_NUMBER = re.compile(r"\d{4}")
COUNTY_NUMBER = re.compile(r"\d{2}")
# KLASS lists "99 Uoppgitt" and "9999 Uoppgitt" (unknown) as codes; they are not organisations.
KLASS_UNKNOWN_CODES = {"99", "9999"}
# Oslo is both kommune and fylke and has no separate fylkeskommune. KLASS has no column saying
# so, hence this one rule; the bundled CSV files state it in `has_county_municipality`.
COUNTIES_WITHOUT_COUNTY_MUNICIPALITY = {"03"}

FORMAT_CSV = "csv"
FORMAT_KLASS = "klass"

# Accepted header names (after normalising: lower case, spaces and hyphens to "_").
NUMBER_COLUMNS = ("kommunenummer", "fylkesnummer", "number", "nummer", "code", "kode", "region")
POPULATION_COLUMNS = ("population", "folketall", "befolkning")
POPULATION_DATE_COLUMNS = ("population_date", "folketall_per", "dato")
CONTACT_NUMBER_COLUMNS = (
    "organisation_number",
    "organisasjonsnummer",
    "organisation",
    "organisasjon",
    "number",
    "nummer",
    "kommunenummer",
    "fylkesnummer",
)
CONTACT_NAME_COLUMNS = ("name", "navn")
CONTACT_EMAIL_COLUMNS = ("email", "e_mail", "epost", "e_post", "e_postadresse")
CONTACT_ROLE_COLUMNS = ("role", "rolle", "title", "tittel", "rolle/tittel", "rolle_tittel")

TRUE_VALUES = {"true", "1", "ja", "yes", "j", "y"}
FALSE_VALUES = {"false", "0", "nei", "no", "n"}


# --- Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return _("%(file)s, linje %(line)s: %(message)s") % {
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }


class ImportFailed(Exception):
    """The file(s) could not be imported; nothing was written. Carries every problem found."""

    def __init__(self, issues: list[ImportIssue], total: int | None = None) -> None:
        self.issues = issues
        self.total = total if total is not None else len(issues)
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [
            _("Importen ble avbrutt, og ingenting er endret. %(count)s feil:")
            % {"count": self.total}
        ]
        lines += [f"  - {issue}" for issue in self.issues]
        if self.total > len(self.issues):
            lines.append(
                _("  … og %(count)s feil til (bare de første %(shown)s vises).")
                % {"count": self.total - len(self.issues), "shown": len(self.issues)}
            )
        return "\n".join(lines)


@dataclass
class Issues:
    """Collects problems up to a cap, and counts them all."""

    cap: int = MAX_ISSUES
    items: list[ImportIssue] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, line: int | None, message: str) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(ImportIssue(file, line, message))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self:
            raise ImportFailed(self.items, self.total)


# --- Text and tables ---------------------------------------------------------------------------


@dataclass
class Table:
    """A delimited file read into rows of {normalised column: value}, with their line numbers."""

    file: str
    format: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str

    def column(self, candidates: Iterable[str]) -> str | None:
        return next((name for name in candidates if name in self.columns), None)


def _line_of(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _first_non_ascii_line(raw: bytes) -> int:
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.isascii():
            return number
    return 1


def decode_text(raw: bytes, *, file: str, encoding: str | None, issues: Issues) -> tuple[str, str]:
    """Decode a file's bytes, detecting UTF-8 (with or without BOM) or windows-1252.

    Returns (text, encoding used), or ("", "") after recording a problem. A file read in the
    wrong encoding is refused with a message rather than imported as mojibake ("TromsÃ¸").
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        issues.add(
            file,
            None,
            _(
                "feil tegnkoding: filen ser ut til å være UTF-16 eller binær. "
                "Lagre den som UTF-8 (eller ISO-8859-1) med semikolon eller komma som skilletegn."
            ),
        )
        return "", ""
    has_bom = raw.startswith(codecs.BOM_UTF8)
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            issues.add(file, None, _("ukjent tegnkoding «%(encoding)s»") % {"encoding": encoding})
            return "", ""
    else:
        codec = ""
    if codec and codec != "utf-8":
        if has_bom or (not raw.isascii() and _is_utf8(raw)):
            issues.add(
                file,
                _first_non_ascii_line(raw),
                _(
                    "feil tegnkoding: filen er UTF-8, ikke %(encoding)s, og æ, ø og å ville "
                    "blitt feil. Kjør uten --encoding, eller med --encoding utf-8."
                )
                % {"encoding": encoding},
            )
            return "", ""
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError as exc:
            issues.add(
                file,
                _line_of(raw, exc.start),
                _("feil tegnkoding: filen kan ikke leses som %(encoding)s (byte 0x%(byte)02X)")
                % {"encoding": encoding, "byte": raw[exc.start]},
            )
            return "", ""
    body = raw[len(codecs.BOM_UTF8) :] if has_bom else raw
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if codec == "utf-8" or has_bom:
            issues.add(
                file,
                _line_of(body, exc.start),
                _(
                    "feil tegnkoding: filen er ikke gyldig UTF-8 (byte 0x%(byte)02X). "
                    "KLASS-filer fra SSB er ofte ISO-8859-1: prøv --encoding iso-8859-1."
                )
                % {"byte": body[exc.start]},
            )
            return "", ""
    # Not UTF-8: SSB's KLASS exports are ISO-8859-1, which windows-1252 extends.
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        issues.add(
            file,
            _line_of(raw, exc.start),
            _(
                "feil tegnkoding: filen er verken UTF-8 eller ISO-8859-1/windows-1252 "
                "(byte 0x%(byte)02X). Oppgi tegnkodingen med --encoding."
            )
            % {"byte": raw[exc.start]},
        )
        return "", ""


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def normalise_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').strip().lower())


def read_table(path: Path, *, encoding: str | None, issues: Issues) -> Table | None:
    """Read a delimited file with a header row; None (and a recorded problem) if unreadable."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        issues.add(file, None, _("kan ikke lese filen: %(error)s") % {"error": exc.strerror})
        return None
    text, used = decode_text(raw, file=file, encoding=encoding, issues=issues)
    if not used:
        return None
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        issues.add(file, 1, _("filen er tom eller mangler overskriftslinjen"))
        return None
    delimiter = max(";,\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [normalise_column(name) for name in next(reader)]
    file_format = (
        FORMAT_KLASS
        if {"code", "name"} <= set(columns) and ("parentcode" in columns or "level" in columns)
        else FORMAT_CSV
    )
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
            issues.add(
                file,
                line,
                _("linjen har %(found)s felt, men overskriften har %(expected)s")
                % {"found": len(values), "expected": len(columns)},
            )
            continue
        row = {name: value.strip() for name, value in zip(columns, values, strict=False)}
        rows.append((line, row))
    return Table(file=file, format=file_format, columns=columns, rows=rows, encoding=used)


def _require_column(table: Table, candidates: Iterable[str], issues: Issues) -> str | None:
    candidates = tuple(candidates)
    found = table.column(candidates)
    if found is None:
        issues.add(
            table.file,
            1,
            _("mangler kolonnen %(name)s (fant: %(found)s)")
            % {"name": " / ".join(candidates), "found": ", ".join(table.columns)},
        )
    return found


def _parse_population(value: str) -> int | None:
    # Accept "29 220" and "29 220" (SSB's thousands separators) as well as "29220".
    digits = re.sub(r"[\s\u00a0\u202f]", "", value)
    return int(digits) if digits.isdigit() else None


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
                _("ugyldig folketall «%(value)s»: skal være et heltall") % {"value": row[column]},
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


def parse_counties(table: Table, issues: Issues) -> list[CountyRow]:
    """The counties (fylker) of a bundled-CSV or KLASS file."""
    number_column = _require_column(
        table, ("code",) if table.format == FORMAT_KLASS else ("fylkesnummer", "number"), issues
    )
    name_column = _require_column(table, ("name", "navn"), issues)
    if not number_column or not name_column:
        return []
    flag_column = table.column(("has_county_municipality", "har_fylkeskommune"))
    counties: list[CountyRow] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        number = row.get(number_column, "")
        if table.format == FORMAT_KLASS and number in KLASS_UNKNOWN_CODES:
            continue
        ok = _check_number(table, line, number, COUNTY_NUMBER, issues, county=True)
        ok = ok and _check_duplicate(table, line, number, seen, issues, _("fylkesnummer"))
        name = row.get(name_column, "")
        if not name:
            issues.add(table.file, line, _("mangler navn"))
            ok = False
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
                    source=row.get("source", ""),
                )
            )
    return counties


def parse_municipalities(
    table: Table,
    issues: Issues,
    *,
    counties: dict[str, CountyRow],
    counties_file: str,
    populations: dict[str, PopulationFigure] | None = None,
) -> list[MunicipalityRow]:
    """The kommuner of a bundled-CSV or KLASS file, checked against the counties read."""
    number_column = _require_column(
        table, ("code",) if table.format == FORMAT_KLASS else ("kommunenummer", "number"), issues
    )
    name_column = _require_column(table, ("name", "navn"), issues)
    county_column = (
        table.column(("parentcode", "fylkesnummer"))
        if table.format == FORMAT_KLASS
        else _require_column(table, ("fylkesnummer",), issues)
    )
    if not number_column or not name_column or (table.format == FORMAT_CSV and not county_column):
        return []
    municipalities: list[MunicipalityRow] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        number = row.get(number_column, "")
        if table.format == FORMAT_KLASS and number in KLASS_UNKNOWN_CODES:
            continue
        ok = _check_number(table, line, number, KOMMUNE_NUMBER, issues, county=False)
        ok = ok and _check_duplicate(table, line, number, seen, issues, _("kommunenummer"))
        name = row.get(name_column, "")
        if not name:
            issues.add(table.file, line, _("mangler navn"))
            ok = False
        # KLASS lists kommuner flat (no parent); the first two digits are the county.
        county_number = (row.get(county_column, "") if county_column else "") or number[:2]
        if not COUNTY_NUMBER.fullmatch(county_number):
            _check_number(table, line, county_number, COUNTY_NUMBER, issues, county=True)
            ok = False
        elif county_number not in counties:
            issues.add(
                table.file,
                line,
                _("ukjent fylke «%(county)s»: det står ikke i fylkesfilen %(file)s")
                % {"county": county_number, "file": counties_file},
            )
            ok = False
        elif ok and number[:2] != county_number:
            issues.add(
                table.file,
                line,
                _("kommunenummer %(number)s hører ikke til fylke %(county)s (de to første sifrene)")
                % {"number": number, "county": county_number},
            )
            ok = False
        population, population_date, population_ok = _population_fields(table, line, row, issues)
        ok = ok and population_ok
        if population is None and populations is not None and number in populations:
            population = populations[number].population
            population_date = population_date or populations[number].population_date
        if population is None and population_ok:
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
        if ok:
            municipalities.append(
                MunicipalityRow(
                    line=line,
                    number=number,
                    name=name,
                    county_number=county_number,
                    population=population,
                    population_date=population_date,
                    name_alt=row.get("name_alt", ""),
                    population_status=row.get("population_status", ""),
                    source=row.get("source", ""),
                )
            )
    return municipalities


def parse_populations(table: Table, issues: Issues) -> dict[str, PopulationFigure]:
    """A population file: a number column (`kommunenummer`, SSB's `region`...) and `population`."""
    number_column = _require_column(table, NUMBER_COLUMNS, issues)
    population_column = _require_column(table, POPULATION_COLUMNS, issues)
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


# --- Contacts ----------------------------------------------------------------------------------


@dataclass
class ContactRow:
    line: int
    number: str
    name: str
    email: str
    role: str


def normalise_email(value: str) -> str:
    return value.strip().lower()


def parse_contacts(table: Table, issues: Issues) -> list[ContactRow]:
    """Contact rows with a valid organisation number and a valid, normalised e-mail address."""
    number_column = _require_column(table, CONTACT_NUMBER_COLUMNS, issues)
    email_column = _require_column(table, CONTACT_EMAIL_COLUMNS, issues)
    if not number_column or not email_column:
        return []
    name_column = table.column(CONTACT_NAME_COLUMNS)
    role_column = table.column(CONTACT_ROLE_COLUMNS)
    contacts: list[ContactRow] = []
    for line, row in table.rows:
        ok = True
        number = row.get(number_column, "")
        if not (KOMMUNE_NUMBER.fullmatch(number) or COUNTY_NUMBER.fullmatch(number)):
            issues.add(
                table.file,
                line,
                _(
                    "ugyldig organisasjonsnummer «%(value)s»: skal være kommunenummer "
                    "(fire siffer, f.eks. 0301) eller fylkesnummer (to siffer, f.eks. 03)"
                )
                % {"value": number},
            )
            ok = False
        email = normalise_email(row.get(email_column, ""))
        try:
            validate_email(email)
        except ValidationError:
            issues.add(
                table.file,
                line,
                _("ugyldig e-postadresse «%(value)s»") % {"value": row.get(email_column, "")},
            )
            ok = False
        name = row.get(name_column, "") if name_column else ""
        role = row.get(role_column, "") if role_column else ""
        for label, value in ((_("navn"), name), (_("rolle"), role)):
            if len(value) > 200:
                issues.add(
                    table.file,
                    line,
                    _("%(label)s er for langt (høyst 200 tegn)") % {"label": label},
                )
                ok = False
        if ok:
            contacts.append(ContactRow(line=line, number=number, name=name, email=email, role=role))
    return contacts
