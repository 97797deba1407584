"""A database connection terminated under a request: reads are retried once, writes never."""

import pytest
from django.db import connection

from tests import builders

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="terminating a backend needs PostgreSQL (run with DATABASE_URL=postgres://...)",
    ),
]


@pytest.fixture(autouse=True)
def _fresh_connection_afterwards(transactional_db):
    yield
    connection.close()  # even when a test failed with the connection dead, clean up on a new one


def terminate_our_connection() -> None:
    """What a failover or an administrator does: the server ends our backend."""
    from django.db import connections

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.fixture
def staff_client(client):
    builders.sign_in_verified(client, builders.make_staff(is_superuser=True))
    return client


def test_a_page_whose_connection_was_terminated_is_served_on_a_fresh_one(staff_client):
    wave = builders.make_wave(slug="terminert")
    terminate_our_connection()

    response = staff_client.get(f"/staff/dashboard/{wave.slug}/")

    assert response.status_code == 200
    assert "terminert" in response.content.decode() or wave.title in response.content.decode()


def test_a_post_is_never_repeated_after_its_connection_was_terminated(staff_client):
    from django.db import OperationalError

    wave = builders.make_wave(slug="terminert")
    terminate_our_connection()

    with pytest.raises(OperationalError):
        staff_client.post(f"/staff/dashboard/{wave.slug}/invite/", {"target": "all"})
