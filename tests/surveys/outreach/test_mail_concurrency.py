"""Races in sending, proven with real threads and connections on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from surveys.models import MailKind, MailRound, OutboundMessage
from surveys.outreach import services as mailing
from tests import builders
from tests.concurrency import postgresql_only, run_together

pytestmark = postgresql_only


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    # The rows are what matters here; nothing is handed to a broker.
    monkeypatch.setattr(mailing, "enqueue_on_commit", lambda ids: None)


@pytest.fixture
def wave():
    wave = builders.make_wave(slug="race", closes_at=timezone.now() + timedelta(days=10))
    county = builders.make_county(edition=wave.edition, number="12")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 9)
    ]
    builders.make_contacts(organisations, per_organisation=2)
    wave.organisations = organisations
    return wave


def test_two_administrators_inviting_at_once_invite_each_contact_once(wave):
    def invite():
        return mailing.invitations_queue(wave=wave, now=timezone.now())

    results = run_together(invite, invite, invite)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 0, 16]
    assert OutboundMessage.objects.count() == 16
    assert MailRound.objects.filter(kind=MailKind.INVITATION).count() == 1


def test_two_beat_runs_at_once_make_one_reminder_round(wave):
    mailing.invitations_queue(wave=wave, now=timezone.now())
    builders.make_answer_sets(wave=wave, organisations=wave.organisations[:3])

    def beat():
        return mailing.reminders_queue_due(wave=wave, now=timezone.now())

    results = run_together(beat, beat, beat)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len([r for r in results if r is not None]) == 1
    reminders = OutboundMessage.objects.filter(kind=MailKind.REMINDER)
    assert reminders.count() == 10  # 5 organisations that have not submitted, 2 contacts each
    assert MailRound.objects.filter(kind=MailKind.REMINDER).count() == 1


def test_a_row_delivered_to_two_workers_at_once_is_sent_once(wave):
    ids = mailing.invitations_queue(
        wave=wave, organisations=wave.organisations[:1], now=timezone.now()
    )

    def send():
        return [mailing.message_send(message_id=message_id) for message_id in ids]

    results = run_together(send, send, send)

    outcomes = sorted(outcome for result in results for outcome in result)
    assert outcomes == ["sent", "sent", "skipped", "skipped", "skipped", "skipped"]
    assert len(mail.outbox) == 2
