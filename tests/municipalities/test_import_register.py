"""`import_register`: the bundled registers, KLASS exports, encodings and line-numbered errors."""

import bisect
import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import County, Organisation, OrganisationKind, RegisterEdition
from municipalities.selectors import organisation_counts_by_size_class

DATA = Path(__file__).resolve().parents[2] / "municipalities" / "data"
KLASS_COLUMNS = ["code", "parentCode", "level", "name", "shortName", "presentationName"]
KLASS_HEADER = ";".join(f'"{name}"' for name in [*KLASS_COLUMNS, "validFrom", "validTo", "notes"])


def import_register(year: int, counties: Path, municipalities: Path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "import_register",
        "--year",
        str(year),
        "--counties",
        str(counties),
        "--municipalities",
        str(municipalities),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def import_bundled(year: int) -> str:
    return import_register(year, DATA / f"fylker-{year}.csv", DATA / f"kommuner-{year}.csv")


def import_error(year: int, counties: Path, municipalities: Path, *extra: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        import_register(year, counties, municipalities, *extra)
    return str(excinfo.value)


def register_snapshot() -> dict[str, object]:
    """What an operator would compare: counts and every organisation's name and population."""
    return {
        "editions": RegisterEdition.objects.count(),
        "counties": County.objects.count(),
        "organisations": sorted(
            Organisation.objects.values_list(
                "edition__year", "kind", "number", "name", "population"
            )
        ),
    }


def size_class_counts_from_csv(path: Path) -> list[int]:
    """Kommuner per size class straight from the file's populations (lower bound inclusive)."""
    bounds = [2_000, 5_000, 10_000, 20_000, 50_000]
    counts = [0] * 6
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            counts[bisect.bisect_right(bounds, int(row["population"]))] += 1
    return counts


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def bundled_copy(tmp_path: Path, year: int, replace: dict[int, str]) -> Path:
    """The bundled kommuner file with some lines (1-based, header is line 1) replaced."""
    lines = (DATA / f"kommuner-{year}.csv").read_text(encoding="utf-8").splitlines()
    for number, text in replace.items():
        lines[number - 1] = text
    return write(tmp_path / f"kommuner-{year}-edited.csv", "\n".join(lines) + "\n")


# --- The bundled registers ---------------------------------------------------------------------


@pytest.mark.django_db
def test_bundled_2011_register_gives_430_kommuner_18_fylkeskommuner_and_19_fylker():
    output = import_bundled(2011)

    edition = RegisterEdition.objects.get(year=2011)
    assert edition.counties.count() == 19
    assert Organisation.objects.in_edition(edition).kommuner().count() == 430
    assert Organisation.objects.in_edition(edition).fylkeskommuner().count() == 18
    assert "Fylker: 19 opprettet, 0 endret, 0 uendret." in output
    assert "Kommuner: 430 opprettet, 0 endret, 0 uendret." in output
    assert "Fylkeskommuner: 18 opprettet, 0 endret, 0 uendret." in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "expected"),
    [(2011, [96, 136, 88, 59, 38, 13]), (2024, [77, 97, 70, 47, 46, 20])],
)
def test_kommuner_per_size_class_match_the_populations_in_the_file(year, expected):
    import_bundled(year)

    from_file = size_class_counts_from_csv(DATA / f"kommuner-{year}.csv")
    from_database = [
        row.count
        for row in organisation_counts_by_size_class(RegisterEdition.objects.get(year=year))
    ]
    assert from_database == from_file == expected


@pytest.mark.django_db
def test_bundled_2024_register_gives_357_kommuner_and_15_fylker_with_14_fylkeskommuner():
    import_bundled(2024)

    edition = RegisterEdition.objects.get(year=2024)
    assert edition.counties.count() == 15
    assert Organisation.objects.in_edition(edition).kommuner().count() == 357
    assert Organisation.objects.in_edition(edition).fylkeskommuner().count() == 14


