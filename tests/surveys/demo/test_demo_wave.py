"""The demo's wave in progress: open, invited, answered, reminded, with a snapshot."""

from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from surveys.demo.questionnaires import load_demo_surveys
from surveys.demo.wave import demo_wave_progress, load_demo_wave_in_progress
from surveys.models import AnswerSet, MailKind, OutboundMessage, ResponseRateSnapshot
from tests import builders


@pytest.fixture
def demo_wave(db, django_capture_on_commit_callbacks):
    builders.make_bundled_register(2011)
    load_demo_surveys(StringIO())
    out = StringIO()
    with django_capture_on_commit_callbacks() as callbacks:
        load_demo_wave_in_progress(out)
    from surveys.models import Wave

    wave = Wave.objects.get(year=2011)
    wave.output = out.getvalue()
    wave.queued_callbacks = callbacks
    return wave


def test_the_demo_opens_the_2011_wave_until_a_future_evening_and_invites_the_contacts(
    demo_wave,
):
    closes = timezone.localtime(demo_wave.closes_at, ZoneInfo("Europe/Oslo"))

    assert demo_wave.is_open(timezone.now())
    assert (closes.hour, closes.minute) == (23, 59)
    invitations = OutboundMessage.objects.filter(wave=demo_wave, kind=MailKind.INVITATION)
    assert invitations.filter(state="sent").count() == len(mail.outbox) > 400
    assert invitations.values("organisation").distinct().count() > 0.9 * 448
    assert "/staff/dashboard/ekommune-2011/" in demo_wave.output
    # The rest (answers, reminder, snapshot) is queued for the worker after commit.
    assert any(
        "load_demo_wave_in_progress" in callback.__qualname__
        for callback in demo_wave.queued_callbacks
    )


def test_the_demo_progress_answers_reminds_the_rest_once_and_takes_a_snapshot(demo_wave):
    mail.outbox.clear()

    summary = demo_wave_progress(wave=demo_wave, submitted_share=0.02, started_share=0.04)
    again = demo_wave_progress(wave=demo_wave, submitted_share=0.02, started_share=0.04)

    submitted = AnswerSet.objects.filter(wave=demo_wave, status="submitted")
    assert submitted.count() == 9  # 2 % of 430 kommuner, 0 of 18 fylkeskommuner
    assert AnswerSet.objects.filter(wave=demo_wave, status="in_progress").count() == 9
    reminders = OutboundMessage.objects.filter(wave=demo_wave, kind=MailKind.REMINDER)
    assert reminders.values("round").distinct().count() == 1
    reminded = set(reminders.values_list("organisation_id", flat=True))
    assert not reminded & set(submitted.values_list("organisation_id", flat=True))
    assert ResponseRateSnapshot.objects.filter(wave=demo_wave).count() == 2
    assert "9 av 430 kommuner (2 %)" in summary == again


def test_loading_the_demo_again_changes_nothing(demo_wave):
    out = StringIO()
    before = OutboundMessage.objects.count()

    load_demo_wave_in_progress(out)

    assert "allerede på plass" in out.getvalue()
    assert OutboundMessage.objects.count() == before
