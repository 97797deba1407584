"""Shared helpers of the surveys management commands."""

from collections.abc import Sequence

from django.core.management.base import CommandError, OutputWrapper

from municipalities.models import Contact
from surveys.models import Wave


def wave_by_slug(slug: str) -> Wave:
    wave = Wave.objects.select_related("edition").filter(slug=slug).first()
    if wave is None:
        known = ", ".join(Wave.objects.values_list("slug", flat=True)) or "ingen"
        raise CommandError(f"Undersøkelsen «{slug}» finnes ikke. Kjente: {known}.")
    return wave


def write_dry_run(stdout: OutputWrapper, contacts: Sequence[Contact], what: str) -> None:
    """List who would get a mail, then one summary line ("12 invitasjoner til 9 organisasjoner")."""
    for contact in contacts:
        stdout.write(f"  {contact.organisation}: {contact.email}")
    organisations = len({contact.organisation_id for contact in contacts})
    stdout.write(
        f"Tørrkjøring: {len(contacts)} {what} til {organisations} organisasjoner ville blitt sendt."
    )
