"""Shared helpers of the surveys management commands: finding a wave by its slug, and the base
of the commands that queue e-mails to a wave's contacts."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from municipalities.models import Contact
from surveys.models import Wave
from surveys.outreach import services as mailing


def wave_by_slug(slug: str) -> Wave:
    wave = Wave.objects.select_related("edition").filter(slug=slug).first()
    if wave is None:
        known = ", ".join(Wave.objects.values_list("slug", flat=True)) or "ingen"
        raise CommandError(f"Undersøkelsen «{slug}» finnes ikke. Kjente: {known}.")
    return wave


def existing_wave(slug: str) -> Wave:
    """The wave with this slug for the questionnaire commands, or an error in the operator's
    language listing the waves there are."""
    wave = Wave.objects.filter(slug=slug).first()
    if wave is None:
        known = ", ".join(Wave.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(
            _("Fant ingen runde «%(slug)s» (runder: %(known)s).")
            % {"slug": slug, "known": known or _("ingen")}
        )
    return wave


def write_dry_run(stdout: OutputWrapper, contacts: Sequence[Contact], what: str) -> None:
    """List who would get a mail, then one summary line ("12 invitasjoner til 9 organisasjoner")."""
    for contact in contacts:
        stdout.write(f"  {contact.organisation}: {contact.email}")
    organisations = len({contact.organisation_id for contact in contacts})
    stdout.write(
        f"Tørrkjøring: {len(contacts)} {what} til {organisations} organisasjoner ville blitt sendt."
    )


class MailCommand(BaseCommand):
    """A command that queues e-mails to the contacts of one wave: `SLUG [--dry-run]
    [--send-now]` and the command's own arguments (`add_arguments` after calling this one's)."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The wave's short name, e.g. ekommune-2011.")
        parser.add_argument("--dry-run", action="store_true", help="Only show who would get it.")
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="Also send in this process instead of waiting for the worker.",
        )

    @contextmanager
    def mailing_errors(self) -> Iterator[None]:
        """A refusal of the mail services (e.g. a closed wave) ends the command with its text."""
        try:
            yield
        except mailing.MailingError as exc:
            raise CommandError(str(exc)) from exc

    def queued(self, ids: list[int], summary: str, *, send_now: bool) -> None:
        """Report what was queued and, with --send-now, send it in this process."""
        self.stdout.write(self.style.SUCCESS(summary))
        if send_now:
            self.stdout.write(f"Sendt nå: {mailing.messages_send_now(ids)}")
