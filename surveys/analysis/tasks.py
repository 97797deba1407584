"""Celery tasks of analysis: background exports and the deletion of old export files."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from surveys.analysis import export_jobs


@shared_task(name="surveys.run_export_job")
def run_export_job(job_id: int) -> None:
    """Write one background export; a second delivery finds the job claimed and does nothing."""
    export_jobs.export_job_run(job_id=job_id)


@shared_task(name="surveys.delete_old_export_files")
def delete_old_export_files() -> int:
    """Beat: delete export files past EXPORT_KEEP_DAYS (they may hold personal data)."""
    return export_jobs.export_files_delete_old(
        now=timezone.now(), keep_days=settings.EXPORT_KEEP_DAYS
    )
