"""The mail round "Rapporten for deres kommune er klar": after publication, through the mail
queue, once per contact of an organisation that submitted, retried, never twice."""

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import MailKind, OutboundMessage
from surveys.outreach import services as mailing
from surveys.outreach import tasks
from tests import builders
from tests.surveys.results_data import analyst

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(db):
    wave = builders.make_wave(slug="rapport", title="eKommune 2024")
    county = builders.make_county(edition=wave.edition, number="31", name="Østfold")
    submitted = builders.make_organisation(county=county, number="3101", name="Halden kommune")
    silent = builders.make_organisation(county=county, number="3103", name="Stille kommune")
    builders.make_answer_sets(wave=wave, organisations=[submitted])
    builders.make_contacts([submitted], per_organisation=2)
    builders.make_contacts([silent])
    wave.results_published_at = timezone.now()
    wave.save(update_fields=["results_published_at"])
    return wave


def _send(monkeypatch, django_capture_on_commit_callbacks, **options):
    """Queue the round and run the worker's batches in this process."""
    batches: list[list[int]] = []
    monkeypatch.setattr(tasks.send_messages, "delay", batches.append)
    with django_capture_on_commit_callbacks(execute=True):
        ids = mailing.report_mails_queue(wave=options["wave"], now=timezone.now())
    for batch in batches:
        tasks.send_messages(batch)
    return ids


def test_the_contacts_of_organisations_that_submitted_get_the_report_mail_once(
    wave, monkeypatch, django_capture_on_commit_callbacks
):
    first = _send(monkeypatch, django_capture_on_commit_callbacks, wave=wave)
    again = _send(monkeypatch, django_capture_on_commit_callbacks, wave=wave)

    assert len(first) == 2
    assert again == []
    assert len(mail.outbox) == 2
    assert {message.subject for message in mail.outbox} == {"Rapporten for Halden kommune er klar"}
    assert all("/i/" in message.body for message in mail.outbox)
    assert OutboundMessage.objects.filter(kind=MailKind.REPORT, state="sent").count() == 2


def test_no_report_mail_before_the_results_are_published(wave):
    wave.results_published_at = None
    wave.save(update_fields=["results_published_at"])

    with pytest.raises(mailing.MailingError):
        mailing.report_mails_queue(wave=wave, now=timezone.now())
    assert not OutboundMessage.objects.exists()


def test_a_temporary_mail_server_failure_is_retried_and_the_mail_goes_once(wave, monkeypatch):
    ids = mailing.report_mails_queue(wave=wave, now=timezone.now())
    real_send = EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with pytest.raises(mailing.TransientMailError):
        mailing.message_send(message_id=ids[0])
    assert OutboundMessage.objects.get(pk=ids[0]).state == "queued"

    assert mailing.message_send(message_id=ids[0]) == mailing.SENT
    assert mailing.message_send(message_id=ids[0]) == mailing.SKIPPED
    assert len(mail.outbox) == 1


def test_the_dashboard_sends_the_round_with_a_post_for_staff_who_may_send_mail(wave, monkeypatch):
    monkeypatch.setattr(tasks.send_messages, "delay", lambda batch: None)
    client = Client()
    client.force_login(analyst("view_dashboard", "send_mail"))
    address = reverse("surveys:dashboard_report_mail", args=[wave.slug])

    page = client.get(reverse("surveys:dashboard", args=[wave.slug]))
    assert address in page.content.decode()
    assert client.get(address).status_code == 405
    response = client.post(address)

    assert response.status_code == 302
    assert OutboundMessage.objects.filter(kind=MailKind.REPORT).count() == 2
    viewer = Client()
    viewer.force_login(analyst("view_dashboard"))
    assert viewer.post(address).status_code == 403
