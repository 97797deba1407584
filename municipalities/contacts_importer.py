"""Parsing contact files into checked rows, with line-numbered problems.

Parsing only, like the register files (`importers.py`): `services.contacts_import` writes what
`parse_contacts` returns. A contact file has a header row naming the organisation number
(kommunenummer, or fylkesnummer for a fylkeskommune), the e-mail address and optionally the
name and role, in English or Norwegian.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .importers import COUNTY_NUMBER, KOMMUNE_NUMBER
from .tabular import Issues, Table, check_lengths, require_column

# Accepted header names (after normalising: lower case, spaces and hyphens to "_").
CONTACT_NUMBER_COLUMNS = (
    "organisation_number",
    "organisasjonsnummer",
    "organisation",
    "organisasjon",
    "number",
    "nummer",
    "kommunenummer",
    "fylkesnummer",
)
CONTACT_NAME_COLUMNS = ("name", "navn")
CONTACT_EMAIL_COLUMNS = ("email", "e_mail", "epost", "e_post", "e_postadresse")
CONTACT_ROLE_COLUMNS = ("role", "rolle", "title", "tittel", "rolle/tittel", "rolle_tittel")
MAX_CONTACT_TEXT = 200
MAX_EMAIL = 254


@dataclass
class ContactRow:
    line: int
    number: str
    name: str
    email: str
    role: str


def normalise_email(value: str) -> str:
    return value.strip().lower()


def parse_contacts(table: Table, issues: Issues) -> list[ContactRow]:
    """Contact rows with a valid organisation number and a valid, normalised e-mail address."""
    number_column = require_column(table, CONTACT_NUMBER_COLUMNS, issues)
    email_column = require_column(table, CONTACT_EMAIL_COLUMNS, issues)
    if not number_column or not email_column:
        return []
    name_column = table.column(CONTACT_NAME_COLUMNS)
    role_column = table.column(CONTACT_ROLE_COLUMNS)
    contacts: list[ContactRow] = []
    for line, row in table.rows:
        ok = True
        number = row.get(number_column, "")
        if not (KOMMUNE_NUMBER.fullmatch(number) or COUNTY_NUMBER.fullmatch(number)):
            issues.add(
                table.file,
                line,
                _(
                    "ugyldig organisasjonsnummer «%(value)s»: skal være kommunenummer "
                    "(fire siffer, f.eks. 0301) eller fylkesnummer (to siffer, f.eks. 03)"
                )
                % {"value": number},
            )
            ok = False
        email = normalise_email(row.get(email_column, ""))
        try:
            validate_email(email)
        except ValidationError:
            issues.add(
                table.file,
                line,
                _("ugyldig e-postadresse «%(value)s»") % {"value": row.get(email_column, "")},
            )
            ok = False
        name = row.get(name_column, "") if name_column else ""
        role = row.get(role_column, "") if role_column else ""
        ok = (
            check_lengths(
                table,
                line,
                [
                    (_("navn"), name, MAX_CONTACT_TEXT),
                    (_("rolle"), role, MAX_CONTACT_TEXT),
                    (_("e-postadressen"), email, MAX_EMAIL),
                ],
                issues,
            )
            and ok
        )
        if ok:
            contacts.append(ContactRow(line=line, number=number, name=name, email=email, role=role))
    return contacts
