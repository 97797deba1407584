"""The export log and background exports.

Every export, streamed or in the background, leaves an ExportJob row (who, when, which wave,
layout, format, filters, row count). Large exports run in a Celery worker, which stores its
progress on the row and writes the file under settings.EXPORT_DIR; a staff view serves it.
"""

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import actions
from audit.services import audit_record
from surveys import queue
from surveys.analysis.exports import ExportOptions, export_csv_lines, export_row_count
from surveys.analysis.workbook import write_xlsx
from surveys.downloads import safe_filename
from surveys.models import ExportJob, Wave

logger = logging.getLogger(__name__)


def export_dir() -> Path:
    path = Path(settings.EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_log_create(
    *,
    wave: Wave,
    user_id: int | None,
    options: ExportOptions,
    total_rows: int | None,
    in_background: bool = False,
) -> ExportJob:
    """Log an export; a streamed export is logged as running and finished by the stream."""
    now = timezone.now()
    extension = "csv" if options.format == "csv" else "xlsx"
    job = ExportJob.objects.create(
        wave=wave,
        requested_by_id=user_id,
        layout=options.layout,
        format=options.format,
        options=options.to_json(),
        include_personal_data=options.include_personal_data,
        in_background=in_background,
        status=ExportJob.Status.QUEUED if in_background else ExportJob.Status.RUNNING,
        total_rows=total_rows,
        started_at=None if in_background else now,
        file_name=safe_filename(wave, options.layout, extension, now=now),
    )
    audit_record(
        action=actions.EXPORT_CREATED,
        target=wave,
        actor=user_id,
        details={
            "export": job.pk,
            "layout": options.layout,
            "format": options.format,
            "personal_data": options.include_personal_data,
            "filters": job.options.get("filters", {}),
            "rows": total_rows,
        },
    )
    return job


def export_log_finish(*, job_id: int, rows_written: int) -> None:
    """Mark a streamed export as complete with the number of data rows it held."""
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, rows_written=rows_written, finished_at=timezone.now()
    )


def export_job_start(*, wave: Wave, user_id: int | None, options: ExportOptions) -> ExportJob:
    """Queue a background export; the worker picks it up once the transaction commits."""
    job = export_log_create(
        wave=wave,
        user_id=user_id,
        options=options,
        total_rows=export_row_count(wave, options),
        in_background=True,
    )
    transaction.on_commit(lambda: queue.task("surveys.run_export_job").delay(job.pk))
    return job


def _claim(job_id: int) -> bool:
    """Claim the job with a conditional update; a job stuck past the time limit is reclaimed
    (its worker died, and late acknowledgement delivered the task again)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=ExportJob.Status.QUEUED) | Q(
        status=ExportJob.Status.RUNNING, started_at__lt=stale
    )
    return bool(
        ExportJob.objects.filter(claimable, pk=job_id).update(
            status=ExportJob.Status.RUNNING, started_at=now, rows_written=0
        )
    )


def export_write_file(
    *, wave: Wave, options: ExportOptions, path: Path, progress_every: int, job_id: int | None
) -> int:
    """Write the export to `path` (atomically via a temporary name); return the data rows."""
    partial = path.with_name(path.name + ".part")
    counted = 0

    def progress(done: int) -> None:
        nonlocal counted
        counted = done
        if job_id is not None and done % progress_every == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_written=done)

    try:
        if options.format == "xlsx":
            counted = write_xlsx(wave, options, partial, progress=progress)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                for line in export_csv_lines(wave, options, progress=progress):
                    handle.write(line)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return counted


def export_job_run(*, job_id: int) -> None:
    """Run a queued export job; safe to call twice (the second call finds nothing to claim)."""
    if not _claim(job_id):
        logger.info("Export job %s is not queued; skipping", job_id)
        return
    job = ExportJob.objects.select_related("wave").get(pk=job_id)
    options = ExportOptions.from_json(job.options)
    relative = f"{job.pk}-{job.file_name}"
    try:
        rows = export_write_file(
            wave=job.wave,
            options=options,
            path=export_dir() / relative,
            progress_every=max(1, settings.EXPORT_PROGRESS_EVERY),
            job_id=job.pk,
        )
    except Exception as exc:
        logger.exception("Export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        rows_written=rows,
        file_path=relative,
        finished_at=timezone.now(),
    )


def export_job_file(job: ExportJob) -> Path | None:
    """The finished job's file, if it is still there."""
    if job.status != ExportJob.Status.DONE or not job.file_path:
        return None
    base = export_dir().resolve()
    path = (base / job.file_path).resolve()
    if base not in path.parents or not path.is_file():
        return None
    return path


def export_files_delete_old(*, now: datetime, keep_days: int) -> int:
    """Delete export files older than `keep_days` (they may hold personal data); the log
    entries stay. Returns how many files were deleted; safe to run any number of times."""
    cutoff = now - timedelta(days=keep_days)
    deleted = 0
    old = ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file_path="")
    for job_id, relative in old.values_list("id", "file_path"):
        path = (export_dir() / relative).resolve()
        if export_dir().resolve() in path.parents:
            path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job_id).update(file_path="")
        deleted += 1
    return deleted
