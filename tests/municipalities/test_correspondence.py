"""Correspondences between register editions: stored from change lists or by number, and read
through predecessors/successors across several editions."""

from decimal import Decimal

import pytest

from municipalities.correspondence import correspondence_by_number, correspondence_import
from municipalities.models import Correspondence, CorrespondenceLink
from municipalities.selectors import main_successors, predecessors, successors
from municipalities.tabular import ImportFailed
from tests import builders

pytestmark = pytest.mark.django_db


def edition_with(year, *kommuner):
    edition = builders.make_edition(year=year)
    county = builders.make_county(edition=edition, number="50")
    return edition, {
        number: builders.make_organisation(county=county, number=number, name=name)
        for number, name in kommuner
    }


def change_list(tmp_path, earlier, later, rows):
    path = tmp_path / f"kommuner-{earlier}-{later}.csv"
    header = f"kommunenummer_{earlier},kommunenummer_{later},change,population_share\n"
    path.write_text(header + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_predecessors_follow_a_chain_of_editions_and_multiply_the_shares(tmp_path):
    e2011, k2011 = edition_with(2011, ("1613", "Snillfjord"), ("1612", "Hemne"))
    e2020, k2020 = edition_with(2020, ("5055", "Heim"), ("5059", "Orkland"))
    e2024, k2024 = edition_with(2024, ("5055", "Heim"), ("5059", "Orkland"))
    correspondence_import(
        earlier=e2011,
        later=e2020,
        kommuner_path=change_list(
            tmp_path,
            2011,
            2020,
            [
                ("1613", "5055", "split+merged+renumbered", "0.16"),
                ("1613", "5059", "split+merged+renumbered", "0.84"),
                ("1612", "5055", "merged+renumbered", "1"),
            ],
        ),
    )
    correspondence_by_number(earlier=e2020, later=e2024)

    found = predecessors(organisation=k2024["5055"], edition=e2011)

    assert [(x.organisation.name, x.share) for x in found] == [
        ("Hemne", Decimal("1")),
        ("Snillfjord", Decimal("0.16")),
    ]
    assert "merged" in found[0].changes
    later = successors(organisation=k2011["1613"], edition=e2024)
    assert {x.organisation.name: x.share for x in later} == {
        "Heim": Decimal("0.16"),
        "Orkland": Decimal("0.84"),
    }
    main = main_successors(earlier=e2011, later=e2024)
    assert main[k2011["1613"].pk][0] == k2024["5059"].pk


def test_editions_that_are_not_linked_have_no_predecessors():
    e2011, k2011 = edition_with(2011, ("0301", "Oslo"))
    e2024, k2024 = edition_with(2024, ("0301", "Oslo"))
    assert predecessors(organisation=k2024["0301"], edition=e2011) == []


def test_a_change_list_with_unknown_numbers_is_refused_by_line_and_stores_nothing(tmp_path):
    e2011, _ = edition_with(2011, ("1613", "Snillfjord"))
    e2024, _ = edition_with(2024, ("5059", "Orkland"))
    path = change_list(
        tmp_path,
        2011,
        2024,
        [
            ("1613", "5059", "split", "0.5"),
            ("9999", "5059", "merged", "1"),
            ("1613", "5059", "vanished", "1"),
        ],
    )

    with pytest.raises(ImportFailed) as failed:
        correspondence_import(earlier=e2011, later=e2024, kommuner_path=path)

    lines = sorted(issue.line for issue in failed.value.issues)
    assert lines == [3, 4]
    assert not Correspondence.objects.exists()
    assert not CorrespondenceLink.objects.exists()
