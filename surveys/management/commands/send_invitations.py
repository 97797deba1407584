"""Queue invitations for a wave: `python manage.py send_invitations SLUG [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from surveys.management.commands._wave import wave_by_slug, write_dry_run
from surveys.models import MailRound
from surveys.outreach import selectors as rates
from surveys.outreach import services as mailing


class Command(BaseCommand):
    help = (
        "Invite every active contact of the wave's organisations who has not been invited yet "
        "(one e-mail each, sent by the Celery worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The wave's short name, e.g. ekommune-2011.")
        parser.add_argument("--dry-run", action="store_true", help="Only show who would get it.")
        parser.add_argument(
            "--organisations",
            help="Only these organisation numbers, comma-separated (e.g. 0301,1201,12).",
        )
        parser.add_argument(
            "--resend", action="store_true", help="Send again to those already invited."
        )
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="Also send in this process instead of waiting for the worker.",
        )

    def handle(self, *args: object, **options: object) -> None:
        wave = wave_by_slug(str(options["slug"]))
        organisations = None
        if options["organisations"]:
            numbers = [n.strip() for n in str(options["organisations"]).split(",") if n.strip()]
            found = dict(
                rates.targeted_organisations(wave)
                .filter(number__in=numbers)
                .values_list("number", "pk")
            )
            unknown = sorted(set(numbers) - set(found))
            if unknown:
                raise CommandError(f"Finnes ikke i undersøkelsen: {', '.join(unknown)}")
            organisations = list(found.values())
        if options["dry_run"]:
            contacts = mailing.invitation_recipients(
                wave=wave, organisations=organisations, resend=bool(options["resend"])
            )
            write_dry_run(self.stdout, contacts, "invitasjoner")
            return
        try:
            ids = mailing.invitations_queue(
                wave=wave,
                organisations=organisations,
                resend=bool(options["resend"]),
                now=timezone.now(),
                trigger=MailRound.Trigger.COMMAND,
            )
        except mailing.MailingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} invitasjoner lagt i kø."))
        if options["send_now"]:
            outcome = mailing.messages_send_now(ids)
            self.stdout.write(f"Sendt nå: {outcome}")
