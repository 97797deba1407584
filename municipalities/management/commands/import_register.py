"""`import_register`: load or refresh one year's counties, kommuner and fylkeskommuner."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.services import EntityCounts, ImportFailed, register_import


def format_counts(label: str, counts: EntityCounts) -> str:
    text = _("%(label)s: %(created)s opprettet, %(updated)s endret, %(unchanged)s uendret") % {
        "label": label,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }
    if counts.not_in_file:
        text += _(" (%(count)s i databasen står ikke i filen og er beholdt)") % {
            "count": counts.not_in_file
        }
    return text + "."


class Command(BaseCommand):
    help = (
        "Import a register edition (counties and kommuner, plus fylkeskommuner derived from the "
        "counties) from the bundled CSV format or SSB KLASS exports. Atomic and idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Register year, e.g. 2024.")
        parser.add_argument("--counties", type=Path, required=True, help="Counties (fylker) file.")
        parser.add_argument(
            "--municipalities", type=Path, required=True, help="Municipalities (kommuner) file."
        )
        parser.add_argument(
            "--population",
            type=Path,
            help="Optional population file (number;population[;population_date]) for KLASS files.",
        )
        parser.add_argument("--name", help='Edition name (default "Kommuneregister YEAR").')
        parser.add_argument("--source", help="Source and licence text stored on the edition.")
        parser.add_argument(
            "--encoding",
            help="File encoding, e.g. utf-8 or iso-8859-1 (default: detect UTF-8 or windows-1252).",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = register_import(
                year=options["year"],
                counties_path=options["counties"],
                municipalities_path=options["municipalities"],
                population_path=options["population"],
                name=options["name"],
                source=options["source"],
                encoding=options["encoding"],
            )
        except ImportFailed as exc:
            raise CommandError(exc.summary()) from exc
        for note in result.notes:
            self.stdout.write(note)
        if result.edition_created:
            status = _("opprettet")
        elif result.edition_updated:
            status = _("endret")
        else:
            status = _("uendret")
        self.stdout.write(
            _("Registerutgave %(year)s (%(name)s): %(status)s.")
            % {"year": result.edition.year, "name": result.edition.name, "status": status}
        )
        self.stdout.write(format_counts(_("Fylker"), result.counties))
        self.stdout.write(format_counts(_("Kommuner"), result.kommuner))
        self.stdout.write(format_counts(_("Fylkeskommuner"), result.fylkeskommuner))
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Ferdig: %(count)s endring.", "Ferdig: %(count)s endringer.", result.changed
                )
                % {"count": result.changed}
                if result.changed
                else _("Ferdig: ingen endringer.")
            )
        )
