"""`copy_wave`: next year's wave from last year's (the staff page "Ny runde fra ...")."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from municipalities.models import RegisterEdition
from surveys.administration.services import AdministrationError, wave_copy
from surveys.models import Wave
from surveys.waves import WaveStatusError, closing_time_from_text


class Command(BaseCommand):
    help = (
        "Create a draft wave from an earlier one: sections, questions, choices, matrix rows, "
        "conditions, question keys and mail texts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Slug of the wave to copy, e.g. ekommune-2011.")
        parser.add_argument("slug", help="Slug of the new wave, e.g. ekommune-2024.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument(
            "--register-year", type=int, help="Register edition (default: the source's)."
        )
        parser.add_argument("--opens", help="YYYY-MM-DD [HH:MM]")
        parser.add_argument("--closes", help="YYYY-MM-DD (closes 23:59) or YYYY-MM-DD HH:MM")

    def handle(self, *args: object, **options: object) -> None:
        source = Wave.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(_("Fant ingen runde «%(slug)s».") % {"slug": options["source"]})
        edition = source.edition
        if options["register_year"]:
            edition = RegisterEdition.objects.filter(year=options["register_year"]).first()
            if edition is None:
                raise CommandError(
                    _("Det finnes ingen registerutgave for %(year)s.")
                    % {"year": options["register_year"]}
                )
        try:
            opens = closing_time_from_text(options["opens"]) if options["opens"] else None
            closes = closing_time_from_text(options["closes"]) if options["closes"] else None
            if opens is not None and options["opens"] and len(options["opens"].strip()) == 10:
                opens = opens.replace(hour=0, minute=0)
            report = wave_copy(
                source=source,
                slug=options["slug"],
                year=options["year"],
                title=options["title"],
                edition=edition,
                opens_at=opens,
                closes_at=closes,
            )
        except (AdministrationError, WaveStatusError) as exc:
            raise CommandError(str(exc)) from exc
        counts = report.counts
        self.stdout.write(
            _(
                "Opprettet %(slug)s (utkast) fra %(source)s: %(sections)s deler, %(questions)s "
                "spørsmål, %(choices)s svaralternativer, %(rows)s matriserader, %(conditions)s "
                "vilkår, %(mail_texts)s egne e-posttekster."
            )
            % {"slug": report.wave.slug, "source": source.slug, **counts}
        )
