"""Charts with their table alternatives, ready for the results page, the report and the PDF.

A ChartBlock pairs one SVG chart with the numbers behind it (the table alternative and the CSV
download), so the page, print, the PDF and the downloads always show the same figures.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from surveys.analysis.results import (
    Distribution,
    QuestionResult,
    WaveColumn,
    response_counts,
    wave_results,
)
from surveys.charts import horizontal_bars, stacked_bars
from surveys.models import Question, Wave


@dataclass
class ChartBlock:
    key: str  # overall | size_class | county | kind | row-<code> | rows
    title: str
    groups: list[Distribution]
    codes: list[tuple[str, str]]
    svg: SafeString | None = None
    # Multiple choice: shares do not add up to 100 %, so groups are not stacked.
    cumulative: bool = True

    @property
    def chart_id(self) -> str:
        return self.key.replace("_", "-")

    @property
    def option_rows(self) -> list[dict[str, Any]]:
        """The table turned: one row per answer option, one cell per group. Options are many
        and long, groups few and short, so the table fits the page's width."""
        if not self.groups:
            return []
        return [
            {"label": share.label, "code": share.code, "cells": [g.shares[i] for g in self.groups]}
            for i, share in enumerate(self.groups[0].shares)
        ]


def _bars(result: QuestionResult, key: str, title: str, distribution: Distribution) -> ChartBlock:
    chart_id = f"chart-{result.question.key}-{key}".replace("_", "-")
    return ChartBlock(
        key=key,
        title=title,
        groups=[distribution],
        codes=result.codes,
        svg=horizontal_bars(
            chart_id=chart_id,
            title=f"{result.question.text} – {title}",
            desc=_describe([distribution]),
            distribution=distribution,
        ),
        cumulative=result.question.kind != Question.Kind.MULTIPLE_CHOICE,
    )


def _stacked(
    result: QuestionResult, key: str, title: str, groups: list[Distribution], *, chart: bool = True
) -> ChartBlock:
    chart_id = f"chart-{result.question.key}-{key}".replace("_", "-")
    cumulative = result.question.kind != Question.Kind.MULTIPLE_CHOICE
    return ChartBlock(
        key=key,
        title=title,
        groups=groups,
        codes=result.codes,
        svg=(
            stacked_bars(
                chart_id=chart_id,
                title=f"{result.question.text} – {title}",
                desc=_describe(groups),
                groups=groups,
            )
            if chart and cumulative and groups
            else None
        ),
        cumulative=cumulative,
    )


def _describe(groups: list[Distribution]) -> str:
    """A short text equivalent of the chart (its <desc>); the table on the page has it all."""
    parts = []
    for group in groups:
        shares = ", ".join(f"{share.label} {share.percent:.0f} %" for share in group.shares)
        parts.append(f"{group.label} (n={group.n}): {shares}")
    return "; ".join(parts)


def chart_blocks(result: QuestionResult, *, detail: bool) -> list[ChartBlock]:
    """The charts of one question: every breakdown on the results page (`detail`), the
    source document's choice (overall and by size class) in the report."""
    blocks = list(_iter_blocks(result, detail=detail))
    return blocks


def _iter_blocks(result: QuestionResult, *, detail: bool) -> Iterator[ChartBlock]:
    if result.overall is not None and result.n:
        yield _bars(result, "overall", _("Alle"), result.overall)
        for breakdown in result.breakdowns:
            if not breakdown.groups:
                continue
            if detail or breakdown.key == "size_class":
                yield _stacked(result, breakdown.key, breakdown.title, breakdown.groups)
    if result.matrix_rows:
        rows = [
            Distribution(label=row.label, n=row.overall.n, shares=row.overall.shares)
            for row in result.matrix_rows
        ]
        yield _stacked(result, "rows", _("Alle"), rows)
        if detail:
            for row in result.matrix_rows:
                if row.by_size_class:
                    yield _stacked(
                        result,
                        f"row-{row.code}",
                        _("%(row)s, etter kommunestørrelse") % {"row": row.label},
                        row.by_size_class,
                    )


def find_block(result: QuestionResult, key: str) -> ChartBlock | None:
    return next((block for block in chart_blocks(result, detail=True) if block.key == key), None)


def block_rows(block: ChartBlock) -> Iterator[list]:
    """The table alternative as rows (for the CSV download)."""
    header: list = [_("Gruppe"), "n"]
    labels = [share.label for share in block.groups[0].shares] if block.groups else []
    for label in labels:
        header += [f"{label} ({_('antall')})", f"{label} (%)"]
    yield header
    for group in block.groups:
        row: list = [group.label, group.n]
        for share in group.shares:
            row += [share.count, Decimal(f"{share.percent:.1f}")]
        yield row


def comparison_block(result: QuestionResult, columns: list[WaveColumn]) -> ChartBlock | None:
    """The waves side by side as one stacked bar per wave (choice questions and ratings)."""
    groups = [
        Distribution(
            label=str(column.wave.year), n=column.distribution.n, shares=column.distribution.shares
        )
        for column in columns
        if column.distribution is not None and column.distribution.n
    ]
    if len(groups) < 2:
        return None
    return _stacked(result, "waves", _("Sammenligning med tidligere år"), groups)


def report_context(wave: Wave, *, version: str = "") -> dict[str, Any]:
    """The report's sections with their questions' results and charts (from the cache)."""
    sections: list[dict[str, Any]] = []
    for result in wave_results(wave, version=version):
        section = result.question.section
        if not sections or sections[-1]["section"].pk != section.pk:
            sections.append({"section": section, "items": []})
        sections[-1]["items"].append(
            {"result": result, "blocks": chart_blocks(result, detail=False)}
        )
    return {
        "wave": wave,
        "counts": response_counts(wave),
        "sections": sections,
        "generated_at": timezone.now(),
    }
