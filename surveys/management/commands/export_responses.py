"""python manage.py export_responses SLUG --layout wide|long [--format csv|xlsx] -o FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from municipalities.models import OrganisationKind, SizeClass
from surveys.analysis.codebook import NOT_STARTED
from surveys.analysis.export_jobs import export_log_create, export_log_finish, export_write_file
from surveys.analysis.exports import ExportFilters, ExportOptions, export_row_count
from surveys.models import AnswerSet, Wave


class Command(BaseCommand):
    help = "Export a wave's answers (wide or long layout) as CSV or XLSX; the export is logged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The wave's slug, e.g. ekommune-2011")
        parser.add_argument("--layout", choices=["wide", "long"], default="wide")
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            default="csv",
            help="xlsx holds both layouts and the codebook as three sheets",
        )
        parser.add_argument("-o", "--output", required=True, help="File to write")
        parser.add_argument(
            "--norwegian",
            action="store_true",
            help="';' as delimiter, decimal comma and a UTF-8 BOM (for Norwegian Excel)",
        )
        parser.add_argument("--delimiter", choices=[",", ";"], default=None)
        parser.add_argument("--bom", action="store_true", help="Start the CSV with a UTF-8 BOM")
        parser.add_argument("--kind", action="append", default=[], choices=OrganisationKind.values)
        parser.add_argument("--county", action="append", default=[], help="County number")
        parser.add_argument(
            "--size-class", action="append", type=int, default=[], choices=SizeClass.values
        )
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            choices=[NOT_STARTED, *AnswerSet.Status.values],
        )
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="Include contact persons' names and e-mail addresses",
        )
        parser.add_argument(
            "--language",
            choices=["nb", "nn", "en"],
            default="nb",
            help="Language of question texts and labels in the long layout (else bokmål)",
        )

    def handle(self, *args: object, **options: object) -> None:
        wave = Wave.objects.filter(slug=options["slug"]).first()
        if wave is None:
            raise CommandError(f"No wave with slug {options['slug']!r}.")
        delimiter = options["delimiter"] or (";" if options["norwegian"] else ",")
        export = ExportOptions(
            layout=options["layout"],
            format=options["format"],
            delimiter=delimiter,
            bom=bool(options["bom"] or options["norwegian"]),
            include_personal_data=bool(options["personal_data"]),
            language=str(options["language"]),
            filters=ExportFilters(
                kinds=tuple(options["kind"]),
                county_numbers=tuple(options["county"]),
                size_classes=tuple(options["size_class"]),
                statuses=tuple(options["status"]),
            ),
        )
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"Directory {path.parent} does not exist.")
        job = export_log_create(
            wave=wave, user_id=None, options=export, total_rows=export_row_count(wave, export)
        )
        rows = export_write_file(
            wave=wave, options=export, path=path, progress_every=1000, job_id=None
        )
        export_log_finish(job_id=job.pk, rows_written=rows)
        self.stdout.write(f"Wrote {rows} rows to {path}")
