"""Report-shaped reads of the register. Never write."""

from dataclasses import dataclass
from decimal import Decimal

from .models import Correspondence, Organisation, RegisterEdition, SizeClass


@dataclass(frozen=True)
class SizeClassCount:
    size_class: SizeClass
    label: str
    count: int


def organisation_counts_by_size_class(edition: RegisterEdition) -> list[SizeClassCount]:
    """Kommuner of an edition per size class, every class listed (zero too); one query."""
    counts = {
        row["size_class"]: row["count"]
        for row in Organisation.objects.in_edition(edition).breakdown_by_size_class()
    }
    return [
        SizeClassCount(
            size_class=size_class, label=str(size_class.label), count=counts.get(size_class, 0)
        )
        for size_class in SizeClass
    ]


# --- Correspondences between editions ----------------------------------------------------------


@dataclass(frozen=True)
class Lineage:
    """An organisation of another edition linked to the one asked about.

    `share` is the part of the earlier organisation's population that went to the later one
    (multiplied along a chain of editions); None where the source gives no share.
    """

    organisation: Organisation
    share: Decimal | None
    changes: tuple[str, ...]


def _correspondence_chain(
    earlier: RegisterEdition, later: RegisterEdition
) -> list[Correspondence] | None:
    """Stored correspondences leading from `earlier` to `later` in year order, or None."""
    pairs = {
        (c.earlier_id, c.later_id): c
        for c in Correspondence.objects.filter(
            earlier__year__gte=earlier.year, later__year__lte=later.year
        )
    }
    # Breadth-first over editions; there are a handful of editions, never many.
    paths: dict[int, list[Correspondence]] = {earlier.pk: []}
    frontier = [earlier.pk]
    while frontier:
        current = frontier.pop(0)
        for (start, end), correspondence in pairs.items():
            if start == current and end not in paths:
                paths[end] = [*paths[current], correspondence]
                frontier.append(end)
    return paths.get(later.pk)


def _links_between(
    earlier: RegisterEdition, later: RegisterEdition
) -> dict[tuple[int, int], tuple[Decimal | None, tuple[str, ...]]]:
    """{(earlier organisation id, later organisation id): (share, change tokens)}."""
    chain = _correspondence_chain(earlier, later)
    if chain is None:
        return {}
    combined: dict[tuple[int, int], tuple[Decimal | None, tuple[str, ...]]] | None = None
    for correspondence in chain:
        step = {
            (link.earlier_id, link.later_id): (link.population_share, tuple(link.changes))
            for link in correspondence.links.all()
        }
        if combined is None:
            combined = step
            continue
        joined: dict[tuple[int, int], tuple[Decimal | None, tuple[str, ...]]] = {}
        for (start, middle), (share, changes) in combined.items():
            for (step_start, end), (step_share, step_changes) in step.items():
                if step_start != middle:
                    continue
                both = share * step_share if share is not None and step_share is not None else None
                merged_changes = tuple(dict.fromkeys(changes + step_changes))
                joined[(start, end)] = (both, merged_changes)
        combined = joined
    return combined or {}


def predecessors(*, organisation: Organisation, edition: RegisterEdition) -> list[Lineage]:
    """The organisations of an earlier `edition` whose people went (partly) into `organisation`.

    Follows stored correspondences, through intermediate editions when needed; empty when the
    editions are not linked. Ordered by number.
    """
    links = {
        earlier_id: value
        for (earlier_id, later_id), value in _links_between(edition, organisation.edition).items()
        if later_id == organisation.pk
    }
    found = Organisation.objects.filter(pk__in=links).order_by("number")
    return [Lineage(org, links[org.pk][0], links[org.pk][1]) for org in found]


def successors(*, organisation: Organisation, edition: RegisterEdition) -> list[Lineage]:
    """The organisations of a later `edition` that took in (part of) `organisation`."""
    links = {
        later_id: value
        for (earlier_id, later_id), value in _links_between(organisation.edition, edition).items()
        if earlier_id == organisation.pk
    }
    found = Organisation.objects.filter(pk__in=links).order_by("number")
    return [Lineage(org, links[org.pk][0], links[org.pk][1]) for org in found]


def main_successors(
    *, earlier: RegisterEdition, later: RegisterEdition
) -> dict[int, tuple[int, list[str]]]:
    """{earlier organisation id: (id of the later organisation that took most of its people,
    change tokens)}: the single successor SSB's lists suggest for carrying things forward."""
    best: dict[int, tuple[Decimal, int, list[str]]] = {}
    for (earlier_id, later_id), (share, changes) in _links_between(earlier, later).items():
        weight = share if share is not None else Decimal(0)
        if earlier_id not in best or weight > best[earlier_id][0]:
            best[earlier_id] = (weight, later_id, list(changes))
    return {key: (later_id, changes) for key, (_w, later_id, changes) in best.items()}


def previous_edition(edition: RegisterEdition) -> RegisterEdition | None:
    """The latest edition before this one."""
    return RegisterEdition.objects.filter(year__lt=edition.year).order_by("-year").first()
