"""Server-side SVG charts: the same markup serves the results page, print, the PDF and downloads.

Colours are SVG presentation attributes (fill=...), never style attributes: the
Content-Security-Policy forbids inline styles, and a downloaded SVG must look right without our
CSS. Every chart carries <title> and <desc>; the page shows a table with the same numbers.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass
class Share:
    """One bar: an answer code, its label, how many chose it and their share."""

    code: str
    label: str
    count: int
    percent: float


@dataclass
class Distribution:
    """How one group (all, a size class, a county, a kind) answered: n and a share per code."""

    label: str
    n: int
    shares: list[Share]


# Dark enough for white labels inside the bars (contrast >= 4.5:1), distinguishable in print.
PALETTE = [
    "#1f4e79",
    "#b3430e",
    "#595959",
    "#2e6b30",
    "#6a1b9a",
    "#00626b",
    "#a1124a",
    "#5d4037",
    "#3949ab",
    "#7a5c00",
]
SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 720
LABEL_WIDTH = 220
BAR_AREA = 400
ROW_HEIGHT = 30
BAR_HEIGHT = 20


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def percent_label(value: float) -> str:
    return f"{value:.0f} %"


def _truncate(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" class="chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'font-family="Arial, Helvetica, sans-serif" font-size="13">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


LABEL_LINE_CHARS = 30
LINE_HEIGHT_PX = 16


def label_lines(text: str, limit: int = LABEL_LINE_CHARS) -> list[str]:
    """A label wrapped at spaces (and after slashes) into lines of about `limit` characters;
    a word longer than a line is split. The whole label is shown, never cut."""
    words = text.replace("/", "/ ").split()
    lines: list[str] = []
    for word in words:
        while len(word) > limit:
            lines.append(word[:limit])
            word = word[limit:]
        joiner = "" if lines and lines[-1].endswith("/") else " "
        if lines and len(lines[-1]) + len(joiner) + len(word) <= limit:
            lines[-1] = lines[-1] + joiner + word
        else:
            lines.append(word)
    return lines or [""]


def _wrapped_label(*, x: int, y: int, text: str) -> str:
    """An SVG <text> right-aligned at x with one <tspan> per line, the first at baseline y."""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if index == 0 else LINE_HEIGHT_PX}">{escape(line)}</tspan>'
        for index, line in enumerate(label_lines(text))
    )
    return f'<text x="{x}" y="{y}" text-anchor="end" fill="#212529">{spans}</text>'


def horizontal_bars(
    *, chart_id: str, title: str, desc: str, distribution: Distribution
) -> SafeString:
    """One bar per answer code: the share of respondents choosing it. Long labels wrap onto
    several lines and the row grows with them."""
    shares = distribution.shares
    heights = [
        max(ROW_HEIGHT, LINE_HEIGHT_PX * len(label_lines(share.label)) + 10) for share in shares
    ]
    height = 20 + sum(heights) + 24
    parts = _open(chart_id, title, desc, height)
    y = 10
    for index, (share, row_height) in enumerate(zip(shares, heights, strict=True)):
        width = BAR_AREA * share.percent / 100
        parts.append(_wrapped_label(x=LABEL_WIDTH - 8, y=y + 15, text=share.label))
        parts.append(
            f'<rect class="chart-series-{index % len(PALETTE)}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour(0)}">'
            f"<title>{escape(share.label)}: {percent_label(share.percent)} ({share.count})</title>"
            "</rect>"
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" fill="#212529">'
            f"{percent_label(share.percent)} ({share.count})</text>"
        )
        y += row_height
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{height - 8}" fill="#495057">'
        f"{escape(_('n = %(n)s') % {'n': distribution.n})}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def stacked_bars(*, chart_id: str, title: str, desc: str, groups: list[Distribution]) -> SafeString:
    """One 100 % bar per group (e.g. size class), split by answer code, with a legend."""
    codes = groups[0].shares if groups else []
    legend_rows = (len(codes) + 2) // 3
    height = 10 + ROW_HEIGHT * len(groups) + 12 + 22 * legend_rows + 8
    parts = _open(chart_id, title, desc, height)
    for row, group in enumerate(groups):
        y = 10 + row * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" fill="#212529">'
            f"<title>{escape(group.label)}</title>"
            f"{escape(_truncate(group.label, 24))} (n={group.n})</text>"
        )
        x = float(LABEL_WIDTH)
        for index, share in enumerate(group.shares):
            width = BAR_AREA * share.percent / 100
            if width <= 0:
                continue
            parts.append(
                f'<rect class="chart-series-{index % len(PALETTE)}" x="{x:.1f}" y="{y}" '
                f'width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour(index)}">'
                f"<title>{escape(group.label)} – {escape(share.label)}: "
                f"{percent_label(share.percent)} ({share.count})</title></rect>"
            )
            if width >= 34:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                    f'fill="#ffffff" font-size="11">{percent_label(share.percent)}</text>'
                )
            x += width
    legend_y = 10 + ROW_HEIGHT * len(groups) + 12
    for index, share in enumerate(codes):
        lx = LABEL_WIDTH + (index % 3) * 160 - 100
        ly = legend_y + (index // 3) * 22
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{colour(index)}" '
            f'class="chart-series-{index % len(PALETTE)}"/>'
            f'<text x="{lx + 20}" y="{ly + 12}" fill="#212529">'
            f"{escape(_truncate(share.label, 22))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# --- Lines over time: a running share per day, drawn as steps --------------------------------

LINE_WIDTH, LINE_HEIGHT = 640, 240
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 48, 16, 12, 36


@dataclass
class RunningShare:
    """One line over time: how many of `total` had done it by each day the count changed."""

    key: str  # names the line's CSS class, chart-line-<key> (its colour on the page)
    label: str
    total: int
    by_day: list[tuple[dt.date, int]]


def running_shares(
    *,
    chart_id: str,
    title: str,
    desc: str,
    start: dt.date,
    end: dt.date,
    lines: list[RunningShare],
) -> SafeString:
    """Each line's share of its total from `start` to `end`, flat until the next day listed;
    a grid line every 25 % and about six dates. Coloured by the page's CSS classes."""
    days = max((end - start).days, 1)
    plot_width = LINE_WIDTH - LINE_LEFT - LINE_RIGHT
    plot_height = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM

    def x(day: dt.date) -> float:
        return round(LINE_LEFT + plot_width * (day - start).days / days, 1)

    def y(percent: float) -> float:
        return round(LINE_TOP + plot_height * (1 - percent / 100), 1)

    chart = escape(chart_id)
    parts = [
        f'<svg class="rate-chart" viewBox="0 0 {LINE_WIDTH} {LINE_HEIGHT}" role="img" '
        f'aria-labelledby="{chart}-title {chart}-desc" xmlns="{SVG_NS}">',
        f'<title id="{chart}-title">{escape(title)}</title>',
        f'<desc id="{chart}-desc">{escape(desc)}</desc>',
    ]
    for percent in (0, 25, 50, 75, 100):
        parts.append(
            f'<line class="chart-grid" x1="{LINE_LEFT}" x2="{LINE_WIDTH - LINE_RIGHT}" '
            f'y1="{y(percent)}" y2="{y(percent)}"/>'
            f'<text class="chart-label" x="{LINE_LEFT - 6}" y="{y(percent)}" text-anchor="end" '
            f'dominant-baseline="middle">{percent} %</text>'
        )
    for n in range(0, days + 1, max(1, days // 6)):
        day = start + dt.timedelta(days=n)
        parts.append(
            f'<text class="chart-label" x="{x(day)}" y="{LINE_HEIGHT - LINE_BOTTOM + 18}" '
            f'text-anchor="middle">{day:%d.%m}</text>'
        )
    for line in lines:
        if not line.total:
            continue
        points = [(x(start), y(0))]
        previous = 0.0
        for day, count in line.by_day:
            percent = 100 * count / line.total
            points += [(x(day), y(previous)), (x(day), y(percent))]
            previous = percent
        points.append((x(end), y(previous)))
        parts.append(
            f'<polyline class="chart-line chart-line-{escape(line.key)}" '
            f'points="{" ".join(f"{px},{py}" for px, py in points)}" fill="none"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
