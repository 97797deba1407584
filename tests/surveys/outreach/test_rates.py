"""Response rates as KS reports them, checked against counts computed independently."""

import json
from collections import Counter

import pytest
from django.core.management import call_command

from municipalities.models import Organisation, OrganisationKind, size_class_for
from surveys.outreach import selectors as rates
from tests.surveys.dashboard_fixtures import national_wave_fixture  # noqa: F401


def independent_counts(wave, key):
    """Counts per group computed in Python from the organisations, not by the selectors."""
    totals, started, submitted = Counter(), Counter(), Counter()
    for organisation in Organisation.objects.filter(edition=wave.edition).select_related("county"):
        group = key(organisation)
        if group is None:
            continue
        totals[group] += 1
        started[group] += organisation.pk in wave.started_ids
        submitted[group] += organisation.pk in wave.submitted_ids
    return totals, started, submitted


def test_headline_figures_say_49_and_83_percent(national_wave):
    result = rates.wave_rates(national_wave)

    assert rates.headline(OrganisationKind.KOMMUNE, result.kommuner) == (
        "212 av 430 kommuner (49 %)"
    )
    assert rates.headline(OrganisationKind.FYLKESKOMMUNE, result.fylkeskommuner) == (
        "15 av 18 fylkeskommuner (83 %)"
    )
    assert result.kommuner.started == 252
    assert result.overall.submitted == 227


def test_rates_by_county_match_counts_computed_independently(national_wave):
    totals, started, submitted = independent_counts(
        national_wave, lambda o: (o.county.number, o.kind)
    )

    rows = rates.wave_rates(national_wave).by_county

    assert len(rows) == 19
    for row in rows:
        for kind, figures in (
            (OrganisationKind.KOMMUNE, row.kommuner),
            (OrganisationKind.FYLKESKOMMUNE, row.fylkeskommuner),
        ):
            key = (row.number, kind)
            assert (figures.total, figures.started, figures.submitted) == (
                totals[key],
                started[key],
                submitted[key],
            ), row.name
    oslo = next(row for row in rows if row.number == "03")
    assert oslo.fylkeskommuner.total == 0


def test_rates_by_size_class_match_counts_computed_independently(national_wave):
    totals, started, submitted = independent_counts(
        national_wave,
        lambda o: int(size_class_for(o.population)) if o.kind == "kommune" else None,
    )

    rows = rates.wave_rates(national_wave).by_size_class

    assert [row.size_class for row in rows] == [1, 2, 3, 4, 5, 6]
    assert sum(row.figures.total for row in rows) == 430
    for row in rows:
        figures = row.figures
        assert (figures.total, figures.started, figures.submitted) == (
            totals[row.size_class],
            started[row.size_class],
            submitted[row.size_class],
        )
        expected = round(100 * submitted[row.size_class] / totals[row.size_class] + 1e-9)
        assert abs(figures.submitted_percent - expected) <= 1


def test_percentages_round_half_up_like_the_report():
    assert rates.percent(1, 8) == 13  # 12.5
    assert rates.percent(5, 200) == 3  # 2.5 (Python's round() would say 2)
    assert rates.percent(212, 430) == 49
    assert rates.percent(0, 0) is None


def test_response_rates_command_prints_the_headline(national_wave, capsys):
    call_command("response_rates", "ekommune-2011")

    out = capsys.readouterr().out
    assert "212 av 430 kommuner (49 %)" in out
    assert "15 av 18 fylkeskommuner (83 %)" in out


@pytest.mark.parametrize("by", ["kind", "county", "size"])
def test_response_rates_command_gives_json_breakdowns(national_wave, capsys, by):
    call_command("response_rates", "ekommune-2011", "--by", by, "--json")

    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["submitted"] == 227
    if by == "kind":
        assert data["rows"]["kommune"]["submitted_percent"] == 49
        assert data["rows"]["fylkeskommune"]["submitted_percent"] == 83
    elif by == "county":
        assert len(data["rows"]) == 19
        assert sum(row["kommuner"]["submitted"] for row in data["rows"]) == 212
    else:
        assert sum(row["total"] for row in data["rows"]) == 430
        assert sum(row["submitted"] for row in data["rows"]) == 212


def test_response_rates_command_refuses_an_unknown_wave(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="finnes ikke"):
        call_command("response_rates", "no-such-wave")


def test_the_size_class_table_adds_up_to_its_own_total_line(national_wave, capsys):
    call_command("response_rates", "ekommune-2011", "--by", "size")

    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("Under 2 000"))) :]
    rows, total = table[:-1], table[-1]

    assert total.startswith("Kommuner i alt")
    assert sum(int(row.split()[-6]) for row in rows) == int(total.split()[-6]) == 430
    assert sum(int(row.split()[-3]) for row in rows) == int(total.split()[-3]) == 212
