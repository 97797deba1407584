"""Exports: wide and long CSV, the codebook, XLSX, formula neutralisation, filters, memory."""

import csv
import io
import zipfile
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command

from benchmarks.export_memory import create_wave_with_answers, peak_bytes
from surveys.analysis.codebook import codebook_rows
from surveys.analysis.exports import ExportFilters, ExportOptions, export_csv_lines
from surveys.analysis.workbook import write_xlsx
from surveys.downloads import neutralise, safe_filename
from surveys.models import ExportJob, Question
from tests import builders
from tests.surveys.results_data import FORMULA, SCRIPT, build_wave

pytestmark = pytest.mark.django_db


def export_text(wave, **options) -> str:
    return "".join(export_csv_lines(wave, ExportOptions(**options)))


def parse(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.fixture
def data():
    return build_wave()


def test_wide_csv_has_one_row_per_organisation_and_the_codebooks_columns(data):
    text = export_text(data.wave)

    header = next(csv.reader(io.StringIO(text)))
    codebook = [row[0] for row in list(codebook_rows(data.wave))[1:]]
    assert header == codebook
    rows = parse(text)
    # 13 kommuner and a fylkeskommune submitted, one in progress, one not started.
    assert len(rows) == 16
    assert len({row["organisasjonsnummer"] + row["type"] for row in rows}) == 16


def test_wide_csv_values_match_the_database(data):
    rows = {row["organisasjonsnummer"]: row for row in parse(export_text(data.wave))}

    for organisation, answer_set in zip(data.organisations, data.answer_sets, strict=True):
        row = rows[organisation.number]
        answers = {answer.question_id: answer for answer in answer_set.answers.all()}
        assert row["status"] == "submitted"
        assert row["folketall"] == str(organisation.population)
        assert row["storrelsesklasse"] == str(organisation.size_class or "")
        assert row["geodata_uthenting"] == answers[data.yes_no.id].value
        if data.services.id not in answers:
            continue
        chosen = answers[data.services.id].value
        for code in ("barnehageplass", "byggesak", "annet", "ingen"):
            assert row[f"elektroniske_tjenester__{code}"] == ("1" if code in chosen else "0")
        channels = answers[data.channels.id].value
        assert row["digitale_kanaler_dialog__sms"] == channels["sms"]
        assert row["norge_no_stjerner_2010"] == str(answers[data.stars.id].value)
        assert row["antall_ansatte"] == str(answers[data.staff_count.id].value)
        assert Decimal(row["andel_digitalt"]) == Decimal(answers[data.share_digital.id].value)
    assert rows["0150"]["status"] == "in_progress"
    assert rows["0160"]["status"] == "not_started"
    assert rows["0160"]["geodata_uthenting"] == ""


def test_wide_csv_parses_with_pandas_with_numbers_as_numbers(data):
    frame = pd.read_csv(io.StringIO(export_text(data.wave)), dtype={"organisasjonsnummer": str})

    assert len(frame) == 16
    assert frame["antall_ansatte"].dropna().sum() == sum(10 * (i + 1) for i in range(13))
    assert frame["andel_digitalt"].min() == -5.0
    assert set(frame["organisasjonsnummer"]) >= {"0102", "1201", "12"}


def test_formulas_in_free_text_names_and_headers_are_neutralised_but_numbers_are_not(data):
    builders.make_question(
        section=data.yes_no.section, key="-minus", kind=Question.Kind.SHORT_TEXT, text="@SUM(A1)"
    )
    text = export_text(data.wave)
    rows = {row["organisasjonsnummer"]: row for row in parse(text)}

    assert rows["1201"]["andre_utfordringer"] == "'" + FORMULA
    assert rows["1201"]["navn"] == "'=Formelkommune"
    assert rows["1203"]["elektroniske_tjenester__annet__tekst"] == "'-3 kommuner samarbeider"
    assert rows["0102"]["andre_utfordringer"] == SCRIPT  # not a formula: left as it is
    assert rows["1201"]["andel_digitalt"] == "-5.0"  # a validated number stays a number
    assert "'-minus" in next(csv.reader(io.StringIO(text)))
    codebook = "".join(export_csv_lines(data.wave, ExportOptions(layout="codebook")))
    assert ",'@SUM(A1)," in codebook
    for cell in (row for line in csv.reader(io.StringIO(text)) for row in line):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


@pytest.mark.parametrize("text", ["=1+1", "+47 999", "-3 kommuner", "@A1", "\tx", "\rx"])
def test_neutralise_prefixes_every_formula_start(text):
    assert neutralise(text) == "'" + text


def test_norwegian_options_give_bom_semicolons_and_decimal_commas(data):
    raw = export_text(data.wave, delimiter=";", bom=True)

    assert raw.startswith("\ufefforganisasjonsnummer;navn;type;")
    rows = {row["organisasjonsnummer"]: row for row in parse(raw, delimiter=";")}
    assert rows["0102"]["andel_digitalt"] == "-2,5"
    assert rows["0102"]["fylke"] == "Østfold"


def test_filters_by_kind_county_size_class_and_status(data):
    def numbers(**filters) -> set[str]:
        text = export_text(data.wave, filters=ExportFilters(**filters))
        return {row["organisasjonsnummer"] for row in parse(text)}

    assert numbers(kinds=("fylkeskommune",)) == {"12"}
    assert numbers(county_numbers=("01",)) == {
        "0102", "0104", "0106", "0108", "0110", "0112", "0150", "0160"
    }  # fmt: skip
    assert numbers(size_classes=(6,)) == {"0112", "1211", "1213"}
    assert numbers(statuses=("not_started", "in_progress")) == {"0150", "0160"}
    assert len(numbers(statuses=("submitted",))) == 14


def test_long_csv_has_one_row_per_answer_item(data):
    rows = parse(export_text(data.wave, layout="long"))

    mine = [row for row in rows if row["organisasjonsnummer"] == "0102"]
    columns = {row["kolonne"]: row for row in mine}
    assert columns["geodata_uthenting"]["verdi"] == "nei"
    assert columns["geodata_uthenting"]["tekst"] == "Nei"
    assert columns["digitale_kanaler_dialog__sms"]["verdi"] == "ikke"
    assert columns["elektroniske_tjenester__byggesak"]["verdi"] == "byggesak"
    assert columns["andre_utfordringer"]["verdi"] == SCRIPT
    formula = [row for row in rows if row["sporsmal_nokkel"] == "andre_utfordringer"]
    assert {row["verdi"] for row in formula} == {"'" + FORMULA, SCRIPT}
    # Submitted and in-progress answers (the not-started kommune has none).
    assert {row["status"] for row in rows} == {"submitted", "in_progress"}


def test_codebook_describes_codes_and_conditions(data):
    data.services.condition = {"question": "geodata_uthenting", "equals": "ja"}
    data.services.save()
    rows = {row[0]: row for row in codebook_rows(data.wave)}

    assert rows["geodata_uthenting"][5] == "ja=Ja; nei=Nei; vet_ikke=Usikker/Vet ikke"
    assert rows["elektroniske_tjenester__annet"][6] == "vises hvis geodata_uthenting = ja"
    assert rows["storrelsesklasse"][5].startswith("1=Under 2 000; 2=2 000–4 999")


def test_contacts_are_exported_only_when_asked_for(data):
    builders.make_contact(
        organisation=data.organisations[1], name="Kari Nordmann", email="kari@k.no"
    )

    plain = export_text(data.wave)
    personal = parse(export_text(data.wave, include_personal_data=True))

    assert "kari@k.no" not in plain and "Kari Nordmann" not in plain
    row = next(row for row in personal if row["organisasjonsnummer"] == "0102")
    assert (row["kontaktpersoner"], row["kontakt_epost"]) == ("Kari Nordmann", "kari@k.no")


def test_xlsx_has_a_sheet_per_layout_and_the_codebook_with_no_formulas(data, tmp_path):
    path = tmp_path / "eksport.xlsx"

    rows = write_xlsx(data.wave, ExportOptions(format="xlsx"), path)

    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = [archive.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (1, 2, 3)]
    assert ['name="Bred"', 'name="Lang"', 'name="Kodebok"'] == [
        f'name="{name}"' for name in ("Bred", "Lang", "Kodebok") if f'name="{name}"' in workbook
    ]
    assert all("<f>" not in sheet for sheet in sheets)
    assert "<t>'=cmd|' /C calc'!A0</t>" in sheets[0]
    assert "<t>'=Formelkommune</t>" in sheets[0]
    # Population of the first row (the fylkeskommune) is a number cell, not text.
    assert '<c r="G2"><v>490000</v></c>' in sheets[0]
    assert rows == 16 + len(list(export_csv_lines(data.wave, ExportOptions(layout="long")))) - 1


def test_download_file_names_are_ascii_for_any_title():
    wave = builders.make_wave(title='Ærlig «rapport» / ØKO: 50% "bra" ..\\..', slug="x")

    name = safe_filename(wave, "wide", "csv")

    assert name.isascii()
    assert name.startswith("aerlig-rapport-oko-50-bra-wide-")
    assert name.endswith(".csv") and "/" not in name and '"' not in name


def test_export_commands_write_the_csv_and_codebook_and_log_the_export(data, tmp_path):
    out = tmp_path / "svar.csv"
    book = tmp_path / "kodebok.csv"

    call_command("export_responses", data.wave.slug, "--layout", "wide", "-o", str(out))
    call_command("export_codebook", data.wave.slug, "-o", str(book))
    call_command(
        "export_responses", data.wave.slug, "--layout", "long", "--format", "xlsx",
        "-o", str(tmp_path / "svar.xlsx"),
    )  # fmt: skip

    assert len(parse(out.read_text(encoding="utf-8"))) == 16
    assert len(parse(book.read_text(encoding="utf-8"))) == len(next(csv.reader(out.open())))
    assert zipfile.is_zipfile(tmp_path / "svar.xlsx")
    logged = ExportJob.objects.filter(wave=data.wave).order_by("id")
    assert [(job.layout, job.format, job.status) for job in logged] == [
        ("wide", "csv", "done"),
        ("long", "xlsx", "done"),
    ]
    assert logged[0].rows_written == 16


def test_wide_export_memory_does_not_grow_with_the_number_of_organisations():
    """Streaming property at test size (500 vs 2,000 organisations: one page vs four); the
    10,000-organisation measurement is `python -m benchmarks.export_memory`."""
    small = create_wave_with_answers(500, year=3500)
    large = create_wave_with_answers(2000, year=3600)

    small_peak, small_lines = peak_bytes(lambda: export_csv_lines(small, ExportOptions()))
    large_peak, large_lines = peak_bytes(lambda: export_csv_lines(large, ExportOptions()))

    assert (small_lines, large_lines) == (501, 2001)
    # Proportional growth would be 4x; a streaming export stays within noise of the small one.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def test_long_export_memory_does_not_grow_with_the_number_of_answers():
    # 3,000 vs 12,000 answers: both more than one chunk of the queryset iterator.
    small = create_wave_with_answers(500, year=3700)
    large = create_wave_with_answers(2000, year=3800)
    options = ExportOptions(layout="long")

    small_peak, _ = peak_bytes(lambda: export_csv_lines(small, options))
    large_peak, _ = peak_bytes(lambda: export_csv_lines(large, options))

    assert large_peak < small_peak * 1.5, (small_peak, large_peak)
