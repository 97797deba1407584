"""`python manage.py load_questionnaire FILE`: validate a definition file, then load it."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekommune.commands import TranslatedCommand
from surveys.definitions import DefinitionError, load_definition, read_definition
from surveys.definitions.loader import LoadReport

COUNT_LABELS = {
    "sections_created": gettext_lazy("nye deler"),
    "sections_updated": gettext_lazy("endrede deler"),
    "sections_removed": gettext_lazy("fjernede deler"),
    "questions_created": gettext_lazy("nye spørsmål"),
    "questions_updated": gettext_lazy("endrede spørsmål"),
    "questions_removed": gettext_lazy("fjernede spørsmål"),
    "choices_created": gettext_lazy("nye svaralternativer/rader"),
    "choices_updated": gettext_lazy("endrede svaralternativer/rader"),
    "choices_removed": gettext_lazy("fjernede svaralternativer/rader"),
}


def summary(report: LoadReport) -> str:
    wave = report.wave
    totals = _("%(sections)s deler, %(questions)s spørsmål") % {
        "sections": wave.sections.count(),
        "questions": wave.questions.count(),
    }
    if report.created_wave:
        return _("Opprettet runden «%(slug)s» (%(status)s): %(totals)s.") % {
            "slug": wave.slug,
            "status": wave.get_status_display(),
            "totals": totals,
        }
    if not report.changed:
        return _("Runden «%(slug)s» er uendret: %(totals)s.") % {
            "slug": wave.slug,
            "totals": totals,
        }
    changes = ", ".join(
        f"{n} {COUNT_LABELS[name]}"
        for name, n in sorted(report.counts.items())
        if n and name in COUNT_LABELS
    )
    return _("Oppdaterte runden «%(slug)s»: %(changes)s. Nå %(totals)s.") % {
        "slug": wave.slug,
        "changes": changes or _("rundens opplysninger"),
        "totals": totals,
    }


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Leser en spørreskjemafil (YAML, se docs/questionnaire-format.md), kontrollerer hele "
        "filen og laster den inn i én transaksjon. En runde med samme kortnavn oppdateres."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("spørreskjemafilen (.yaml)"))
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("bare kontroller filen, uten å endre databasen"),
        )

    def handle(self, *args, file: str, check: bool, **options):
        try:
            definition = read_definition(file)
            if check:
                self.stdout.write(
                    _("Filen er i orden: %(sections)s deler, %(questions)s spørsmål.")
                    % {
                        "sections": len(definition.sections),
                        "questions": len(list(definition.questions())),
                    }
                )
                return
            report = load_definition(definition)
        except DefinitionError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("%(count)s feil i %(file)s: ingenting er endret.")
                % {"count": len(exc.problems), "file": file}
            ) from exc
        self.stdout.write(self.style.SUCCESS(summary(report)))
        if report.dates_kept:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Merk: runden er %(status)s, så opens_at/closes_at i filen er ikke brukt; "
                        "endre tidene med wave_status eller i administrasjonen."
                    )
                    % {"status": report.wave.get_status_display().lower()}
                )
            )
