"""`import_contacts`: add or update contact persons of one register year from a CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.services import ImportFailed, contacts_import


class Command(BaseCommand):
    help = (
        "Import contact persons (organisation number, name, e-mail, role) for a register year. "
        "Atomic and idempotent; the same organisation and e-mail is merged, never doubled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Register year, e.g. 2024.")
        parser.add_argument("file", type=Path, help="CSV file with a header row (; or ,).")
        parser.add_argument(
            "--encoding",
            help="File encoding, e.g. utf-8 or iso-8859-1 (default: detect UTF-8 or windows-1252).",
        )

    def handle(self, *args: object, **options: object) -> None:
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
