"""Export pages: permissions, streamed downloads, logging, background jobs with progress."""

import csv
import io
import time

import pytest
from django.urls import reverse

from surveys.analysis.export_jobs import export_job_run
from surveys.models import ExportJob
from tests import builders
from tests.surveys.results_data import FORMULA, analyst, build_wave

pytestmark = pytest.mark.django_db

FORM = {"layout": "wide", "format": "csv", "delimiter": ",", "bom": ""}


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path, monkeypatch):
    settings.EXPORT_DIR = tmp_path / "exports"
    # Autouse fixtures run first, so a worker process started by a test inherits this too.
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path / "exports"))


@pytest.fixture
def data():
    return build_wave()


def content(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


def urls(data) -> list[str]:
    slug, key = data.wave.slug, data.yes_no.key
    return [
        reverse("surveys:results_waves"),
        reverse("surveys:results_index", args=[slug]),
        reverse("surveys:results_question", args=[slug, key]),
        reverse("surveys:results_chart", args=[slug, key, "size_class", "svg"]),
        reverse("surveys:results_report", args=[slug]),
        reverse("surveys:results_prize", args=[slug]),
        reverse("surveys:export", args=[slug]),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, data):
    for url in urls(data):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_logged_in_users_who_are_not_staff_are_refused(client, data):
    user = builders.make_staff(is_staff=False)
    client.force_login(user)
    for url in urls(data):
        assert client.get(url).status_code == 403, url


def test_staff_without_the_permissions_are_refused(client, data):
    client.force_login(builders.make_staff())
    for url in urls(data):
        assert client.get(url).status_code == 403, url


def test_viewing_results_does_not_allow_exporting(client, data):
    client.force_login(analyst("view_results"))

    assert client.get(reverse("surveys:results_index", args=[data.wave.slug])).status_code == 200
    assert client.get(reverse("surveys:export", args=[data.wave.slug])).status_code == 403
    assert client.post(reverse("surveys:export", args=[data.wave.slug]), FORM).status_code == 403


def test_export_streams_a_csv_download_and_logs_who_exported_what(client, data):
    user = analyst("export_responses")
    client.force_login(user)

    response = client.post(
        reverse("surveys:export", args=[data.wave.slug]),
        {**FORM, "kinds": ["kommune"], "statuses": ["submitted"]},
    )

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ekommune-2012-lokal-digital-agenda-statusundersokelse-2011-wide-'
    )
    rows = list(csv.DictReader(io.StringIO(content(response))))
    assert len(rows) == 13
    assert "'" + FORMULA in {row["andre_utfordringer"] for row in rows}
    job = ExportJob.objects.get()
    assert (job.requested_by, job.wave, job.layout, job.format) == (user, data.wave, "wide", "csv")
    assert job.options["filters"]["kinds"] == ["kommune"]
    assert (job.status, job.rows_written, job.include_personal_data) == ("done", 13, False)


def test_norwegian_csv_download_has_bom_and_semicolons(client, data):
    client.force_login(analyst("export_responses"))

    response = client.post(
        reverse("surveys:export", args=[data.wave.slug]),
        {**FORM, "delimiter": ";", "bom": "on", "layout": "codebook"},
    )

    text = content(response)
    assert text.startswith("\ufeffkolonne;sporsmal_nokkel;del;")


def test_personal_data_needs_its_own_permission(client, data):
    builders.make_contact(organisation=data.organisations[0], email="ikt@kommune.example")
    client.force_login(analyst("export_responses"))
    url = reverse("surveys:export", args=[data.wave.slug])

    form = client.get(url).content.decode()
    refused = client.post(url, {**FORM, "include_personal_data": "on"})

    assert "include_personal_data" not in form
    assert refused.status_code == 403
    assert not ExportJob.objects.exists()

    builders.sign_in_verified(client, analyst("export_responses", "export_personal_data"))
    allowed = client.post(url, {**FORM, "include_personal_data": "on"})
    assert "ikt@kommune.example" in content(allowed)
    assert ExportJob.objects.get().include_personal_data is True


def test_xlsx_download_is_a_workbook(client, data):
    client.force_login(analyst("export_responses"))

    response = client.post(
        reverse("surveys:export", args=[data.wave.slug]), {**FORM, "format": "xlsx"}
    )

    assert response.status_code == 200
    assert content_bytes(response).startswith(b"PK")
    assert response["Content-Disposition"].endswith('.xlsx"')


def content_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_invalid_choices_show_the_form_again_with_an_error_summary(client, data):
    client.force_login(analyst("export_responses"))

    response = client.post(
        reverse("surveys:export", args=[data.wave.slug]), {**FORM, "layout": "x"}
    )

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not ExportJob.objects.exists()


