"""Celery task of the demo data: a wave in progress that moves on by itself."""

from __future__ import annotations

from celery import shared_task

from surveys.demo.wave import demo_wave_progress as progress
from surveys.models import Wave


@shared_task(name="surveys.demo_wave_progress")
def demo_wave_progress(wave_id: int) -> str | None:
    """Demo data only: simulated answers, a reminder round and a snapshot (idempotent)."""
    wave = Wave.objects.filter(pk=wave_id).first()
    return progress(wave=wave) if wave is not None else None
