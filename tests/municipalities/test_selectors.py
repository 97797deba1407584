"""Size classes: boundaries as the KS report draws them, counted by one GROUP BY."""

import pytest

from municipalities.models import Organisation, OrganisationKind, SizeClass, size_class_for
from municipalities.selectors import organisation_counts_by_size_class
from tests.builders import (
    make_bundled_register,
    make_county,
    make_edition,
    make_organisation,
)


@pytest.fixture
def edition(db):
    edition = make_edition(year=2011)
    county = make_county(edition=edition, number="01")
    populations = [216, 1999, 2000, 4999, 5000, 19_999, 20_000, 49_999, 50_000, 599_230]
    for index, population in enumerate(populations):
        make_organisation(county=county, number=f"01{index:02d}", population=population)
    make_organisation(
        county=county, number="01", kind=OrganisationKind.FYLKESKOMMUNE, population=274_827
    )
    return edition


def test_size_classes_have_the_report_labels_and_inclusive_lower_bounds(edition):
    labels = dict(
        Organisation.objects.kommuner()
        .with_size_class_label()
        .values_list("population", "size_class_label")
    )

    assert labels == {
        216: "Under 2 000",
        1999: "Under 2 000",
        2000: "2 000–4 999",
        4999: "2 000–4 999",
        5000: "5 000–9 999",
        19_999: "10 000–19 999",
        20_000: "20 000–49 999",
        49_999: "20 000–49 999",
        50_000: "50 000 eller flere",
        599_230: "50 000 eller flere",
    }
    assert all(
        size_class_for(population) == SizeClass(value)
        for population, value in Organisation.objects.kommuner().values_list(
            "population", "size_class"
        )
    )


def test_fylkeskommuner_have_no_size_class(edition):
    fylkeskommune = Organisation.objects.fylkeskommuner().with_size_class_label().get()

    assert fylkeskommune.size_class is None
    assert fylkeskommune.size_class_label == ""
    assert fylkeskommune.get_size_class_display() == ""


def test_breakdown_by_size_class_is_one_query_and_lists_every_class(
    edition, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = organisation_counts_by_size_class(edition)

    assert [(row.label, row.count) for row in rows] == [
        ("Under 2 000", 2),
        ("2 000–4 999", 2),
        ("5 000–9 999", 1),
        ("10 000–19 999", 1),
        ("20 000–49 999", 2),
        ("50 000 eller flere", 2),
    ]


def test_breakdown_counts_only_the_given_edition(edition):
    other = make_edition(year=2024)
    make_organisation(county=make_county(edition=other, number="03"), number="0301", population=100)

    rows = organisation_counts_by_size_class(other)

    assert [row.count for row in rows] == [1, 0, 0, 0, 0, 0]


def test_size_class_follows_a_population_change(edition):
    organisation = Organisation.objects.get(edition=edition, population=1999)

    Organisation.objects.filter(pk=organisation.pk).update(population=2001)
    organisation.refresh_from_db()

    assert organisation.get_size_class_display() == "2 000–4 999"


@pytest.mark.django_db
def test_breakdown_of_the_whole_2011_register_is_still_one_query(django_assert_num_queries):
    edition = make_bundled_register(2011)

    with django_assert_num_queries(1):
        rows = organisation_counts_by_size_class(edition)

    assert sum(row.count for row in rows) == 430
