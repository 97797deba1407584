"""Report-shaped reads of the register. Never write."""

from dataclasses import dataclass

from .models import Organisation, RegisterEdition, SizeClass


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
