"""The beat task that pseudonymises waves whose retention period has run out."""

from celery import shared_task

from privacy import services


@shared_task(name="privacy.retention_pseudonymise_due")
def retention_pseudonymise_due() -> list[str]:
    """Idempotent: each wave is claimed once (privacy.services.wave_pseudonymise)."""
    return sorted(services.retention_pseudonymise_due())
