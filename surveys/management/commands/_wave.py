"""Shared helper of the surveys management commands: find a wave by slug or fail clearly."""

from django.core.management.base import CommandError

from surveys.models import Wave


def wave_by_slug(slug: str) -> Wave:
    wave = Wave.objects.select_related("edition").filter(slug=slug).first()
    if wave is None:
        known = ", ".join(Wave.objects.values_list("slug", flat=True)) or "ingen"
        raise CommandError(f"Undersøkelsen «{slug}» finnes ikke. Kjente: {known}.")
    return wave
