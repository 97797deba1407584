"""Worker tasks of the register: checking and importing uploaded files (ids only)."""

from celery import shared_task

from . import uploads


@shared_task(name="municipalities.upload_check")
def upload_check(upload_id: int) -> None:
    uploads.upload_check(upload_id=upload_id)


@shared_task(name="municipalities.upload_import")
def upload_import(upload_id: int) -> None:
    uploads.upload_import(upload_id=upload_id)
