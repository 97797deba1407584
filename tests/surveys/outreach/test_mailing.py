"""Invitations and reminders: who gets what, once, rendered safely, with failures recorded."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from municipalities.models import OrganisationKind
from surveys.models import AnswerSet, MailKind, MailRound, OutboundMessage
from surveys.outreach import services as mailing
from tests import builders
from tests.surveys.smtp_server import ScriptedSMTPServer

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2011, 9, 1, 10, 0, tzinfo=OSLO)


@pytest.fixture
def wave(db):
    edition = builders.make_edition(year=2011)
    return builders.make_wave(
        edition=edition,
        slug="ekommune-2011",
        title="eKommune 2011",
        opens_at=NOW - timedelta(days=10),
        # 23:59 Oslo time (summer time, UTC+2) on 30 September.
        closes_at=datetime(2011, 9, 30, 23, 59, tzinfo=OSLO),
        help_contact="Kari Nordmann, tlf. 24 13 26 00",
    )


@pytest.fixture
def organisations(wave):
    county = builders.make_county(edition=wave.edition, number="12", name="Hordaland")
    kommuner = [
        builders.make_organisation(county=county, number=f"12{n:02d}", name=f"Kommune {n}")
        for n in range(1, 5)
    ]
    fylkeskommune = builders.make_organisation(
        county=county, kind=OrganisationKind.FYLKESKOMMUNE, number="12", name="Hordaland fk"
    )
    organisations = [*kommuner, fylkeskommune]
    builders.make_contacts(organisations, per_organisation=2)
    return organisations


def send_all(now=NOW):
    """What the worker does: send every queued row (tasks are tested with a real worker)."""
    results = []
    for message_id in OutboundMessage.objects.filter(state="queued").values_list("pk", flat=True):
        results.append(mailing.message_send(message_id=message_id, now=now))
    return results


def recipients():
    return sorted(message.to[0].rsplit("<", 1)[-1].rstrip(">") for message in mail.outbox)


def test_invitations_reach_every_active_contact_once_even_when_queued_twice(wave, organisations):
    inactive = builders.make_contact(organisation=organisations[0], is_active=False)

    first = mailing.invitations_queue(wave=wave, now=NOW)
    second = mailing.invitations_queue(wave=wave, now=NOW + timedelta(minutes=5))
    send_all()
    send_all()

    assert len(first) == 10
    assert second == []
    assert len(mail.outbox) == 10
    assert len(set(recipients())) == 10
    assert inactive.email not in recipients()
    assert all(len(message.to) == 1 for message in mail.outbox)


def test_a_contact_added_later_is_invited_by_the_next_run_and_nobody_else(wave, organisations):
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()
    newcomer = builders.make_contact(organisation=organisations[1], email="ny@example.invalid")
    mail.outbox.clear()

    mailing.invitations_queue(wave=wave, now=NOW + timedelta(days=1))
    send_all()

    assert recipients() == [newcomer.email]


def test_explicit_resend_goes_to_the_selected_organisation_again_in_a_new_round(
    wave, organisations
):
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()
    mail.outbox.clear()

    mailing.invitations_queue(
        wave=wave, organisations=[organisations[2]], resend=True, now=NOW + timedelta(hours=1)
    )
    send_all()

    assert len(mail.outbox) == 2
    assert list(
        MailRound.objects.filter(kind=MailKind.INVITATION).values_list("number", flat=True)
    ) == [1, 2]


def test_invitation_has_the_personal_link_the_deadline_in_oslo_time_and_help(wave, organisations):
    mailing.invitations_queue(wave=wave, organisations=[organisations[0]], now=NOW)
    send_all()

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == "Invitasjon: eKommune 2011"
    assert "Kommune 1 er invitert til å svare på eKommune 2011" in message.body
    assert "30. september 2011 kl. 23:59" in message.body
    assert "Kari Nordmann, tlf. 24 13 26 00" in message.body
    assert "/i/" in message.body
    assert 'href="http' in html
    assert 'lang="nb"' in html


def test_the_wave_can_send_its_mail_in_nynorsk(wave, organisations):
    settings = mailing.mailing_settings_for(wave)
    settings.language = "nn"
    settings.save()

    mailing.invitations_queue(wave=wave, organisations=[organisations[0]], now=NOW)
    send_all()

    assert 'lang="nn"' in mail.outbox[0].alternatives[0][0]
    assert OutboundMessage.objects.first().language == "nn"


def test_names_and_titles_cannot_inject_mail_headers(wave, organisations):
    builders.make_contact(
        organisation=organisations[0],
        name="Eve\r\nBcc: victim@example.invalid",
        email="eve@example.invalid",
    )
    wave.title = "eKommune\nBcc: victim@example.invalid"
    wave.save()

    mailing.invitations_queue(wave=wave, organisations=[organisations[0]], now=NOW)
    send_all()

    eve = next(m for m in mail.outbox if "eve@example.invalid" in m.to[0])
    parsed = eve.message()
    headers = parsed.as_string().split("\n\n", 1)[0]
    assert parsed["Bcc"] is None
    assert len(parsed.get_all("To")) == 1
    assert "\nBcc:" not in headers
    assert eve.recipients() == [eve.to[0]]
    assert "\n" not in eve.to[0] and "\n" not in eve.subject
    assert OutboundMessage.objects.filter(state="sent").count() == 3


def submit(wave, organisations):
    builders.make_answer_sets(wave=wave, organisations=organisations)


def test_reminders_reach_exactly_the_non_submitters_once_per_round_even_if_run_twice(
    wave, organisations
):
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()
    submit(wave, organisations[:2])
    builders.make_answer_sets(
        wave=wave, organisations=[organisations[2]], status=AnswerSet.Status.IN_PROGRESS
    )
    mail.outbox.clear()
    fourteen_days_before = datetime(2011, 9, 16, 8, 0, tzinfo=OSLO)

    first = mailing.reminders_queue_due(wave=wave, now=fourteen_days_before)
    again = mailing.reminders_queue_due(wave=wave, now=fourteen_days_before + timedelta(hours=1))
    send_all(fourteen_days_before)
    send_all(fourteen_days_before)

    expected = sorted(
        contact.email
        for organisation in organisations[2:]
        for contact in organisation.contacts.all()
    )
    assert first is not None and first.days_before_closing == 14
    assert again is None
    assert recipients() == expected
    assert all(message.subject == "Påminnelse: eKommune 2011" for message in mail.outbox)


def test_each_schedule_point_makes_one_round_and_none_before_it_is_due(wave, organisations):
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()

    assert (
        mailing.reminders_queue_due(wave=wave, now=datetime(2011, 9, 15, 12, tzinfo=OSLO)) is None
    )
    points = [
        mailing.reminders_queue_due(wave=wave, now=datetime(2011, 9, day, 9, tzinfo=OSLO))
        for day in (16, 17, 23, 28, 29)
    ]

    assert [p.days_before_closing if p else None for p in points] == [14, None, 7, 2, None]
    assert OutboundMessage.objects.filter(kind=MailKind.REMINDER).count() == 30


def test_reminder_says_how_far_the_organisation_got(wave, organisations):
    sections = [builders.make_section(wave=wave) for _ in range(3)]
    question = builders.make_question(section=sections[0])
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()
    mail.outbox.clear()
    (answer_set,) = builders.make_answer_sets(
        wave=wave, organisations=[organisations[0]], status=AnswerSet.Status.IN_PROGRESS
    )
    answer_set.answers.create(question=question, value="ja", changed_at=NOW)

    mailing.reminders_queue_now(wave=wave, organisations=organisations[:2], now=NOW)
    send_all()

    bodies = {m.to[0]: m.body for m in mail.outbox}
    started = next(b for to, b in bodies.items() if organisations[0].number in to)
    not_started = next(b for to, b in bodies.items() if organisations[1].number in to)
    assert "Dere har svart på noe i 1 av 3 deler" in started
    assert "Dere har ikke begynt på svaret ennå" in not_started


def test_reminders_stop_at_the_cap_per_organisation(wave, organisations):
    settings = mailing.mailing_settings_for(wave)
    settings.max_reminders_per_organisation = 2
    settings.save()
    mailing.invitations_queue(wave=wave, now=NOW)

    rounds = [
        mailing.reminders_queue_now(wave=wave, organisations=None, now=NOW + timedelta(days=3 * n))
        for n in range(3)
    ]

    assert rounds[0] is not None and rounds[1] is not None
    assert rounds[2] is None
    assert OutboundMessage.objects.filter(kind=MailKind.REMINDER).count() == 20


def test_a_reminder_queued_before_the_organisation_submitted_is_not_sent(wave, organisations):
    mailing.invitations_queue(wave=wave, now=NOW)
    send_all()
    mail.outbox.clear()
    mailing.reminders_queue_now(wave=wave, organisations=[organisations[0]], now=NOW)
    submit(wave, [organisations[0]])

    assert send_all() == ["cancelled", "cancelled"]
    assert mail.outbox == []


def test_nothing_is_sent_for_a_closed_wave(wave, organisations):
    wave.status = wave.Status.CLOSED
    wave.save()

    with pytest.raises(mailing.MailingError):
        mailing.invitations_queue(wave=wave, now=NOW)


@pytest.fixture
def smtp(settings):
    def start(script):
        server = ScriptedSMTPServer(script)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        return server

    return start


def test_a_transient_smtp_error_is_retried_and_then_sent_once(wave, organisations, smtp):
    contact = organisations[0].contacts.first()
    with smtp(["421", "450", "ok"]) as server:
        (message_id,) = mailing.invitations_queue(
            wave=wave, organisations=[organisations[0]], now=NOW
        )[:1]
        for _ in range(2):
            with pytest.raises(mailing.TransientMailError):
                mailing.message_send(message_id=message_id)
            assert OutboundMessage.objects.get(pk=message_id).state == "queued"
        assert mailing.message_send(message_id=message_id) == "sent"
        assert mailing.message_send(message_id=message_id) == "skipped"

    row = OutboundMessage.objects.get(pk=message_id)
    assert (row.state, row.attempts, row.reason) == ("sent", 3, "")
    assert [m["To"] for m in server.delivered] == [f"{contact.name} <{contact.email}>"]


@pytest.mark.parametrize("code", ["550", "554"])
def test_a_permanent_smtp_error_marks_the_message_failed_with_the_reason(
    wave, organisations, smtp, code
):
    with smtp([code]):
        (message_id, _) = mailing.invitations_queue(
            wave=wave, organisations=[organisations[0]], now=NOW
        )
        assert mailing.message_send(message_id=message_id) == "failed"

    row = OutboundMessage.objects.get(pk=message_id)
    assert row.state == "failed"
    assert code in row.reason
    assert row.failed_at is not None


def test_transient_errors_give_up_after_the_maximum_attempts(wave, organisations, smtp, settings):
    settings.MAIL_MAX_ATTEMPTS = 2
    with smtp(["421", "421"]):
        (message_id, _) = mailing.invitations_queue(
            wave=wave, organisations=[organisations[0]], now=NOW
        )
        with pytest.raises(mailing.TransientMailError):
            mailing.message_send(message_id=message_id)
        assert mailing.message_send(message_id=message_id) == "failed"

    assert "421" in OutboundMessage.objects.get(pk=message_id).reason


def test_the_sweeper_requeues_rows_of_a_dead_worker_and_each_contact_gets_one_mail(
    wave, organisations
):
    ids = mailing.invitations_queue(wave=wave, now=NOW)
    # A worker claimed four rows and sent two before it was killed.
    claimed = ids[:4]
    for message_id in claimed[:2]:
        mailing.message_send(message_id=message_id, now=NOW)
    OutboundMessage.objects.filter(pk__in=claimed[2:]).update(state="sending", claimed_at=NOW)
    # The batch is re-delivered: the rows in "sending" are not touched by it.
    send_all(NOW)
    assert OutboundMessage.objects.filter(state="sending").count() == 2

    requeued = mailing.mail_sweep(now=NOW + timedelta(hours=1))
    send_all(NOW + timedelta(hours=1))

    assert sorted(requeued) == sorted(claimed[2:])
    assert len(mail.outbox) == 10
    assert len(set(recipients())) == 10
    assert OutboundMessage.objects.exclude(state="sent").count() == 0


def test_the_sweeper_leaves_fresh_rows_alone(wave, organisations):
    mailing.invitations_queue(wave=wave, now=NOW)

    assert mailing.mail_sweep(now=NOW + timedelta(minutes=1)) == []
