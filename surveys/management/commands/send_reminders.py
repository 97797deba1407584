"""Queue a reminder round: `python manage.py send_reminders SLUG [--dry-run] [--due]`."""

from django.core.management.base import CommandParser
from django.utils import timezone

from surveys.management.commands._wave import MailCommand, wave_by_slug, write_dry_run
from surveys.models import MailRound
from surveys.outreach import services as mailing


class Command(MailCommand):
    help = (
        "Remind the invited organisations that have not submitted (up to the cap per "
        "organisation). With --due, only create the scheduled round that is due, if any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--due", action="store_true", help="Only the scheduled reminder that is due now."
        )

    def handle(self, *args: object, **options: object) -> None:
        wave = wave_by_slug(str(options["slug"]))
        now = timezone.now()
        if options["dry_run"]:
            if options["due"]:
                point = mailing.reminder_point_due(wave=wave, now=now)
                if point is None:
                    self.stdout.write("Tørrkjøring: ingen påminnelse etter plan er forfalt nå.")
                    return
                self.stdout.write(f"Påminnelsen {point} dager før frist er forfalt.")
            contacts = mailing.reminder_recipients(wave=wave)
            write_dry_run(self.stdout, contacts, "påminnelser")
            return
        with self.mailing_errors():
            if options["due"]:
                mail_round = mailing.reminders_queue_due(wave=wave, now=now)
            else:
                mail_round = mailing.reminders_queue_now(
                    wave=wave, organisations=None, now=now, trigger=MailRound.Trigger.COMMAND
                )
        if mail_round is None:
            self.stdout.write("Ingen påminnelse sendt: ingen å minne på, eller ingen forfalt.")
            return
        ids = list(mail_round.messages.values_list("pk", flat=True))
        self.queued(
            ids,
            f"Påminnelse {mail_round.number}: {len(ids)} e-poster lagt i kø.",
            send_now=bool(options["send_now"]),
        )