def test_large_exports_run_as_a_job_with_progress_and_a_download(
    client, data, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 5
    settings.EXPORT_PROGRESS_EVERY = 4
    owner = analyst("export_responses")
    client.force_login(owner)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("surveys:export", args=[data.wave.slug]), FORM)

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("surveys:export_job", args=[job.pk])
    assert len(callbacks) == 1  # the task is enqueued once the request's transaction commits
    page = client.get(response.url).content.decode()
    assert 'id="export-progress"' in page and "js/export_job.js" in page
    status = client.get(reverse("surveys:export_job_status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["download_url"]) == ("queued", 0, None)

    export_job_run(job_id=job.pk)
    export_job_run(job_id=job.pk)  # a second delivery finds nothing to claim

    job.refresh_from_db()
    assert (job.status, job.rows_written, job.total_rows) == ("done", 16, 16)
    status = client.get(reverse("surveys:export_job_status", args=[job.pk])).json()
    assert status["percent"] == 100
    download = client.get(status["download_url"])
    assert len(list(csv.DictReader(io.StringIO(content(download))))) == 16


def test_only_the_owner_or_permitted_staff_see_a_job(client, data, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    owner = analyst("export_responses")
    client.force_login(owner)
    client.post(reverse("surveys:export", args=[data.wave.slug]), FORM)
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    download = reverse("surveys:export_job_download", args=[job.pk])

    client.force_login(analyst("export_responses"))
    assert client.get(download).status_code == 404
    assert client.get(reverse("surveys:export_job", args=[job.pk])).status_code == 404

    client.force_login(analyst("export_responses", "view_exportjob"))
    assert client.get(download).status_code == 200


@pytest.mark.celery_worker
def test_background_export_runs_in_a_real_worker(celery_worker_process, client, settings):
    data = build_wave()
    settings.EXPORT_SYNC_MAX_ROWS = 0
    client.force_login(analyst("export_responses"))

    response = client.post(reverse("surveys:export", args=[data.wave.slug]), FORM)
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.3)

    assert response.status_code == 302
    assert job.status == "done", job.error
    download = client.get(reverse("surveys:export_job_download", args=[job.pk]))
    assert len(list(csv.DictReader(io.StringIO(content(download))))) == 16


def test_job_stores_its_progress_every_n_rows(data, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.analysis.export_jobs import export_log_create
    from surveys.analysis.exports import ExportOptions

    settings.EXPORT_PROGRESS_EVERY = 4
    job = export_log_create(
        wave=data.wave, user_id=None, options=ExportOptions(), total_rows=16, in_background=True
    )

    with CaptureQueriesContext(connection) as queries:
        export_job_run(job_id=job.pk)

    progress_updates = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and '"rows_written"' in q["sql"]
        and '"status"' not in q["sql"]
    ]  # fmt: skip
    # Rows 4, 8, 12 and 16 of 16.
    assert len(progress_updates) == 4
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.progress_percent) == ("done", 16, 100)


def test_export_log_lists_every_export_for_permitted_staff_only(
    client, data, django_assert_num_queries
):
    exporter = analyst("export_responses")
    client.force_login(exporter)
    client.post(reverse("surveys:export", args=[data.wave.slug]), {**FORM, "kinds": ["kommune"]})
    url = reverse("surveys:export_log")

    assert client.get(url).status_code == 403

    client.force_login(analyst("view_exportjob"))
    # user, 2 x permissions, exports with wave and user, session save (3); the session
    # itself is read from the cache.
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert exporter.username in html
    assert "kinds: kommune" in html


def test_old_export_files_are_deleted_but_the_log_stays(data, settings):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.analysis.export_jobs import (
        export_files_delete_old,
        export_job_file,
        export_log_create,
    )
    from surveys.analysis.exports import ExportOptions

    job = export_log_create(
        wave=data.wave, user_id=None, options=ExportOptions(), total_rows=16, in_background=True
    )
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    path = export_job_file(job)
    assert path is not None and path.exists()

    assert export_files_delete_old(now=timezone.now(), keep_days=7) == 0
    assert export_files_delete_old(now=timezone.now() + timedelta(days=8), keep_days=7) == 1

    job.refresh_from_db()
    assert not path.exists()
    assert export_job_file(job) is None
    assert job.status == "done"


def test_a_job_with_personal_data_needs_that_permission_to_download(client, data, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    builders.sign_in_verified(client, analyst("export_responses", "export_personal_data"))
    client.post(
        reverse("surveys:export", args=[data.wave.slug]), {**FORM, "include_personal_data": "on"}
    )
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    download = reverse("surveys:export_job_download", args=[job.pk])

    client.force_login(analyst("export_responses", "view_exportjob"))
    assert client.get(download).status_code == 403

    builders.sign_in_verified(
        client, analyst("export_responses", "view_exportjob", "export_personal_data")
    )
    assert client.get(download).status_code == 200
