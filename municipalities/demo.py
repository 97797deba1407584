"""Demo data for `make run`: the bundled 2011 and 2024 registers and a few contact persons."""

from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from .models import Organisation, OrganisationKind, RegisterEdition
from .services import ContactEntry, contacts_upsert, register_import

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = (
    "Kilde: Statistisk sentralbyrå (SSB), NLOD 2.0 / CC BY 4.0. "
    "Se municipalities/data/README.md for kilder og kjente mangler."
)
BUNDLED_YEARS = (2011, 2024)
# Kommuner and fylkeskommuner of 2011 that get demo contact persons.
DEMO_CONTACT_NUMBERS = ("0301", "1103", "1201", "1601", "1902", "0101", "0104", "12")

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "-"})


def demo_slug(name: str) -> str:
    """ "Tromsø" -> "tromso": Norwegian letters spelled out, as in real kommune domains."""
    return "".join(
        char for char in name.lower().translate(_TRANSLITERATION) if char.isalnum() or char == "-"
    )


def bundled_register_paths(year: int) -> tuple[Path, Path]:
    """(counties file, municipalities file) of a bundled register year."""
    return DATA_DIR / f"fylker-{year}.csv", DATA_DIR / f"kommuner-{year}.csv"


def load_demo_register(stdout: TextIO) -> None:
    """Import the bundled registers and demo contacts; running it again changes nothing."""
    changes = 0
    for year in BUNDLED_YEARS:
        counties_path, municipalities_path = bundled_register_paths(year)
        result = register_import(
            year=year,
            counties_path=counties_path,
            municipalities_path=municipalities_path,
            source=SOURCE,
        )
        changes += result.changed
    edition = RegisterEdition.objects.get(year=2011)
    organisations = Organisation.objects.in_edition(edition).filter(number__in=DEMO_CONTACT_NUMBERS)
    entries = []
    for organisation in organisations:
        suffix = (
            "fylkeskommune" if organisation.kind == OrganisationKind.FYLKESKOMMUNE else "kommune"
        )
        base = demo_slug(organisation.name.removesuffix(" fylkeskommune"))
        entries.append(
            ContactEntry(
                organisation=organisation,
                email=f"postmottak@{base}.{suffix}.example",
                name=_("Postmottak %(name)s") % {"name": organisation.name},
                role=_("Postmottak"),
            )
        )
    contacts = contacts_upsert(entries=entries)
    changes += contacts.changed
    summary = {year: Organisation.objects.of_year(year).count() for year in BUNDLED_YEARS}
    stdout.write(
        _(
            "Register: 2011 med %(n2011)s organisasjoner, 2024 med %(n2024)s organisasjoner, "
            "%(contacts)s demokontakter; %(changes)s endringer."
        )
        % {
            "n2011": summary[2011],
            "n2024": summary[2024],
            "contacts": len(entries),
            "changes": changes,
        }
        + "\n"
    )
