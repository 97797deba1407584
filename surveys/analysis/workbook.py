"""The XLSX export: the wide layout, the long layout and the codebook as three sheets."""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.utils.translation import gettext as _

from surveys.analysis.codebook import codebook_rows
from surveys.analysis.exports import ExportOptions, ProgressCallback, long_rows, wide_rows
from surveys.downloads import Cell, write_xlsx_cell
from surveys.models import Wave


def write_xlsx(
    wave: Wave, options: ExportOptions, path: Path, *, progress: ProgressCallback | None = None
) -> int:
    """Write the wide layout, the long layout and the codebook as three sheets; return data rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            # Each row goes to disk as soon as the next one starts: constant memory.
            "constant_memory": True,
            # Belt and braces: we write typed cells, but never let a string become a formula.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": str(path.parent),
        },
    )
    bold = workbook.add_format({"bold": True})
    written = 0

    def counted(done: int) -> None:
        if progress:
            progress(written + done)

    # (title, counts as data rows, rows made only when the sheet is written: one at a time)
    sheets: list[tuple[str, bool, Callable[[], Iterable[Sequence[Cell]]]]] = [
        (_("Bred"), True, lambda: wide_rows(wave, options, progress=counted)),
        (_("Lang"), True, lambda: long_rows(wave, options, progress=counted)),
        (
            _("Kodebok"),
            False,
            lambda: codebook_rows(wave, include_personal_data=options.include_personal_data),
        ),
    ]
    try:
        for title, is_data, make_rows in sheets:
            sheet = workbook.add_worksheet(title)
            count = 0
            for row_index, row in enumerate(make_rows()):
                for col_index, cell in enumerate(row):
                    write_xlsx_cell(
                        sheet, row_index, col_index, cell, bold if row_index == 0 else None
                    )
                count = row_index
            sheet.freeze_panes(1, 0)
            if is_data:
                written += count
    finally:
        workbook.close()
    return written
