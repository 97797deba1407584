"""`import_contacts`: contact persons from CSV, normalised, merged, line-numbered errors."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Contact, OrganisationKind
from tests.builders import make_contact, make_county, make_edition, make_organisation


def import_contacts(year: int, path: Path, *extra: str) -> str:
    out = StringIO()
    call_command("import_contacts", "--year", str(year), str(path), *extra, stdout=out)
    return out.getvalue()


def import_error(year: int, path: Path, *extra: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        import_contacts(year, path, *extra)
    return str(excinfo.value)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def register(db):
    """A small 2011 register: Halden and Moss in Østfold, Østfold fylkeskommune; 2024 Halden."""
    edition = make_edition(year=2011)
    ostfold = make_county(edition=edition, number="01", name="Østfold")
    organisations = {
        "0101": make_organisation(county=ostfold, number="0101", name="Halden"),
        "0104": make_organisation(county=ostfold, number="0104", name="Moss"),
        "01": make_organisation(
            county=ostfold,
            number="01",
            name="Østfold fylkeskommune",
            kind=OrganisationKind.FYLKESKOMMUNE,
        ),
    }
    later = make_county(edition=make_edition(year=2024), number="31", name="Østfold")
    make_organisation(county=later, number="3101", name="Halden")
    return organisations


CONTACTS = (
    "organisation number;name;e-mail;role\n"
    "0101;Kari Nordmann; Kari.Nordmann@Halden.Kommune.EXAMPLE ;IKT-leder\n"
    "0104;Ola Nordmann;ola@moss.kommune.example;Rådmann\n"
    "01;Siri Fylke;postmottak@ostfold.fylkeskommune.example;Arkiv\n"
)


def test_contacts_are_created_with_normalised_addresses(register, tmp_path):
    output = import_contacts(2011, write(tmp_path / "kontakter.csv", CONTACTS))

    assert "Kontaktpersoner: 3 opprettet, 0 endret, 0 uendret." in output
    kari = Contact.objects.get(organisation=register["0101"])
    assert (kari.name, kari.email, kari.role, kari.is_active) == (
        "Kari Nordmann",
        "kari.nordmann@halden.kommune.example",
        "IKT-leder",
        True,
    )
    assert Contact.objects.get(organisation=register["01"]).name == "Siri Fylke"


def test_second_import_of_the_same_file_changes_nothing(register, tmp_path):
    path = write(tmp_path / "kontakter.csv", CONTACTS)
    import_contacts(2011, path)

    output = import_contacts(2011, path)

    assert "Kontaktpersoner: 0 opprettet, 0 endret, 3 uendret." in output
    assert Contact.objects.count() == 3


def test_comma_separated_file_with_norwegian_headers_is_read(register, tmp_path):
    path = write(
        tmp_path / "kontakter.csv",
        "kommunenummer,navn,epost,rolle\n0104,Ola Nordmann,ola@moss.kommune.example,Rådmann\n",
    )

    import_contacts(2011, path)

    assert Contact.objects.get().role == "Rådmann"


def test_same_organisation_and_address_updates_the_contact_instead_of_doubling_it(
    register, tmp_path
):
    make_contact(
        organisation=register["0101"],
        name="K. Nordmann",
        email="kari.nordmann@halden.kommune.example",
        role="",
    )

    output = import_contacts(2011, write(tmp_path / "kontakter.csv", CONTACTS))

    assert "Kontaktpersoner: 2 opprettet, 1 endret, 0 uendret." in output
    kari = Contact.objects.get(organisation=register["0101"])
    assert (kari.name, kari.role) == ("Kari Nordmann", "IKT-leder")


def test_duplicates_within_the_file_are_merged_and_blank_values_erase_nothing(register, tmp_path):
    path = write(
        tmp_path / "kontakter.csv",
        "organisation number;name;e-mail;role\n"
        "0101;Kari;kari@halden.kommune.example;\n"
        "0101;Kari Nordmann;KARI@halden.kommune.example;IKT-leder\n"
        "0101;;kari@HALDEN.kommune.example;\n",
    )

    output = import_contacts(2011, path)

    assert "1 opprettet" in output
    assert "2 linjer slått sammen" in output
    kari = Contact.objects.get()
    assert (kari.name, kari.email, kari.role) == (
        "Kari Nordmann",
        "kari@halden.kommune.example",
        "IKT-leder",
    )


def test_same_address_at_two_organisations_gives_two_contacts(register, tmp_path):
    path = write(
        tmp_path / "kontakter.csv",
        "organisation number;name;e-mail;role\n"
        "0101;Felles IKT;ikt@interkommunal.example;IKT\n"
        "0104;Felles IKT;ikt@interkommunal.example;IKT\n",
    )

    import_contacts(2011, path)

    assert Contact.objects.filter(email="ikt@interkommunal.example").count() == 2


def test_invalid_address_and_unknown_organisation_are_reported_by_line_and_nothing_is_saved(
    register, tmp_path
):
    path = write(
        tmp_path / "kontakter.csv",
        "organisation number;name;e-mail;role\n"
        "0101;Kari Nordmann;kari@halden.kommune.example;IKT-leder\n"
        "0104;Ola Nordmann;ola(at)moss.kommune.example;Rådmann\n"
        "3101;Per Halden;per@halden.kommune.example;IKT-leder\n"
        "101;Kari;kari@halden.kommune.example;\n"
        "0101;Tom;;\n",
    )

    message = import_error(2011, path)

    assert f"{path}, linje 3: ugyldig e-postadresse «ola(at)moss.kommune.example»" in message
    assert f"{path}, linje 4: ukjent organisasjon «3101»" in message
    assert f"{path}, linje 5: ugyldig organisasjonsnummer «101»" in message
    assert f"{path}, linje 6: ugyldig e-postadresse «»" in message
    assert "ingenting er endret" in message
    assert Contact.objects.count() == 0


def test_year_without_a_register_is_refused(register, tmp_path):
    message = import_error(2019, write(tmp_path / "kontakter.csv", CONTACTS))

    assert "det finnes ingen registerutgave for 2019" in message


def test_file_without_an_email_column_names_the_missing_column(register, tmp_path):
    path = write(tmp_path / "kontakter.csv", "kommunenummer;navn\n0101;Kari\n")

    message = import_error(2011, path)

    assert f"{path}, linje 1: mangler kolonnen email" in message


def test_latin1_contacts_file_is_detected(register, tmp_path):
    path = write(tmp_path / "kontakter.csv", CONTACTS, "iso-8859-1")

    output = import_contacts(2011, path)

    assert "som windows-1252" in output
    assert Contact.objects.get(organisation=register["0104"]).role == "Rådmann"


def test_overlong_role_is_reported_rather_than_cut(register, tmp_path):
    path = write(
        tmp_path / "kontakter.csv",
        f"nummer;navn;epost;rolle\n0101;Kari;kari@halden.kommune.example;{'R' * 201}\n",
    )

    message = import_error(2011, path)

    assert f"{path}, linje 2: rolle er for langt: 201 tegn, høyst 200" in message
    assert Contact.objects.count() == 0
