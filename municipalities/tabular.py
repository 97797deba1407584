"""Reading delimited files: encodings, delimiters, header rows and line-numbered problems.

Shared by the register and contact imports (`importers.py`, `contacts_importer.py`). A file
read in the wrong encoding is refused with a message naming the line, never imported as
mojibake.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

MAX_ISSUES = 50

FORMAT_CSV = "csv"
FORMAT_KLASS = "klass"


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
            codec = codecs.lookup(encoding).name.removesuffix("-sig")
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


XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read_xlsx_table(path: Path, raw: bytes, *, issues: Issues) -> Table | None:
    """The first worksheet of an XLSX file as a table; line numbers are the sheet's rows."""
    from openpyxl import load_workbook

    file = str(path)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        issues.add(file, None, _("filen kan ikke leses som et XLSX-regneark"))
        return None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if not header or not any(_cell_text(value) for value in header):
        issues.add(file, 1, _("filen er tom eller mangler overskriftslinjen"))
        return None
    columns = [normalise_column(_cell_text(value)) for value in header]
    while columns and not columns[-1]:
        columns.pop()
    rows: list[tuple[int, dict[str, str]]] = []
    for line, values in enumerate(rows_iter, start=2):
        texts = [_cell_text(value) for value in values]
        if not any(texts):
            continue
        rows.append((line, dict(zip(columns, texts, strict=False))))
    workbook.close()
    return Table(file=file, format=FORMAT_CSV, columns=columns, rows=rows, encoding="xlsx")


def read_table(path: Path, *, encoding: str | None, issues: Issues) -> Table | None:
    """Read a delimited file (or an XLSX sheet) with a header row; None if unreadable."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        issues.add(file, None, _("kan ikke lese filen: %(error)s") % {"error": exc.strerror})
        return None
    if raw.startswith(XLSX_MAGIC):
        return read_xlsx_table(path, raw, issues=issues)
    text, used = decode_text(raw, file=file, encoding=encoding, issues=issues)
    if not used:
        return None
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        issues.add(file, 1, _("filen er tom eller mangler overskriftslinjen"))
        return None
    delimiter = max(";,\t", key=header_line.count)
    # strict: an unclosed quote is an error, instead of swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns = [normalise_column(name) for name in next(reader)]
    file_format = (
        FORMAT_KLASS
        if {"code", "name"} <= set(columns) and ("parentcode" in columns or "level" in columns)
        else FORMAT_CSV
    )
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
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
    except csv.Error as exc:
        # Name the line where the broken record starts (e.g. an unclosed quote).
        issues.add(
            file,
            line + 1,
            _("filen kan ikke leses som CSV fra og med denne linjen: %(error)s") % {"error": exc},
        )
        return None
    return Table(file=file, format=file_format, columns=columns, rows=rows, encoding=used)


def require_column(table: Table, candidates: Iterable[str], issues: Issues) -> str | None:
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


def check_lengths(
    table: Table, line: int, values: list[tuple[str, str, int]], issues: Issues
) -> bool:
    """Record every (label, value, max length) that is too long; True if all fit."""
    ok = True
    for label, value, max_length in values:
        if len(value) > max_length:
            issues.add(
                table.file,
                line,
                _("%(label)s er for langt: %(length)s tegn, høyst %(max)s")
                % {"label": label, "length": len(value), "max": max_length},
            )
            ok = False
    return ok
