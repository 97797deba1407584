"""`python manage.py export_questionnaire SLUG [-o FILE]`: write a wave as a definition file."""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekommune.commands import TranslatedCommand
from surveys.definitions import export_definition
from surveys.management.commands._wave import existing_wave


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Skriver en runde som spørreskjemafil (YAML) i samme format som load_questionnaire "
        "leser, til standard ut eller til en fil."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("rundens kortnavn"))
        parser.add_argument("-o", "--output", help=_("filen det skal skrives til"))

    def handle(self, *args, slug: str, output: str | None, **options):
        wave = existing_wave(slug)
        text = export_definition(wave)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(_("Skrev %(file)s.") % {"file": output})
        else:
            self.stdout.write(text, ending="")
