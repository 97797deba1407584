"""python manage.py export_codebook SLUG -o FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.analysis.codebook import codebook_rows
from surveys.downloads import csv_lines
from surveys.models import Wave


class Command(BaseCommand):
    help = "Write the codebook of a wave's wide export (one row per column) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--norwegian", action="store_true", help="';', UTF-8 BOM")
        parser.add_argument("--personal-data", action="store_true")
        parser.add_argument(
            "--language",
            choices=["nb", "nn", "en"],
            default="nb",
            help="Language of the questionnaire's texts (untranslated texts stay in bokmål)",
        )

    def handle(self, *args: object, **options: object) -> None:
        wave = Wave.objects.filter(slug=options["slug"]).first()
        if wave is None:
            raise CommandError(f"No wave with slug {options['slug']!r}.")
        path = Path(options["output"])
        rows = codebook_rows(
            wave,
            include_personal_data=bool(options["personal_data"]),
            language=str(options["language"]),
        )
        norwegian = bool(options["norwegian"])
        count = -1
        with path.open("w", encoding="utf-8", newline="") as handle:
            for line in csv_lines(rows, delimiter=";" if norwegian else ",", bom=norwegian):
                handle.write(line)
                count += 1
        self.stdout.write(f"Wrote {max(count, 0)} columns to {path}")