@pytest.mark.django_db
def test_fylkeskommune_takes_the_county_number_and_population_and_oslo_has_none():
    import_bundled(2011)

    hordaland = Organisation.objects.get(
        edition__year=2011, kind=OrganisationKind.FYLKESKOMMUNE, number="12"
    )
    assert hordaland.name == "Hordaland fylkeskommune"
    assert hordaland.population == County.objects.get(edition__year=2011, number="12").population
    assert hordaland.size_class is None
    assert not Organisation.objects.filter(
        edition__year=2011, kind=OrganisationKind.FYLKESKOMMUNE, number="03"
    ).exists()
    oslo = Organisation.objects.get(edition__year=2011, number="0301")
    assert (oslo.population, str(oslo.population_date)) == (599230, "2011-01-01")
    assert oslo.get_size_class_display() == "50 000 eller flere"


@pytest.mark.django_db
def test_kommune_numbers_keep_their_leading_zero_and_population_quality_is_kept():
    import_bundled(2011)

    sandefjord = Organisation.objects.get(edition__year=2011, number="0706")
    assert sandefjord.population_status == "nearest_available_1_april_2011"
    assert str(sandefjord.population_date) == "2011-04-01"
    assert Organisation.objects.filter(edition__year=2011, number="101").count() == 0


@pytest.mark.django_db
def test_two_years_live_side_by_side():
    import_bundled(2011)
    import_bundled(2024)

    assert Organisation.objects.of_year(2011).kommuner().count() == 430
    assert Organisation.objects.of_year(2024).kommuner().count() == 357
    assert Organisation.objects.get(edition__year=2024, number="5501").name == "Tromsø"


@pytest.mark.django_db
def test_second_import_of_the_same_files_changes_nothing():
    import_bundled(2011)
    before = {org.pk: org.updated_at for org in Organisation.objects.all()}

    output = import_bundled(2011)

    assert "Registerutgave 2011 (Kommuneregister 2011): uendret." in output
    assert "Fylker: 0 opprettet, 0 endret, 19 uendret." in output
    assert "Kommuner: 0 opprettet, 0 endret, 430 uendret." in output
    assert "Fylkeskommuner: 0 opprettet, 0 endret, 18 uendret." in output
    assert "Ferdig: ingen endringer." in output
    assert {org.pk: org.updated_at for org in Organisation.objects.all()} == before


@pytest.mark.django_db
def test_re_import_reads_existing_rows_in_bulk_not_one_query_per_row(django_assert_max_num_queries):
    import_bundled(2011)

    with django_assert_max_num_queries(10):
        import_bundled(2011)


