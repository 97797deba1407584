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


def test_every_scheduled_task_is_registered_with_the_worker():
    from ekommune.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert scheduled - set(app.tasks) == set()
    assert {"surveys.run_export_job", "surveys.delete_old_export_files"} <= set(app.tasks)
