"""Files people download (CSV and XLSX exports, the dashboard's status list): written safely.

Spreadsheets execute cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return
("CSV injection"). Every text cell, header and name is therefore neutralised with a leading
apostrophe, while numbers that we validated and store as numbers are written as numbers.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from surveys.models import Wave

Cell = str | int | Decimal | None


Cell = str | int | Decimal | None


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets: prefix formula-like text with an apostrophe."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can stream."""

    def write(self, value: str) -> str:
        return value


def format_cell(cell: Cell, *, decimal_comma: bool = False) -> str:
    """One cell as CSV text: numbers stay numbers, every text is neutralised."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return neutralise(str(cell))
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, Decimal):
        text = format(cell, "f")
        return text.replace(".", ",") if decimal_comma else text
    return neutralise(str(cell))


def csv_lines(
    rows: Iterable[list[Cell]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    decimal_comma: bool = False,
) -> Iterator[str]:
    """Rows as CSV lines, one at a time (for StreamingHttpResponse or a file)."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow([format_cell(cell, decimal_comma=decimal_comma) for cell in row])


def write_xlsx_cell(sheet: Any, row: int, col: int, cell: Cell, fmt: Any) -> None:
    if cell is None:
        return
    if isinstance(cell, int) and not isinstance(cell, bool):
        sheet.write_number(row, col, cell, fmt)
    elif isinstance(cell, Decimal):
        sheet.write_number(row, col, float(cell), fmt)
    else:
        sheet.write_string(row, col, neutralise(str(cell)), fmt)


_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def safe_filename(wave: Wave, layout: str, extension: str, *, now: datetime | None = None) -> str:
    """An ASCII file name for a download, safe for any wave title."""
    title = unicodedata.normalize("NFKC", wave.title or wave.slug).translate(_NORWEGIAN_LETTERS)
    stem = slugify(title)[:60].strip("-") or "undersokelse"
    stem = re.sub(r"[^a-z0-9-]", "", stem) or "undersokelse"
    day = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
    suffix = re.sub(r"[^a-z0-9]", "", extension.lower()) or "csv"
    return f"{stem}-{re.sub(r'[^a-z]', '', layout) or 'eksport'}-{day}.{suffix}"


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'
