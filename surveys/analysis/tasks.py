"""Celery tasks of analysis: background exports, the report PDF and the deletion of old files."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from surveys.analysis import export_jobs, report_pdf


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


@shared_task(name="surveys.build_report_pdf")
def build_report_pdf(wave_id: int, language: str, version: str) -> None:
    """Make the report PDF of one data version; a second delivery finds the file made."""
    report_pdf.report_pdf_build(wave_id=wave_id, language=language, version=version)
