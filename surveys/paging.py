"""Numbered pages of long staff tables (?side=N, ?fylkeside=N).

National-scale registers (benchmarks: 100,000 organisations in 1,000 counties) make
some tables too long for one page; KS's register (450 organisations, 19 fylker) fits on the
first page, which then shows no page links. Links keep the page's other query parameters, so
paging one table leaves another table's page where it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Page:
    number: int
    count: int
    total: int
    offset: int
    size: int
    previous_url: str | None
    next_url: str | None

    @property
    def first(self) -> int:
        return self.offset + 1

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def is_paged(self) -> bool:
        return self.count > 1


def _url(request: HttpRequest, parameter: str, number: int, anchor: str) -> str:
    query = request.GET.copy()
    query[parameter] = str(number)
    return f"?{query.urlencode()}#{anchor}"


def page_of(request: HttpRequest, *, parameter: str, total: int, size: int, anchor: str) -> Page:
    """The page the request asks for with `parameter` (1 when missing or not a number, the
    nearest page when out of range) of `total` rows, `size` at a time."""
    count = max(1, -(-total // size))
    try:
        number = min(max(int(request.GET.get(parameter, 1)), 1), count)
    except ValueError:
        number = 1
    return Page(
        number=number,
        count=count,
        total=total,
        offset=(number - 1) * size,
        size=size,
        previous_url=_url(request, parameter, number - 1, anchor) if number > 1 else None,
        next_url=_url(request, parameter, number + 1, anchor) if number < count else None,
    )
