"""Tasks really run: a round trip through a real worker on the configured broker."""

import pytest

from ekommune.tasks import ping


@pytest.mark.celery_worker
def test_task_round_trips_through_a_real_worker(celery_worker_process, client):
    result = ping.delay("hei")

    assert result.get(timeout=30) == "pong:hei"
    # The worker's heartbeat is what /healthz reads.
    assert client.get("/healthz").json()["worker"] == "ok"


def test_celery_is_configured_for_idempotent_late_acks():
    from ekommune.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert "worker-heartbeat" in app.conf.beat_schedule
