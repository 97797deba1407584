"""Mail, reminder and snapshot tasks through a real Celery worker (embedded broker or Redis)."""

import time
from collections import Counter
from datetime import timedelta
from email import message_from_string

import pytest
from django.utils import timezone

from surveys.models import MailKind, OutboundMessage, ResponseRateSnapshot
from surveys.outreach import services as mailing
from surveys.outreach import tasks
from tests import builders

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def mail_dir(tmp_path, monkeypatch):
    """The worker process writes its mail here (file backend)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("EMAIL_URL", f"file://{folder}")
    return folder


@pytest.fixture
def worker(mail_dir, request):
    return request.getfixturevalue("celery_worker_process")


@pytest.fixture
def wave(transactional_db):
    wave = builders.make_wave(slug="worker-wave", closes_at=timezone.now() + timedelta(days=10))
    county = builders.make_county(edition=wave.edition, number="12")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 7)
    ]
    builders.make_contacts(organisations, per_organisation=2)
    wave.organisations = organisations
    return wave


def delivered(mail_dir) -> Counter:
    """Recipient address -> number of e-mails the worker wrote (Django's file backend)."""
    counts: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text(encoding="utf-8").split("-" * 79):
            if chunk.strip():
                to = message_from_string(chunk.strip())["To"]
                counts[to.rsplit("<", 1)[-1].rstrip(">")] += 1
    return counts


def wait_until(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError("timed out waiting for the worker")


def all_sent():
    return not OutboundMessage.objects.exclude(state="sent").exists()


def test_invitations_go_through_the_worker_once_each_even_if_a_batch_is_delivered_twice(
    worker, wave, mail_dir
):
    ids = mailing.invitations_queue(wave=wave, now=timezone.now())
    wait_until(all_sent)

    # A duplicate delivery of the same batch (e.g. redelivered after a lost ack) sends nothing.
    result = tasks.send_messages.apply_async((ids,), ignore_result=False)
    assert result.get(timeout=60) == {"skipped": 12}

    counts = delivered(mail_dir)
    assert len(ids) == 12
    assert sorted(counts.values()) == [1] * 12


def test_the_beat_task_reminds_exactly_the_non_submitters_once_even_when_run_twice(
    worker, wave, mail_dir
):
    mailing.invitations_queue(wave=wave, now=timezone.now())
    wait_until(all_sent)
    builders.make_answer_sets(wave=wave, organisations=wave.organisations[:2])

    first = tasks.reminders_queue_due.apply_async(ignore_result=False).get(timeout=60)
    second = tasks.reminders_queue_due.apply_async(ignore_result=False).get(timeout=60)
    wait_until(all_sent)

    reminders = OutboundMessage.objects.filter(kind=MailKind.REMINDER)
    assert len(first) == 1 and second == []
    assert set(reminders.values_list("organisation_id", flat=True)) == {
        o.pk for o in wave.organisations[2:]
    }
    counts = delivered(mail_dir)
    reminded = {m.to_email for m in reminders}
    assert all(counts[address] == 2 for address in reminded)  # invitation + one reminder
    assert all(count == 1 for address, count in counts.items() if address not in reminded)


def test_rows_left_by_a_dead_worker_are_swept_and_nobody_is_missed_or_mailed_twice(
    worker, wave, mail_dir
):
    # Rows exist before any task is queued; a worker claimed five of them and was killed.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mailing, "enqueue_on_commit", lambda ids: None)  # the broker lost them
        ids = mailing.invitations_queue(wave=wave, now=timezone.now())
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboundMessage.objects.filter(pk__in=ids[:5]).update(state="sending", claimed_at=an_hour_ago)
    OutboundMessage.objects.filter(pk__in=ids[5:]).update(queued_at=an_hour_ago)

    # The re-delivered batch leaves the claimed rows alone; the sweeper re-queues them.
    tasks.send_messages.apply_async((ids,), ignore_result=False).get(timeout=60)
    assert OutboundMessage.objects.filter(state="sending").count() == 5
    swept = tasks.mail_sweep.apply_async(ignore_result=False).get(timeout=60)
    wait_until(all_sent)

    assert swept == 5
    counts = delivered(mail_dir)
    assert set(counts) == {m.to_email for m in OutboundMessage.objects.all()}
    assert sorted(counts.values()) == [1] * 12


def test_the_snapshot_task_records_the_rates_and_skips_when_nothing_changed(worker, wave):
    builders.make_answer_sets(wave=wave, organisations=wave.organisations[:3])

    first = tasks.rate_snapshot_take.apply_async((wave.pk,), ignore_result=False).get(timeout=60)
    again = tasks.rate_snapshot_take.apply_async((wave.pk,), ignore_result=False).get(timeout=60)

    snapshot = ResponseRateSnapshot.objects.get(pk=first)
    assert again is None
    assert snapshot.counts["by_kind"]["kommune"]["submitted"] == 3
    assert snapshot.counts["by_kind"]["kommune"]["submitted_percent"] == 50
