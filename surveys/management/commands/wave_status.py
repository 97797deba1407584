"""`python manage.py wave_status SLUG open|closed|draft [--closes DATE]`."""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekommune.commands import TranslatedCommand
from surveys.management.commands._wave import existing_wave
from surveys.models import Wave
from surveys.waves import WaveStatusError, closing_time_from_text, format_moment, wave_set_status


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Åpner, lukker eller gjør en runde til utkast. --closes ÅÅÅÅ-MM-DD stenger kl. 23:59 "
        "norsk tid den dagen; «ÅÅÅÅ-MM-DD TT:MM» gir et annet klokkeslett."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("rundens kortnavn"))
        parser.add_argument("status", choices=Wave.Status.values, help=_("ny status"))
        parser.add_argument(
            "--closes",
            help=_("stengetid ved åpning: ÅÅÅÅ-MM-DD (kl. 23:59) eller «ÅÅÅÅ-MM-DD TT:MM»"),
        )

    def handle(self, *args, slug: str, status: str, closes: str | None, **options):
        wave = existing_wave(slug)
        try:
            closes_at = closing_time_from_text(closes) if closes else None
            wave = wave_set_status(
                wave=wave, status=status, closes_at=closes_at, now=timezone.now()
            )
        except WaveStatusError as exc:
            raise CommandError(str(exc)) from exc
        if wave.status == Wave.Status.OPEN:
            message = _("Runden «%(slug)s» er åpen og stenger %(closes)s.") % {
                "slug": wave.slug,
                "closes": format_moment(wave.closes_at),
            }
        else:
            message = _("Runden «%(slug)s» har nå status %(status)s.") % {
                "slug": wave.slug,
                "status": wave.get_status_display().lower(),
            }
        self.stdout.write(self.style.SUCCESS(message))
