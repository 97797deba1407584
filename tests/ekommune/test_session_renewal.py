"""A session in use lives SESSION_COOKIE_AGE after its last use, renewed at most once a minute."""

import pytest
from django.contrib.sessions.models import Session

from ekommune import middleware

pytestmark = pytest.mark.django_db

OVERVIEW = "/svar/ekommune-test/3101/"


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr(middleware.time, "time", lambda: Clock.now)
    return Clock


def expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_use_within_a_minute_does_not_write_the_session(respondent_client, clock):
    respondent_client.get(OVERVIEW)
    first = expiry(respondent_client)

    clock.now += 59
    respondent_client.get(OVERVIEW)

    assert expiry(respondent_client) == first


def test_use_after_a_minute_renews_the_expiry(respondent_client, clock):
    respondent_client.get(OVERVIEW)
    first = expiry(respondent_client)

    clock.now += 61
    respondent_client.get(OVERVIEW)

    renewed = expiry(respondent_client)
    assert renewed > first


def test_short_sessions_renew_at_least_ten_times_per_age(respondent_client, clock, settings):
    settings.SESSION_COOKIE_AGE = 100
    respondent_client.get(OVERVIEW)
    first = expiry(respondent_client)

    clock.now += 10
    respondent_client.get(OVERVIEW)

    assert expiry(respondent_client) > first


def test_a_visit_without_a_session_creates_none(client):
    assert client.get("/").status_code in {200, 302}
    assert "sessionid" not in client.cookies
    assert Session.objects.count() == 0
