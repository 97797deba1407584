"""Opening and closing a wave from the command line (`wave_status`) and via wave_set_status."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from surveys.models import Wave
from surveys.waves import WaveStatusError, closing_time_from_text, wave_set_status
from tests.builders import make_answer_set, make_question, make_section, make_wave

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def draft_wave():
    wave = make_wave(slug="ekommune-test", status=Wave.Status.DRAFT, opens_at=None, closes_at=None)
    make_question(section=make_section(wave=wave))
    return wave


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("wave_status", *args, stdout=out)
    return out.getvalue()


def next_year() -> int:
    return timezone.now().year + 1


def test_opening_with_a_date_closes_at_2359_norwegian_time_that_day(draft_wave):
    output = run("ekommune-test", "open", "--closes", f"{next_year()}-05-06")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.OPEN
    assert draft_wave.closes_at == dt.datetime(next_year(), 5, 6, 23, 59, tzinfo=OSLO)
    assert draft_wave.opens_at is not None and draft_wave.opens_at <= timezone.now()
    assert draft_wave.is_open(timezone.now())
    assert f"Runden «ekommune-test» er åpen og stenger 6. mai {next_year()} kl. 23:59." in output


def test_opening_with_a_date_and_time_uses_that_norwegian_time(draft_wave):
    run("ekommune-test", "open", "--closes", f"{next_year()}-01-15 12:00")

    draft_wave.refresh_from_db()
    assert draft_wave.closes_at == dt.datetime(next_year(), 1, 15, 12, 0, tzinfo=OSLO)
    assert draft_wave.closes_at.astimezone(dt.UTC).hour == 11  # winter time: UTC+1


def test_opening_again_moves_the_closing_time(draft_wave):
    run("ekommune-test", "open", "--closes", f"{next_year()}-05-06")
    run("ekommune-test", "open", "--closes", f"{next_year()}-06-01")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.OPEN
    assert draft_wave.closes_at.date() == dt.date(next_year(), 6, 1)


def test_opening_with_a_closing_date_in_the_past_is_refused(draft_wave):
    with pytest.raises(CommandError, match="Stengetiden 1. mai 2011 kl. 23:59 er passert"):
        run("ekommune-test", "open", "--closes", "2011-05-01")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.DRAFT
    assert draft_wave.closes_at is None


def test_opening_without_any_closing_time_is_refused(draft_wave):
    with pytest.raises(CommandError, match="har ingen stengetid: oppgi når den skal stenge"):
        run("ekommune-test", "open")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.DRAFT


def test_opening_uses_the_closing_time_already_set(draft_wave):
    closes_at = timezone.now() + dt.timedelta(days=10)
    Wave.objects.filter(pk=draft_wave.pk).update(closes_at=closes_at)

    run("ekommune-test", "open")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.OPEN
    assert draft_wave.closes_at == closes_at


def test_a_wave_without_questions_cannot_be_opened():
    wave = make_wave(slug="tom", status=Wave.Status.DRAFT)

    with pytest.raises(CommandError, match="har ingen spørsmål og kan ikke åpnes"):
        run("tom", "open", "--closes", f"{next_year()}-01-01")

    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT


@pytest.mark.parametrize("text", ["6. mai", "2027-02-30", "2027-05-06 25:00", "i morgen"])
def test_an_unreadable_closing_date_is_refused(draft_wave, text):
    with pytest.raises(CommandError, match="Ugyldig stengetid"):
        run("ekommune-test", "open", "--closes", text)


def test_closing_stops_answers_now_and_keeps_an_earlier_closing_time(draft_wave):
    run("ekommune-test", "open", "--closes", f"{next_year()}-05-06")

    output = run("ekommune-test", "closed")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.CLOSED
    assert draft_wave.closes_at <= timezone.now()
    assert not draft_wave.is_open(timezone.now())
    assert "Runden «ekommune-test» har nå status lukket." in output

    past = make_wave(slug="historisk", closes_at=dt.datetime(2011, 5, 6, 16, tzinfo=OSLO))
    run("historisk", "closed")
    past.refresh_from_db()
    assert past.closes_at == dt.datetime(2011, 5, 6, 16, tzinfo=OSLO)


def test_closes_option_is_only_for_opening(draft_wave):
    with pytest.raises(CommandError, match="Stengetid kan bare angis når runden åpnes"):
        run("ekommune-test", "closed", "--closes", f"{next_year()}-01-01")


def test_a_wave_without_answers_can_go_back_to_draft(draft_wave):
    run("ekommune-test", "open", "--closes", f"{next_year()}-05-06")

    run("ekommune-test", "draft")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.DRAFT


def test_a_wave_with_answers_cannot_go_back_to_draft(draft_wave):
    run("ekommune-test", "open", "--closes", f"{next_year()}-05-06")
    make_answer_set(wave=draft_wave)

    with pytest.raises(CommandError, match="har svar og kan ikke bli utkast igjen"):
        run("ekommune-test", "draft")

    draft_wave.refresh_from_db()
    assert draft_wave.status == Wave.Status.OPEN


def test_an_unknown_slug_is_refused_with_the_known_ones(draft_wave):
    with pytest.raises(CommandError, match="Fant ingen runde «ekommune-tset».*ekommune-test"):
        run("ekommune-tset", "closed")


def test_an_unknown_status_is_refused_by_the_command(draft_wave):
    with pytest.raises(CommandError, match="invalid choice: 'aapen'"):
        run("ekommune-test", "aapen")


def test_wave_set_status_uses_the_given_now(draft_wave):
    now = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)

    with pytest.raises(WaveStatusError):
        wave_set_status(
            wave=draft_wave,
            status=Wave.Status.OPEN,
            closes_at=now - dt.timedelta(minutes=1),
            now=now,
        )
    wave = wave_set_status(
        wave=draft_wave, status=Wave.Status.OPEN, closes_at=now + dt.timedelta(days=1), now=now
    )

    assert wave.opens_at == now
    assert Wave.objects.get(pk=draft_wave.pk).status == Wave.Status.OPEN


def test_closing_time_text_in_summer_has_the_summer_offset():
    assert closing_time_from_text("2027-06-30").isoformat() == "2027-06-30T23:59:00+02:00"
