"""`import_contacts`: add or update contact persons of one register year from a CSV or XLSX
file, or carry them over from an earlier edition (`--from-edition YEAR`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.correspondence import correspondence_link_editions
from municipalities.models import RegisterEdition
from municipalities.services import ImportFailed, contacts_carry_forward, contacts_import


class Command(BaseCommand):
    help = (
        "Import contact persons (organisation number, name, e-mail, role) for a register year. "
        "Atomic and idempotent; the same organisation and e-mail is merged, never doubled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Register year, e.g. 2024.")
        parser.add_argument(
            "file", type=Path, nargs="?", help="CSV (; or ,) or XLSX file with a header row."
        )
        parser.add_argument(
            "--from-edition",
            type=int,
            metavar="YEAR",
            help="Carry the active contacts of this earlier register year over to --year, "
            "through the correspondence between the editions (merged organisations get every "
            "predecessor's contacts, flagged for review).",
        )
        parser.add_argument(
            "--encoding",
            help="File encoding, e.g. utf-8 or iso-8859-1 (default: detect UTF-8 or windows-1252).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["from_edition"]:
            self._carry(options["from_edition"], options["year"])
            return
        if options["file"] is None:
            raise CommandError(_("Oppgi en fil, eller --from-edition ÅR."))
        try:
            result = contacts_import(
                year=options["year"], path=options["file"], encoding=options["encoding"]
            )
        except ImportFailed as exc:
            raise CommandError(exc.summary()) from exc
        for note in result.notes:
            self.stdout.write(note)
        text = _(
            "Kontaktpersoner: %(created)s opprettet, %(updated)s endret, %(unchanged)s uendret"
        ) % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        if result.merged_in_file:
            text += ngettext(
                " (%(count)s linje slått sammen med en tidligere linje i filen)",
                " (%(count)s linjer slått sammen med en tidligere linje i filen)",
                result.merged_in_file,
            ) % {"count": result.merged_in_file}
        self.stdout.write(text + ".")

    def _carry(self, earlier_year: int, later_year: int) -> None:
        editions = {
            e.year: e for e in RegisterEdition.objects.filter(year__in=[earlier_year, later_year])
        }
        for year in (earlier_year, later_year):
            if year not in editions:
                raise CommandError(
                    _("Det finnes ingen registerutgave for %(year)s.") % {"year": year}
                )
        if earlier_year >= later_year:
            raise CommandError(_("Kontaktpersoner føres bare fram til en senere utgave."))
        earlier, later = editions[earlier_year], editions[later_year]
        try:
            if not later.correspondences_from_earlier.filter(earlier=earlier).exists():
                correspondence_link_editions(earlier=earlier, later=later)
            plan = contacts_carry_forward(earlier=earlier, later=later)
        except ImportFailed as exc:
            raise CommandError(exc.summary()) from exc
        self.stdout.write(
            _(
                "Kontaktpersoner ført fram fra %(earlier)s til %(later)s: %(copied)s kopiert, "
                "%(flagged)s merket for kontroll, %(there)s fantes fra før; %(without)s "
                "organisasjoner har ingen kontaktperson."
            )
            % {
                "earlier": earlier_year,
                "later": later_year,
                "copied": plan.to_copy,
                "flagged": plan.flagged,
                "there": plan.already_there,
                "without": plan.organisations_without_contacts,
            }
        )
