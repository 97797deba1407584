"""Staff login is protected against password guessing without locking every administrator out."""

import pytest
from django.conf import settings

from tests import builders

LOGIN = "/admin/login/"
ATTACKER = "198.51.100.7"
OFFICE = "203.0.113.10"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_user(db):
    return builders.make_staff(username="kari", password=PASSWORD)


def attempt(client, username, password, address):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def guess(client, username, address, times):
    for n in range(times):
        attempt(client, username, f"wrong-{n}", address)


def test_the_right_password_logs_in(client, admin_user):
    response = attempt(client, "kari", PASSWORD, OFFICE)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_from_that_address(
    client, admin_user
):
    guess(client, "kari", ATTACKER, settings.AXES_FAILURE_LIMIT)

    response = attempt(client, "kari", PASSWORD, ATTACKER)

    assert response.status_code == 429
    assert "For mange mislykkede innlogginger" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_do_not_lock_anyone_out(client, admin_user):
    guess(client, "kari", ATTACKER, settings.AXES_FAILURE_LIMIT - 1)

    assert attempt(client, "kari", PASSWORD, ATTACKER).status_code == 302


def test_an_attacker_cannot_lock_the_administrator_out_of_her_own_office(client, admin_user):
    guess(client, "kari", ATTACKER, settings.AXES_FAILURE_LIMIT + 3)

    response = attempt(client, "kari", PASSWORD, OFFICE)

    assert response.status_code == 302


def test_guessing_one_user_does_not_lock_other_administrators_on_the_same_address(
    client, admin_user
):
    builders.make_staff(username="ola", password=PASSWORD)
    guess(client, "kari", OFFICE, settings.AXES_FAILURE_LIMIT)

    assert attempt(client, "ola", PASSWORD, OFFICE).status_code == 302


def test_behind_a_trusted_proxy_the_lockout_uses_the_forwarded_client_address(
    client, admin_user, settings
):
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.5"
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "kari", "password": f"wrong-{n}"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )

    from_office = client.post(
        LOGIN,
        {"username": "kari", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )

    assert from_office.status_code == 302
