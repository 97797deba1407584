"""Simulated respondents: `python manage.py simulate_responses SLUG --submitted-kommuner N ...`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from surveys.demo.simulation import simulate_responses
from surveys.management.commands._wave import wave_by_slug
from surveys.outreach import selectors as rates


class Command(BaseCommand):
    help = (
        "Fill answer sets with valid random answers through the respondent services, until N "
        "kommuner and M fylkeskommuner have submitted and K others have started (totals). "
        "For demos, tests and benchmarks; never on a production wave."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The wave's short name, e.g. ekommune-2011.")
        parser.add_argument("--submitted-kommuner", type=int, required=True, metavar="N")
        parser.add_argument("--submitted-fylkeskommuner", type=int, required=True, metavar="M")
        parser.add_argument("--started", type=int, default=0, metavar="K")
        parser.add_argument("--seed", type=int, default=None, metavar="S")

    def handle(self, *args: object, **options: object) -> None:
        wave = wave_by_slug(str(options["slug"]))
        now = timezone.now()
        if not wave.is_open(now):
            raise CommandError(f"Undersøkelsen «{wave.slug}» er ikke åpen; åpne den først.")
        for name in ("submitted_kommuner", "submitted_fylkeskommuner", "started"):
            if int(options[name]) < 0:  # type: ignore[arg-type]
                raise CommandError(f"--{name.replace('_', '-')} kan ikke være negativ.")
        report = simulate_responses(
            wave=wave,
            submitted_kommuner=int(options["submitted_kommuner"]),  # type: ignore[arg-type]
            submitted_fylkeskommuner=int(options["submitted_fylkeskommuner"]),  # type: ignore[arg-type]
            started=int(options["started"]),  # type: ignore[arg-type]
            seed=options["seed"],  # type: ignore[arg-type]
            now=now,
        )
        self.stdout.write(
            f"Simulert: {sum(report.submitted.values())} innsendt, {report.started} påbegynt, "
            f"{report.sections_saved} deler lagret."
        )
        if report.refused:
            self.stderr.write(f"{report.refused} kunne ikke sendes inn (ufullstendige svar).")
        for kind, figures in rates.wave_rates(wave).by_kind.items():
            self.stdout.write("  " + rates.headline(kind, figures))
