"""Retention: a wave's contact data and authorship are pseudonymised once, when it is due."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from privacy import selectors, services
from privacy.models import WaveRetention
from privacy.tasks import retention_pseudonymise_due
from surveys.models import AccessToken, Answer, AnswerChange, OutboundMessage, Wave
from surveys.outreach.selectors import wave_rates
from tests import builders
from tests.privacy.test_erasure import answers_of, tables_containing
from tests.privacy.traces import EMAIL, NAME

OSLO = ZoneInfo("Europe/Oslo")
CLOSED = datetime(2024, 5, 31, 23, 59, tzinfo=OSLO)


def close(wave: Wave) -> None:
    wave.status = Wave.Status.CLOSED
    wave.closes_at = CLOSED
    wave.save()


def test_the_retention_date_is_24_months_after_closing_in_norwegian_time(db):
    assert selectors.add_months(CLOSED, 24) == datetime(2026, 5, 31, 23, 59, tzinfo=OSLO)
    # The 31st of a month that is followed by a shorter one.
    assert selectors.add_months(datetime(2024, 1, 31, 12, tzinfo=OSLO), 1) == datetime(
        2024, 2, 29, 12, tzinfo=OSLO
    )


def test_nothing_is_pseudonymised_before_the_retention_period_has_run_out(traces):
    close(traces.survey.wave)

    done = services.retention_pseudonymise_due(now=datetime(2026, 5, 31, 23, 58, tzinfo=OSLO))

    assert done == {}
    traces.person.refresh_from_db()
    assert traces.person.email == EMAIL
    assert Answer.objects.filter(changed_by=traces.person).exists()


def test_the_retention_task_run_twice_pseudonymises_once(traces):
    wave = traces.survey.wave
    close(wave)
    rates_before = wave_rates(wave).as_dict()
    answers_before = answers_of(traces.survey.organisation)
    due = datetime(2026, 6, 1, 3, 0, tzinfo=OSLO)

    first = services.retention_pseudonymise_due(now=due)
    second = services.retention_pseudonymise_due(now=due + timedelta(hours=1))

    assert list(first) == [wave.slug]
    assert first[wave.slug]["answer_changes"] == 4  # three saves and the submit
    assert first[wave.slug]["contacts"] == 3  # every wave of the register is done
    assert second == {}
    retention = WaveRetention.objects.get(wave=wave)
    assert retention.pseudonymised_at == due
    assert not AnswerChange.objects.filter(changed_by__isnull=False).exists()
    assert not AccessToken.objects.filter(wave=wave).exists()
    assert not OutboundMessage.objects.exclude(to_email__endswith="@slettet.invalid").exists()
    assert tables_containing(EMAIL) == [] and tables_containing(NAME) == []
    assert wave_rates(wave).as_dict() == rates_before
    assert answers_of(traces.survey.organisation) == answers_before


def test_contacts_stay_while_another_wave_of_the_same_register_is_kept(traces):
    close(traces.survey.wave)
    builders.make_wave(edition=traces.survey.wave.edition, closes_at=CLOSED + timedelta(days=400))

    done = services.retention_pseudonymise_due(now=datetime(2026, 6, 1, tzinfo=OSLO))

    assert done[traces.survey.wave.slug]["contacts"] == 0
    traces.person.refresh_from_db()
    assert traces.person.email == EMAIL
    assert not Answer.objects.filter(changed_by__isnull=False).exists()


def test_a_wave_may_keep_its_data_longer_than_the_default(traces, settings):
    settings.PRIVACY_RETENTION_MONTHS = 24
    close(traces.survey.wave)
    WaveRetention.objects.create(wave=traces.survey.wave, months=36)

    assert services.retention_pseudonymise_due(now=datetime(2026, 6, 2, tzinfo=OSLO)) == {}
    assert list(services.retention_pseudonymise_due(now=datetime(2027, 6, 1, tzinfo=OSLO))) == [
        traces.survey.wave.slug
    ]


def test_the_default_retention_period_comes_from_the_setting(traces, settings):
    settings.PRIVACY_RETENTION_MONTHS = 6
    close(traces.survey.wave)

    done = services.retention_pseudonymise_due(now=datetime(2024, 12, 1, tzinfo=OSLO))

    assert list(done) == [traces.survey.wave.slug]


def test_an_open_wave_without_closing_date_is_never_due(db):
    builders.make_wave(closes_at=None)

    assert services.retention_pseudonymise_due(now=datetime(2099, 1, 1, tzinfo=OSLO)) == {}


def test_the_beat_task_is_scheduled_and_calls_the_service(traces, settings):
    assert any(
        entry["task"] == "privacy.retention_pseudonymise_due"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
    close(traces.survey.wave)

    assert retention_pseudonymise_due() == [traces.survey.wave.slug]
    assert retention_pseudonymise_due() == []


def test_the_history_shows_that_authorship_is_no_longer_stored(traces):
    close(traces.survey.wave)
    services.retention_pseudonymise_due(now=datetime(2026, 6, 1, tzinfo=OSLO))
    staff = builders.make_staff(is_superuser=True)
    client = Client()
    builders.sign_in_verified(client, staff)
    answer_set = traces.survey.organisation.answer_sets.get()

    page = client.get(f"/staff/personvern/svarsett/{answer_set.pk}/historikk/")

    assert page.status_code == 200
    assert "Ikke lagret" in page.content.decode()
    assert NAME not in page.content.decode()


@pytest.mark.parametrize("months, expected", [(24, "31. mai 2026"), (12, "31. mai 2025")])
def test_the_staff_page_shows_when_each_wave_will_be_pseudonymised(traces, months, expected):
    close(traces.survey.wave)
    WaveRetention.objects.create(wave=traces.survey.wave, months=months)
    client = Client()
    builders.sign_in_verified(client, builders.make_staff(is_superuser=True))

    page = client.get("/staff/personvern/lagringstid/").content.decode()

    assert traces.survey.wave.title in page
    assert expected in page


def test_the_retention_page_needs_the_same_queries_for_one_wave_or_many(
    traces, django_assert_num_queries
):
    client = Client()
    builders.sign_in_verified(client, builders.make_staff(is_superuser=True))
    client.get("/staff/personvern/lagringstid/")  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/staff/personvern/lagringstid/")
    for n in range(3):
        wave = builders.make_wave(closes_at=CLOSED + timedelta(days=n))
        builders.make_access_link(wave=wave)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/staff/personvern/lagringstid/")
    assert page.content.decode().count("<tr>") == 1 + 4