@pytest.mark.django_db
def test_corrected_population_updates_only_that_kommune_and_moves_its_size_class(tmp_path):
    import_bundled(2011)
    utsira = Organisation.objects.get(edition__year=2011, number="1151")
    assert utsira.get_size_class_display() == "Under 2 000"
    lines = (DATA / "kommuner-2011.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("1151,"))
    edited = bundled_copy(tmp_path, 2011, {line: "1151,Utsira,11,2216,2011-01-01,ssb_exact,S1"})

    output = import_register(2011, DATA / "fylker-2011.csv", edited)

    assert "Kommuner: 0 opprettet, 1 endret, 429 uendret." in output
    utsira.refresh_from_db()
    assert utsira.population == 2216
    assert utsira.get_size_class_display() == "2 000–4 999"


@pytest.mark.django_db
def test_kommune_missing_from_a_later_file_is_kept_and_reported(tmp_path):
    import_bundled(2011)
    edited = bundled_copy(tmp_path, 2011, {2: ""})  # 0101 Halden

    output = import_register(2011, DATA / "fylker-2011.csv", edited)

    assert "Kommuner: 0 opprettet, 0 endret, 429 uendret" in output
    assert "1 i databasen står ikke i filen og er beholdt" in output
    assert Organisation.objects.filter(edition__year=2011, number="0101").exists()


@pytest.mark.django_db
def test_edition_name_and_source_come_from_the_options():
    import_register(
        2024,
        DATA / "fylker-2024.csv",
        DATA / "kommuner-2024.csv",
        "--name",
        "Kommuneinndeling 2024",
        "--source",
        "Kilde: Statistisk sentralbyrå",
    )

    edition = RegisterEdition.objects.get(year=2024)
    assert edition.name == "Kommuneinndeling 2024"
    assert edition.source == "Kilde: Statistisk sentralbyrå"
    assert str(edition.population_date) == "2024-01-01"


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_malformed_number_on_one_line_is_rejected_with_that_line_and_nothing_changes(tmp_path):
    import_bundled(2011)
    # Line 2 renames Halden (a change that must not be applied), line 101 is malformed.
    edited = bundled_copy(
        tmp_path,
        2011,
        {
            2: "0101,Halden kommune,01,29220,2011-01-01,ssb_exact,S1",
            101: "12x1,Bergen,12,260392,2011-01-01,ssb_exact,S1",
        },
    )
    before = register_snapshot()

    message = import_error(2011, DATA / "fylker-2011.csv", edited)

    assert f"{edited}, linje 101: ugyldig kommunenummer «12x1»" in message
    assert "ingenting er endret" in message
    assert register_snapshot() == before
    assert Organisation.objects.get(edition__year=2011, number="0101").name == "Halden"


@pytest.mark.django_db
def test_malformed_file_on_an_empty_database_creates_no_edition(tmp_path):
    edited = bundled_copy(tmp_path, 2024, {5: "110,Haugesund,11,38292,2024-01-01,S6"})

    message = import_error(2024, DATA / "fylker-2024.csv", edited)

    assert "linje 5: ugyldig kommunenummer «110»" in message
    assert RegisterEdition.objects.count() == 0
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("0102,Sarpsborg,77,52805,2011-01-01,ssb_exact,S1", "ukjent fylke «77»"),
        ("01O2,Sarpsborg,01,52805,2011-01-01,ssb_exact,S1", "ugyldig kommunenummer «01O2»"),
        (
            "0101,Halden igjen,01,29220,2011-01-01,ssb_exact,S1",
            "0101 står to ganger (også på linje 2)",
        ),
        ("0102,Sarpsborg,01,,2011-01-01,ssb_exact,S1", "mangler folketall for 0102 Sarpsborg"),
        ("0102,Sarpsborg,01,52 805x,2011-01-01,ssb_exact,S1", "ugyldig folketall «52 805x»"),
        ("0102,Sarpsborg,01,52805,01.01.2011,ssb_exact,S1", "ugyldig dato «01.01.2011»"),
        ("0102,Sarpsborg,02,52805,2011-01-01,ssb_exact,S1", "0102 hører ikke til fylke 02"),
        ("0102,,01,52805,2011-01-01,ssb_exact,S1", "mangler navn"),
        (f"0102,{'S' * 101},01,52805,2011-01-01,ssb_exact,S1", "navn er for langt: 101 tegn"),
        ("0102,Sarpsborg,01,52805000,2011-01-01,ssb_exact,S1", "ugyldig folketall «52805000»"),
        ("0102,Sarpsborg,1,52805,2011-01-01,ssb_exact,S1", "ugyldig fylkesnummer «1»"),
    ],
)
def test_each_kind_of_bad_line_is_named_with_file_and_line(tmp_path, line, expected):
    counties = write(
        tmp_path / "fylker.csv",
        "fylkesnummer,name,has_county_municipality,population,population_date,source\n"
        "01,Østfold,True,274827,2011-01-01,S3\n"
        "02,Akershus,True,545653,2011-01-01,S3\n",
    )
    municipalities = write(
        tmp_path / "kommuner.csv",
        "kommunenummer,name,fylkesnummer,population,population_date,population_status,source\n"
        "0101,Halden,01,29220,2011-01-01,ssb_exact,S1\n"
        "0211,Vestby,02,14934,2011-01-01,ssb_exact,S1\n"
        f"{line}\n",
    )

    message = import_error(2011, counties, municipalities)

    assert f"{municipalities}, linje 4: " in message
    assert expected in message
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_all_problems_are_reported_at_once_in_both_files(tmp_path):
    counties = write(
        tmp_path / "fylker.csv",
        "fylkesnummer,name,has_county_municipality,population,population_date,source\n"
        "01,Østfold,kanskje,274827,2011-01-01,S3\n"
        "1,Akershus,True,545653,2011-01-01,S3\n"
        "01,Østfold igjen,True,274827,2011-01-01,S3\n",
    )
    municipalities = write(
        tmp_path / "kommuner.csv",
        "kommunenummer,name,fylkesnummer,population\n"
        "0101,Halden,01,29220\n"
        "01x4,Moss,01,30265\n"
        "0105,Sarpsborg,01,\n",
    )

    message = import_error(2011, counties, municipalities)

    assert f"{counties}, linje 2: ugyldig verdi «kanskje»" in message
    assert f"{counties}, linje 3: ugyldig fylkesnummer «1»" in message
    assert f"{counties}, linje 4: fylkesnummer 01 står to ganger (også på linje 2)" in message
    assert f"{municipalities}, linje 3: ugyldig kommunenummer «01x4»" in message
    assert f"{municipalities}, linje 4: mangler folketall" in message


