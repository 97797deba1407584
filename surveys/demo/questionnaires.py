"""Demo data for the surveys app: the bundled eKommune 2011 questionnaire.

The project's `load_demo_data` command calls `load_demo_surveys` after loading the registers.
"""

from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from municipalities.models import RegisterEdition
from surveys.definitions import DefinitionError, load_definition, read_definition

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
EKOMMUNE_2011 = QUESTIONNAIRES / "ekommune-2011.yaml"


def load_demo_surveys(stdout: TextIO) -> None:
    """Load (or update in place) the bundled 2011 wave; safe to run any number of times."""
    if not RegisterEdition.objects.filter(year=2011).exists():
        stdout.write(
            _(
                "Hopper over spørreskjemaet eKommune 2011: registerutgaven for 2011 er ikke "
                "lastet ennå.\n"
            )
        )
        return
    try:
        report = load_definition(read_definition(EKOMMUNE_2011))
    except DefinitionError as exc:
        # The demo must not hide a broken bundled file (or a reload that would touch answers).
        raise RuntimeError("\n".join(exc.problems)) from exc
    wave = report.wave
    stdout.write(
        _("Spørreskjema «%(slug)s»: %(sections)s deler, %(questions)s spørsmål (%(state)s).\n")
        % {
            "slug": wave.slug,
            "sections": wave.sections.count(),
            "questions": wave.questions.count(),
            "state": _("opprettet")
            if report.created_wave
            else (_("oppdatert") if report.changed else _("uendret")),
        }
    )
