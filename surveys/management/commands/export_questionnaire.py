"""`python manage.py export_questionnaire SLUG [-o FILE]`: write a wave as a definition file."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekommune.commands import TranslatedCommand
from surveys.definitions import export_definition
from surveys.models import Wave


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Skriver en runde som spørreskjemafil (YAML) i samme format som load_questionnaire "
        "leser, til standard ut eller til en fil."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("rundens kortnavn"))
        parser.add_argument("-o", "--output", help=_("filen det skal skrives til"))

    def handle(self, *args, slug: str, output: str | None, **options):
        wave = Wave.objects.filter(slug=slug).first()
        if wave is None:
            known = ", ".join(Wave.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                _("Fant ingen runde «%(slug)s» (runder: %(known)s).")
                % {"slug": slug, "known": known or _("ingen")}
            )
        text = export_definition(wave)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(_("Skrev %(file)s.") % {"file": output})
        else:
            self.stdout.write(text, ending="")