@pytest.mark.django_db
def test_a_flood_of_errors_is_capped_with_a_count_of_the_rest(tmp_path):
    lines = "".join(f"01x{i % 10},Feil {i},01,100\n" for i in range(60))
    municipalities = write(
        tmp_path / "kommuner.csv", "kommunenummer,name,fylkesnummer,population\n" + lines
    )

    message = import_error(2011, DATA / "fylker-2011.csv", municipalities)

    assert "60 feil:" in message
    assert message.count("ugyldig kommunenummer") == 50
    assert "og 10 feil til" in message


@pytest.mark.django_db
def test_county_without_kommuner_is_reported(tmp_path):
    municipalities = write(
        tmp_path / "kommuner.csv",
        "kommunenummer,name,fylkesnummer,population\n0101,Halden,01,29220\n",
    )

    message = import_error(2011, DATA / "fylker-2011.csv", municipalities)

    assert f"{DATA / 'fylker-2011.csv'}, linje 3: fylke 02 Akershus har ingen kommuner" in message


@pytest.mark.django_db
def test_unknown_file_layout_names_the_missing_column(tmp_path):
    municipalities = write(tmp_path / "kommuner.csv", "nr,navn\n0101,Halden\n")

    message = import_error(2011, DATA / "fylker-2011.csv", municipalities)

    assert f"{municipalities}, linje 1: mangler kolonnen kommunenummer / number" in message


@pytest.mark.django_db
def test_unclosed_quote_is_reported_instead_of_swallowing_the_following_lines(tmp_path):
    municipalities = write(
        tmp_path / "kommuner.csv",
        'kommunenummer,name,fylkesnummer,population\n0101,"Halden,01,29220\n0104,Moss,01,30265\n',
    )

    message = import_error(2011, DATA / "fylker-2011.csv", municipalities)

    assert f"{municipalities}, linje 2: filen kan ikke leses som CSV" in message


@pytest.mark.django_db
def test_impossible_year_is_refused():
    message = import_error(20111, DATA / "fylker-2011.csv", DATA / "kommuner-2011.csv")

    assert "ugyldig år 20111" in message
    assert RegisterEdition.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_is_reported_by_name(tmp_path):
    message = import_error(2011, DATA / "fylker-2011.csv", tmp_path / "finnes-ikke.csv")

    assert f"{tmp_path / 'finnes-ikke.csv'}: kan ikke lese filen" in message


# --- Encodings ---------------------------------------------------------------------------------

