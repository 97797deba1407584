"""No organisation is reminded twice within REMINDER_MIN_INTERVAL_DAYS, by hand or by schedule."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Organisation
from surveys.models import MailKind, MailRound, OutboundMessage
from surveys.outreach import services as mailing
from tests import builders
from tests.surveys.dashboard_fixtures import (  # noqa: F401
    mail_admin_fixture,
    national_wave_fixture,
)
from tests.surveys.outreach.test_mailing import OSLO, send_all

FOURTEEN_DAYS_BEFORE = datetime(2011, 9, 16, 10, 0, tzinfo=OSLO)


@pytest.fixture(name="wave")
def wave_fixture(db):
    """Closes 30 September 2011: the first scheduled reminder is due on 16 September."""
    return builders.make_wave(
        edition=builders.make_edition(year=2011),
        opens_at=FOURTEEN_DAYS_BEFORE - timedelta(days=20),
        closes_at=datetime(2011, 9, 30, 23, 59, tzinfo=OSLO),
    )


@pytest.fixture(name="organisations")
def organisations_fixture(wave):
    county = builders.make_county(edition=wave.edition)
    organisations = [builders.make_organisation(county=county) for _ in range(5)]
    builders.make_contacts(organisations)
    return organisations


@pytest.fixture(name="invited_wave")
def invited_wave_fixture(national_wave):
    builders.make_contacts(Organisation.objects.filter(edition=national_wave.edition))
    mailing.invitations_queue(wave=national_wave, now=timezone.now())
    OutboundMessage.objects.update(state="sent", sent_at=timezone.now())
    return national_wave


def reminded(mail_round):
    return set(mail_round.messages.values_list("organisation_id", flat=True))


def test_the_scheduled_round_skips_organisations_reminded_by_hand_minutes_before(
    wave, organisations
):
    mailing.invitations_queue(wave=wave, now=FOURTEEN_DAYS_BEFORE - timedelta(days=15))
    send_all()
    manual = mailing.reminders_queue_now(
        wave=wave, organisations=organisations[:3], now=FOURTEEN_DAYS_BEFORE
    )

    scheduled = mailing.reminders_queue_due(
        wave=wave, now=FOURTEEN_DAYS_BEFORE + timedelta(minutes=13)
    )

    assert reminded(manual) == {o.pk for o in organisations[:3]}
    assert reminded(scheduled) == {o.pk for o in organisations[3:]}


def test_a_manual_round_skips_organisations_reminded_less_than_the_interval_ago(
    wave, organisations, settings
):
    settings.REMINDER_MIN_INTERVAL_DAYS = 3
    mailing.invitations_queue(wave=wave, now=FOURTEEN_DAYS_BEFORE - timedelta(days=15))
    scheduled = mailing.reminders_queue_due(wave=wave, now=FOURTEEN_DAYS_BEFORE)

    too_soon = mailing.reminders_queue_now(
        wave=wave, organisations=None, now=FOURTEEN_DAYS_BEFORE + timedelta(days=2, hours=23)
    )
    plan = mailing.reminder_plan(
        wave=wave, organisations=None, now=FOURTEEN_DAYS_BEFORE + timedelta(days=2)
    )
    later = mailing.reminders_queue_now(
        wave=wave, organisations=None, now=FOURTEEN_DAYS_BEFORE + timedelta(days=3, minutes=1)
    )

    assert len(reminded(scheduled)) == 5
    assert too_soon is None
    assert plan.recipients == [] and plan.skipped["recently_reminded"] == 5
    assert reminded(later) == reminded(scheduled)


def test_a_failed_reminder_does_not_count_as_a_reminder(wave, organisations):
    mailing.invitations_queue(wave=wave, now=FOURTEEN_DAYS_BEFORE - timedelta(days=15))
    first = mailing.reminders_queue_now(
        wave=wave, organisations=organisations[:1], now=FOURTEEN_DAYS_BEFORE
    )
    first.messages.update(state=OutboundMessage.State.FAILED)

    again = mailing.reminders_queue_now(
        wave=wave, organisations=organisations[:1], now=FOURTEEN_DAYS_BEFORE + timedelta(hours=1)
    )

    assert again is not None


# --- the dashboard --------------------------------------------------------------------------


def remind_url(wave):
    return reverse("surveys:dashboard_remind", args=[wave.slug])


def test_the_confirmation_says_how_many_are_reached_and_how_many_are_skipped_and_why(
    client, invited_wave, mail_admin
):
    builders.sign_in_verified(client, mail_admin)
    first = Organisation.objects.exclude(pk__in=invited_wave.submitted_ids).order_by("number")[0]
    mailing.reminders_queue_now(wave=invited_wave, organisations=[first], now=timezone.now())
    not_submitted = Organisation.objects.filter(edition=invited_wave.edition).count() - len(
        invited_wave.submitted_ids
    )

    response = client.post(remind_url(invited_wave), {"all": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert MailRound.objects.filter(kind=MailKind.REMINDER).count() == 1  # nothing sent yet
    reach = re.search(r'<p id="reminder-reach">(.*?)</p>', html).group(1)
    assert f"i {not_submitted - 1} organisasjoner" in reach
    assert (
        '<li data-reason="recently_reminded">1 organisasjon fikk en påminnelse for mindre enn '
        "3 dager siden.</li>"
    ) in html
    assert 'name="confirm"' in html and 'name="after_round" value="1"' in html


def test_a_double_click_on_send_makes_one_round(client, invited_wave, mail_admin, settings):
    settings.REMINDER_MIN_INTERVAL_DAYS = 0  # the confirmation alone must prevent the second
    builders.sign_in_verified(client, mail_admin)
    confirmation = client.post(remind_url(invited_wave), {"all": "1"}).content.decode()
    after_round = re.search(r'name="after_round" value="(\d+)"', confirmation).group(1)
    send = {"all": "1", "confirm": "1", "after_round": after_round}

    first = client.post(remind_url(invited_wave), send)
    second = client.post(remind_url(invited_wave), send, follow=True)

    assert first.status_code == 302
    assert MailRound.objects.filter(kind=MailKind.REMINDER).count() == 1
    assert "Påminnelse 1 ble laget etter at du åpnet bekreftelsen" in second.content.decode()


def test_the_confirmation_page_is_never_stored(client, invited_wave, mail_admin):
    builders.sign_in_verified(client, mail_admin)
    response = client.post(remind_url(invited_wave), {"all": "1"})

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("interval_days", [0, 3])
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_make_one_round(wave, organisations, settings, interval_days):
    from tests.concurrency import postgresql_only, run_together

    if postgresql_only[1].args[0]:
        pytest.skip(postgresql_only[1].kwargs["reason"])
    settings.REMINDER_MIN_INTERVAL_DAYS = interval_days
    mailing.invitations_queue(wave=wave, now=FOURTEEN_DAYS_BEFORE - timedelta(days=15))

    def send():
        return mailing.reminders_queue_now(
            wave=wave, organisations=None, now=FOURTEEN_DAYS_BEFORE, after_round=0
        )

    results = run_together(send, send)

    assert MailRound.objects.filter(kind=MailKind.REMINDER).count() == 1
    assert sum(isinstance(result, MailRound) for result in results) == 1
