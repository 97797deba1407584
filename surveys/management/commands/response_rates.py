"""Print a wave's response rates: `python manage.py response_rates SLUG [--by ...] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandParser

from municipalities.models import OrganisationKind
from surveys.management.commands._wave import wave_by_slug
from surveys.outreach import selectors as rates


class Command(BaseCommand):
    help = "Print response rates (invited, started, submitted) of a wave, as KS reports them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The wave's short name, e.g. ekommune-2011.")
        parser.add_argument(
            "--by", choices=["kind", "county", "size"], default="kind", help="Breakdown."
        )
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args: object, **options: object) -> None:
        wave = wave_by_slug(str(options["slug"]))
        result = rates.wave_rates(wave)
        data = result.as_dict()
        by = options["by"]
        rows = {"kind": data["by_kind"], "county": data["by_county"], "size": data["by_size_class"]}
        if options["json"]:
            payload = {"wave": wave.slug, "overall": data["overall"], "by": by, "rows": rows[by]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{wave.title} ({wave.slug})")
        for kind, figures in result.by_kind.items():
            self.stdout.write("  " + rates.headline(kind, figures))
        self.stdout.write("")
        header = f"{'':32} {'Antall':>7} {'Invitert':>9} {'Påbegynt':>9} {'Sendt inn':>10} {'%':>5}"
        self.stdout.write(header)

        def line(label: str, figures: rates.Figures) -> None:
            self.stdout.write(
                f"{label[:32]:32} {figures.total:>7} {figures.invited:>9} {figures.started:>9} "
                f"{figures.submitted:>10} {rates.format_percent(figures.submitted_percent):>5}"
            )

        if by == "kind":
            for kind, figures in result.by_kind.items():
                line(str(OrganisationKind(kind).label), figures)
        elif by == "county":
            for row in result.by_county:
                line(f"{row.number} {row.name} – kommuner", row.kommuner)
                if row.fylkeskommuner.total:
                    line(f"{row.number} {row.name} – fylkeskommune", row.fylkeskommuner)
        else:
            for row in result.by_size_class:
                line(row.label, row.figures)
            # Size classes are for kommuner only, so the total is theirs, not every organisation's.
            kommuner = result.by_kind.get(OrganisationKind.KOMMUNE, rates.Figures())
            line("Kommuner i alt", kommuner)
            return
        line("Totalt", result.overall)
