"""Faults: a broker that is down when mail is queued, and the beat schedule that catches up."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from surveys.models import OutboundMessage, ResponseRateSnapshot
from surveys.outreach import services as mailing
from surveys.outreach import tasks
from tests import builders


@pytest.fixture
def wave(db):
    wave = builders.make_wave(slug="faults")
    county = builders.make_county(edition=wave.edition, number="12")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 4)
    ]
    builders.make_contacts(organisations)
    wave.organisations = organisations
    return wave


def test_invitations_are_kept_when_the_broker_is_down_and_the_sweeper_queues_them_later(
    wave, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis: Connection refused")

    monkeypatch.setattr(tasks.send_messages, "delay", broker_down)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        ids = mailing.invitations_queue(wave=wave, now=now)
    assert OutboundMessage.objects.filter(state="queued").count() == 3

    # The broker is back: the sweeper queues the rows it finds left behind.
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks.send_messages, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        swept = mailing.mail_sweep(now=now + timedelta(minutes=15))
    for batch in queued:
        tasks.send_messages(batch)

    assert sorted(swept) == sorted(ids)
    assert len(mail.outbox) == 3


def test_rates_catch_up_with_submissions_made_while_no_snapshot_was_taken(wave):
    tasks.rate_snapshots_take()
    builders.make_answer_sets(wave=wave, organisations=wave.organisations[:2])

    tasks.rate_snapshots_take()
    tasks.rate_snapshots_take()

    latest = ResponseRateSnapshot.objects.filter(wave=wave).order_by("-taken_at").first()
    assert ResponseRateSnapshot.objects.filter(wave=wave).count() == 2
    assert latest.counts["by_kind"]["kommune"]["submitted"] == 2
    assert latest.submitted == 2


def test_the_beat_schedule_runs_the_reminder_sweeper_and_snapshot_tasks():
    from ekommune.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    for name in (
        "surveys.reminders_queue_due",
        "surveys.mail_sweep",
        "surveys.rate_snapshots_take",
    ):
        assert name in scheduled
        assert name in app.tasks
