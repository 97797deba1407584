"""Queue invitations for a wave: `python manage.py send_invitations SLUG [--dry-run]`."""

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from surveys.management.commands._wave import MailCommand, wave_by_slug, write_dry_run
from surveys.models import MailRound, Wave
from surveys.outreach import selectors as rates
from surveys.outreach import services as mailing


class Command(MailCommand):
    help = (
        "Invite every active contact of the wave's organisations who has not been invited yet "
        "(one e-mail each, sent by the Celery worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--organisations",
            help="Only these organisation numbers, comma-separated (e.g. 0301,1201,12).",
        )
        parser.add_argument(
            "--resend", action="store_true", help="Send again to those already invited."
        )

    def handle(self, *args: object, **options: object) -> None:
        wave = wave_by_slug(str(options["slug"]))
        organisations = _organisations(wave, str(options["organisations"] or ""))
        resend = bool(options["resend"])
        if options["dry_run"]:
            contacts = mailing.invitation_recipients(
                wave=wave, organisations=organisations, resend=resend
            )
            write_dry_run(self.stdout, contacts, "invitasjoner")
            return
        with self.mailing_errors():
            ids = mailing.invitations_queue(
                wave=wave,
                organisations=organisations,
                resend=resend,
                now=timezone.now(),
                trigger=MailRound.Trigger.COMMAND,
            )
        self.queued(ids, f"{len(ids)} invitasjoner lagt i kø.", send_now=bool(options["send_now"]))


def _organisations(wave: Wave, numbers_text: str) -> list[int] | None:
    """The ids of the organisations numbered in `--organisations`, None for all of them."""
    if not numbers_text:
        return None
    numbers = [n.strip() for n in numbers_text.split(",") if n.strip()]
    found = rates.targeted_by_number(wave, numbers)
    unknown = sorted(set(numbers) - set(found))
    if unknown:
        raise CommandError(f"Finnes ikke i undersøkelsen: {', '.join(unknown)}")
    return list(found.values())
