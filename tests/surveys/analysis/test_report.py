"""The survey report (page, print, PDF) and chart downloads."""

import csv
import io
import os
import re
import zlib

import pytest
from django.urls import reverse

from surveys.analysis.report_pdf import report_pdf_build
from surveys.analysis.views import pdf_available
from surveys.models import AnswerSet
from tests import builders
from tests.surveys.results_data import SCRIPT, analyst, build_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build_wave()


@pytest.fixture
def results_client(client):
    client.force_login(analyst("view_results"))
    return client


def test_report_regenerates_the_source_structure_from_the_data(data, results_client):
    response = results_client.get(reverse("surveys:results_report", args=[data.wave.slug]))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index("Bakgrunn") < html.index("Lokaldemokrati") < html.index("Tjenester på nett")
    assert "Bakgrunn for kartleggingen" in html
    # Response counts by kind, as in "Svar fra 212 kommuner (49%) og 15 fylkeskommuner (83%)".
    assert "13 kommuner (87 %)" in html and "1 fylkeskommune (100 %)" in html
    # The yes/no question by size class, as in the source's chart.
    assert 'id="chart-geodata-uthenting-size-class"' in html
    assert 'id="chart-digitale-kanaler-dialog-rows"' in html
    assert SCRIPT not in html
    assert "css/report.css" in html and "js/report.js" in html
    assert "style=" not in html and "onclick" not in html


def test_report_query_count_does_not_grow_with_organisations(
    data, results_client, django_assert_num_queries
):
    url = reverse("surveys:results_report", args=[data.wave.slug])
    results_client.get(url)  # the first page after login renews the session (a write)
    # user, 2 x permissions, wave, the data version, response counts (the dashboard's
    # summary rate query): the results come from the cache; the session too.
    with django_assert_num_queries(6):
        results_client.get(url)
    for index, population in enumerate((900, 2500, 12000) * 4):
        answer_set = builders.make_answer_set(
            wave=data.wave,
            organisation=builders.make_organisation(
                edition=data.wave.edition, population=population, number=f"8{index:03d}"
            ),
            status=AnswerSet.Status.SUBMITTED,
        )
        builders.make_answer(answer_set=answer_set, question=data.services, value=["byggesak"])
        builders.make_answer(answer_set=answer_set, question=data.comments, value="Mer tid")

    # New answers: counted again, once (questions, choices, rows, counties, the counts per
    # cell, the number summaries, the first free texts of each question).
    with django_assert_num_queries(6 + 7):
        response = results_client.get(url)
    assert response.status_code == 200
    assert "Mer tid" in response.content.decode()
    with django_assert_num_queries(6):
        results_client.get(url)


def test_chart_downloads_as_svg_and_its_numbers_as_csv(data, results_client):
    svg = results_client.get(
        reverse(
            "surveys:results_chart", args=[data.wave.slug, data.yes_no.key, "size_class", "svg"]
        )
    )
    table = results_client.get(
        reverse(
            "surveys:results_chart", args=[data.wave.slug, data.yes_no.key, "size_class", "csv"]
        )
    )

    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg["Content-Disposition"].startswith('attachment; filename="ekommune-2012-')
    body = svg.content.decode()
    assert body.startswith('<?xml version="1.0"') and 'xmlns="http://www.w3.org/2000/svg"' in body
    assert "<title" in body and "<desc" in body
    rows = list(
        csv.reader(io.StringIO(table.content.decode().removeprefix("\ufeff")), delimiter=";")
    )
    assert rows[0][:4] == ["Gruppe", "n", "Ja (antall)", "Ja (%)"]
    assert rows[1][:4] == ["Under 2 000", "3", "1", "33,3"]


def test_unknown_chart_or_question_is_404(data, results_client):
    slug = data.wave.slug
    assert (
        results_client.get(
            reverse("surveys:results_chart", args=[slug, data.yes_no.key, "nope", "svg"])
        ).status_code
        == 404
    )
    assert (
        results_client.get(reverse("surveys:results_question", args=[slug, "nope"])).status_code
        == 404
    )


def test_report_downloads_as_pdf(data, results_client):
    if not pdf_available():
        message = "WeasyPrint cannot load pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        if os.environ.get("REQUIRE_PDF"):
            pytest.fail(message)  # CI installs pango and must run this test
        pytest.skip(message + "; PDF test skipped")
    url = reverse("surveys:results_report_pdf", args=[data.wave.slug])
    status_url = reverse("surveys:results_report_pdf_status", args=[data.wave.slug])
    waiting = results_client.get(url)
    assert waiting.status_code == 202
    assert 'id="report-pdf-progress"' in waiting.content.decode()
    assert results_client.get(status_url).json()["status"] == "queued"

    # The worker makes it (the task runs after the request's transaction commits).
    report_pdf_build(wave_id=data.wave.pk, language="nb")
    assert results_client.get(status_url).json() == {
        "status": "done",
        "status_label": "Ferdig",
        "percent": 100,
        "finished": True,
    }
    response = results_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "-rapport-" in disposition and disposition.endswith('.pdf"')
    # Background, then one page per section (print CSS: a section starts a new page).
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    assert pdf_page_count(content) >= 3

    # New answers: the PDF of the old data is not served; the worker makes a new one.
    answer_set = builders.make_answer_set(
        wave=data.wave,
        organisation=builders.make_organisation(edition=data.wave.edition, number="8999"),
        status=AnswerSet.Status.SUBMITTED,
    )
    builders.make_answer(answer_set=answer_set, question=data.yes_no, value="ja")
    assert results_client.get(url).status_code == 202


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF whose objects may sit in compressed object streams."""
    text = pdf
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            text += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return text.count(b"/Type /Page") - text.count(b"/Type /Pages")


def test_pdf_download_explains_itself_when_the_pdf_library_is_missing(
    data, results_client, monkeypatch
):
    monkeypatch.setattr("surveys.analysis.views.pdf_available", lambda: False)

    response = results_client.get(reverse("surveys:results_report_pdf", args=[data.wave.slug]))

    assert response.status_code == 503
    assert "Lagre som PDF" in response.content.decode()