COUNTIES_CSV = (
    "fylkesnummer,name,has_county_municipality,population,population_date,source\n"
    "19,Troms,True,157554,2011-01-01,S2\n"
)
KOMMUNER_CSV = (
    "kommunenummer,name,fylkesnummer,population,population_date,population_status,source\n"
    "1902,Tromsø,19,68239,2011-01-01,ssb_exact,S1\n"
    "1915,Bjarkøy,19,476,2011-01-01,ssb_exact_secondary_copy,S2\n"
)


@pytest.mark.django_db
def test_utf8_with_byte_order_mark_is_read(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV, "utf-8-sig")
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV, "utf-8-sig")

    import_register(2011, counties, municipalities)

    assert Organisation.objects.get(number="1902").name == "Tromsø"
    assert Organisation.objects.get(number="19").name == "Troms fylkeskommune"


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig"])
def test_utf8_given_explicitly_reads_files_with_and_without_byte_order_mark(tmp_path, encoding):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV, "utf-8-sig")
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV)

    import_register(2011, counties, municipalities, "--encoding", encoding)

    assert Organisation.objects.get(number="1915").name == "Bjarkøy"


@pytest.mark.django_db
def test_latin1_given_explicitly_reads_a_latin1_file(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV, "iso-8859-1")
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV, "iso-8859-1")

    import_register(2011, counties, municipalities, "--encoding", "iso-8859-1")

    assert Organisation.objects.get(number="1902").name == "Tromsø"


@pytest.mark.django_db
def test_latin1_file_is_detected_and_read_correctly(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV, "iso-8859-1")
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV, "iso-8859-1")

    output = import_register(2011, counties, municipalities)

    assert f"Leste {municipalities} som windows-1252." in output
    assert Organisation.objects.get(number="1915").name == "Bjarkøy"


@pytest.mark.django_db
def test_latin1_file_read_as_utf8_gives_a_clear_message_not_mojibake(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV)
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV, "iso-8859-1")

    message = import_error(2011, counties, municipalities, "--encoding", "utf-8")

    assert f"{municipalities}, linje 2: feil tegnkoding: filen er ikke gyldig UTF-8" in message
    assert "--encoding iso-8859-1" in message
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_utf8_file_read_as_latin1_is_refused_instead_of_importing_mojibake(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV)
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV)

    message = import_error(2011, counties, municipalities, "--encoding", "iso-8859-1")

    assert f"{municipalities}, linje 2: feil tegnkoding: filen er UTF-8, ikke iso-8859-1" in message
    assert not Organisation.objects.filter(name__contains="Ã").exists()
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_utf16_file_is_refused_with_a_hint(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV)
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV, "utf-16")

    message = import_error(2011, counties, municipalities)

    assert f"{municipalities}: feil tegnkoding: filen ser ut til å være UTF-16" in message


@pytest.mark.django_db
def test_unknown_encoding_name_is_reported(tmp_path):
    counties = write(tmp_path / "fylker.csv", COUNTIES_CSV)
    municipalities = write(tmp_path / "kommuner.csv", KOMMUNER_CSV)

    message = import_error(2011, counties, municipalities, "--encoding", "norsk")

    assert "ukjent tegnkoding «norsk»" in message


# --- SSB KLASS exports -------------------------------------------------------------------------

KLASS_COUNTIES = "\n".join(
    [
        KLASS_HEADER,
        '"03";"";"1";"Oslo";"";"";"2024-01-01";"";""',
        '"46";"";"1";"Vestland";"";"";"2024-01-01";"";""',
        '"55";"";"1";"Troms";"Romsa - Tromssa";"";"2024-01-01";"";""',
        '"99";"";"1";"Uoppgitt";"";"";"2024-01-01";"";""',
    ]
)


