"""The bundled 2011 questionnaire with synthetic answers, end to end through exports and pages."""

import csv
import io

import pandas as pd
import pytest
from django.urls import reverse

from surveys.analysis.codebook import codebook_rows
from surveys.analysis.exports import ExportOptions, export_csv_lines
from surveys.analysis.scoring import prize_ranking
from surveys.models import Answer, Question
from tests.surveys.results_data import FORMULA, analyst, build_2011_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave_2011():
    return build_2011_wave()


def test_wide_csv_of_the_2011_wave_parses_and_matches_the_database(wave_2011):
    wave, organisations = wave_2011
    text = "".join(export_csv_lines(wave, ExportOptions()))

    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    header = [row[0] for row in list(codebook_rows(wave))[1:]]
    assert list(frame.columns) == header
    assert len(frame) == len(organisations) == 63
    rows = {(row["type"], row["organisasjonsnummer"]): row for row in frame.to_dict("records")}
    single = {
        q.id: q.key for q in Question.objects.filter(wave=wave, kind=Question.Kind.SINGLE_CHOICE)
    }
    answers = Answer.objects.filter(question_id__in=single).select_related(
        "answer_set__organisation"
    )
    checked = 0
    for answer in answers:
        organisation = answer.answer_set.organisation
        assert (
            rows[(organisation.kind, organisation.number)][single[answer.question_id]]
            == answer.value
        )
        checked += 1
    assert checked > 1000
    for row in frame.to_dict("records"):
        assert not row["meldinger_andre_utfordringer"].startswith("=")
    assert "'" + FORMULA in set(frame["meldinger_andre_utfordringer"])
    # Fylkeskommuner are not asked the kommune-only section, and have no size class.
    fylke = rows[("fylkeskommune", "12")]
    assert (fylke["storrelsesklasse"], fylke["epj_bruk"]) == ("", "")


def test_every_2011_results_page_renders(wave_2011, client):
    wave, _ = wave_2011
    client.force_login(analyst("view_results"))

    for key in Question.objects.filter(wave=wave).values_list("key", flat=True):
        response = client.get(reverse("surveys:results_question", args=[wave.slug, key]))
        assert response.status_code == 200, key

    report = client.get(reverse("surveys:results_report", args=[wave.slug])).content.decode()
    assert "Lokaldemokrati og deltakelse" in report and "Kompetanseutvikling" in report
    assert "Norske kommuner og fylkeskommuner skal være blant de fremste" in report


def test_2011_prize_ranking_covers_every_size_class(wave_2011):
    wave, _ = wave_2011

    groups = prize_ranking(wave)

    assert len(groups) == 7
    for group in groups:
        assert group.scores[0].rank == 1
        assert all(
            0 < item.score <= item.maximum for item in group.scores if item.kind == "kommune"
        )


def test_long_csv_of_the_2011_wave_parses(wave_2011):
    wave, _ = wave_2011
    text = "".join(export_csv_lines(wave, ExportOptions(layout="long", delimiter=";", bom=True)))

    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))

    assert {row["status"] for row in rows} == {"submitted", "in_progress"}
    assert len({row["organisasjonsnummer"] + row["type"] for row in rows}) == 63
