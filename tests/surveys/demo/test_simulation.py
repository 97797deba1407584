"""simulate_responses fills answer sets through the respondents' own services."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from surveys.answering import selectors
from surveys.definitions import load_definition, read_definition
from surveys.demo.questionnaires import EKOMMUNE_2011
from surveys.models import AnswerChange, AnswerSet
from tests import builders


@pytest.fixture
def wave_2011(db):
    builders.make_bundled_register(2011)
    wave = load_definition(read_definition(EKOMMUNE_2011)).wave
    wave.status = wave.Status.OPEN
    wave.opens_at = timezone.now() - timedelta(days=30)
    wave.closes_at = timezone.now() + timedelta(days=14)
    wave.save()
    return wave


def test_simulated_submissions_are_valid_and_went_through_the_submit_service(wave_2011, capsys):
    call_command(
        "simulate_responses",
        wave_2011.slug,
        "--submitted-kommuner",
        "6",
        "--submitted-fylkeskommuner",
        "2",
        "--started",
        "3",
        "--seed",
        "7",
    )

    out = capsys.readouterr().out
    assert "6 av 430 kommuner (1 %)" in out
    assert "2 av 18 fylkeskommuner (11 %)" in out
    submitted = AnswerSet.objects.filter(wave=wave_2011, status="submitted")
    assert submitted.count() == 8
    assert AnswerSet.objects.filter(wave=wave_2011, status="in_progress").count() == 3
    for answer_set in submitted:
        # The submit service recorded the submitted snapshot; the engine finds no problem.
        assert answer_set.changes.filter(action=AnswerChange.Action.SUBMITTED).count() == 1
        assert answer_set.changes.filter(action=AnswerChange.Action.CHANGED).exists()
        progress = selectors.response_progress(
            wave=wave_2011, organisation=answer_set.organisation, answer_set=answer_set
        )
        assert progress.problems == []
        assert progress.answered_count > 0


def test_counts_are_totals_so_a_second_run_adds_only_what_is_missing(wave_2011):
    args = [wave_2011.slug, "--submitted-fylkeskommuner", "1", "--seed", "1"]

    call_command("simulate_responses", *args, "--submitted-kommuner", "2")
    call_command("simulate_responses", *args, "--submitted-kommuner", "3")

    assert AnswerSet.objects.filter(wave=wave_2011, status="submitted").count() == 4


def test_started_is_a_total_of_organisations_in_progress(wave_2011):
    args = [wave_2011.slug, "--submitted-kommuner", "0", "--submitted-fylkeskommuner", "0"]

    call_command("simulate_responses", *args, "--started", "3", "--seed", "1")
    call_command("simulate_responses", *args, "--started", "3", "--seed", "2")

    assert AnswerSet.objects.filter(wave=wave_2011, status="in_progress").count() == 3


def test_the_same_seed_gives_the_same_organisations(wave_2011):
    call_command(
        "simulate_responses",
        wave_2011.slug,
        "--submitted-kommuner",
        "3",
        "--submitted-fylkeskommuner",
        "0",
        "--seed",
        "42",
    )
    first = set(AnswerSet.objects.values_list("organisation__number", flat=True))
    AnswerSet.objects.all().delete()

    call_command(
        "simulate_responses",
        wave_2011.slug,
        "--submitted-kommuner",
        "3",
        "--submitted-fylkeskommuner",
        "0",
        "--seed",
        "42",
    )

    assert set(AnswerSet.objects.values_list("organisation__number", flat=True)) == first


def test_a_closed_wave_is_refused(wave_2011):
    wave_2011.status = wave_2011.Status.CLOSED
    wave_2011.save()

    with pytest.raises(CommandError, match="ikke åpen"):
        call_command(
            "simulate_responses",
            wave_2011.slug,
            "--submitted-kommuner",
            "1",
            "--submitted-fylkeskommuner",
            "0",
        )