def klass_municipalities(with_population: bool) -> str:
    rows = [
        ("0301", "Oslo", "717710"),
        ("4601", "Bergen", "291940"),
        ("4643", "Årdal", "5194"),
        ("5501", "Tromsø", "78745"),
        ("5503", "Harstad - Hárstták", "25236"),
    ]
    header = KLASS_HEADER + (';"population"' if with_population else "")
    lines = [header]
    for code, name, population in rows:
        line = f'"{code}";"";"1";"{name}";"";"";"2024-01-01";"";""'
        lines.append(line + (f';"{population}"' if with_population else ""))
    lines.append(
        '"9999";"";"1";"Uoppgitt";"";"";"2024-01-01";"";""' + (';""' if with_population else "")
    )
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_klass_export_in_iso_8859_1_with_a_population_column_is_imported(tmp_path):
    counties = write(tmp_path / "klass-fylker.csv", KLASS_COUNTIES, "iso-8859-1")
    municipalities = write(
        tmp_path / "klass-kommuner.csv", klass_municipalities(True), "iso-8859-1"
    )

    output = import_register(2024, counties, municipalities)

    assert "Fylker: 3 opprettet" in output
    assert "Kommuner: 5 opprettet" in output
    assert "Fylkeskommuner: 2 opprettet" in output
    names = dict(Organisation.objects.kommuner().values_list("number", "name"))
    assert names["4643"] == "Årdal"
    assert names["5501"] == "Tromsø"
    assert names["5503"] == "Harstad - Hárstták"
    assert Organisation.objects.get(number="4601").county.name == "Vestland"
    # KLASS has no county population: the fylkeskommune serves the sum of its kommuner.
    vestland = Organisation.objects.fylkeskommuner().get(number="46")
    assert vestland.population == 291940 + 5194
    assert not Organisation.objects.fylkeskommuner().filter(number="03").exists()
    assert not Organisation.objects.filter(number__in=["99", "9999"]).exists()


@pytest.mark.django_db
def test_klass_export_imported_twice_changes_nothing(tmp_path):
    counties = write(tmp_path / "klass-fylker.csv", KLASS_COUNTIES, "iso-8859-1")
    municipalities = write(
        tmp_path / "klass-kommuner.csv", klass_municipalities(True), "iso-8859-1"
    )
    import_register(2024, counties, municipalities)

    output = import_register(2024, counties, municipalities)

    assert "Ferdig: ingen endringer." in output


@pytest.mark.django_db
def test_klass_line_with_a_malformed_code_gets_one_clear_message(tmp_path):
    counties = write(tmp_path / "klass-fylker.csv", KLASS_COUNTIES)
    text = klass_municipalities(True).replace('"4643";', '"464";')
    municipalities = write(tmp_path / "klass-kommuner.csv", text)

    message = import_error(2024, counties, municipalities)

    assert "1 feil:" in message
    assert f"{municipalities}, linje 4: ugyldig kommunenummer «464»" in message


@pytest.mark.django_db
def test_klass_export_without_population_reports_every_kommune_missing_one(tmp_path):
    counties = write(tmp_path / "klass-fylker.csv", KLASS_COUNTIES)
    municipalities = write(tmp_path / "klass-kommuner.csv", klass_municipalities(False))

    message = import_error(2024, counties, municipalities)

    for line, name in [(2, "0301 Oslo"), (4, "4643 Årdal"), (6, "5503 Harstad - Hárstták")]:
        assert f"{municipalities}, linje {line}: mangler folketall for {name}" in message
    assert "--population" in message
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_klass_export_takes_populations_from_a_separate_file(tmp_path):
    counties = write(tmp_path / "klass-fylker.csv", KLASS_COUNTIES)
    municipalities = write(tmp_path / "klass-kommuner.csv", klass_municipalities(False))
    populations = write(
        tmp_path / "folketall.csv",
        "region;population;population_date\n"
        "K-0301 Oslo;717710;2024-01-01\n"
        "4601;291940;2024-01-01\n"
        "4643;5194;2024-01-01\n"
        "5501;78745;2024-01-01\n"
        "5503;25236;2024-01-01\n",
    )

    import_register(2024, counties, municipalities, "--population", str(populations))

    assert Organisation.objects.get(number="0301").population == 717710
    assert str(Organisation.objects.get(number="5503").population_date) == "2024-01-01"
    assert Organisation.objects.fylkeskommuner().get(number="55").population == 78745 + 25236
