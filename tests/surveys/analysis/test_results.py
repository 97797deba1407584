"""Results pages: distributions by size class, county and kind, query counts, comparison."""

import re
from collections import Counter, defaultdict

import pytest
from django.urls import reverse

from municipalities.models import SizeClass, size_class_for
from surveys.analysis.results import question_results, response_counts
from surveys.models import AnswerSet, Question
from tests import builders
from tests.surveys.results_data import KOMMUNER, SCRIPT, analyst, build_wave

pytestmark = pytest.mark.django_db


def table_rows(html: str, block_id: str) -> list[list[str]]:
    """The body rows of the table in the figure with this id, as cell texts."""
    start = html.index(f'id="{block_id}"')
    figure = html[start : html.index("</figure>", start)]
    body = figure[figure.index("<tbody>") : figure.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


def norwegian_percent(count: int, n: int) -> str:
    return f"{count * 100 / n:.1f}".replace(".", ",") + f" % ({count})"


@pytest.fixture
def data():
    return build_wave()


@pytest.fixture
def results_client(client):
    client.force_login(analyst("view_results"))
    return client


def test_size_class_percentages_on_the_results_page_match_an_independent_count(
    data, results_client
):
    by_class: dict[int, Counter] = defaultdict(Counter)
    for population, answer in KOMMUNER:
        by_class[size_class_for(population)][answer] += 1

    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])
    )

    assert response.status_code == 200
    rows = table_rows(response.content.decode(), "block-geodata_uthenting-size-class")
    expected = []
    for value, label in SizeClass.choices:
        counts = by_class[value]
        n = sum(counts.values())
        expected.append(
            [" ".join(str(label).split()), str(n)]
            + [norwegian_percent(counts[c], n) for c in ("ja", "nei", "vet_ikke")]
        )
    assert rows == expected


def test_results_page_breaks_down_by_county_and_kind_with_n_per_group(data, results_client):
    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])
    )
    html = response.content.decode()

    counties = table_rows(html, "block-geodata_uthenting-county")
    kinds = table_rows(html, "block-geodata_uthenting-kind")
    # Hordaland: 7 kommuner (even indexes) + the fylkeskommune; the in-progress kommune is left out.
    assert [row[:2] for row in counties] == [["Østfold", "6"], ["Hordaland", "8"]]
    assert [row[:3] for row in kinds] == [
        ["Kommune", "13", norwegian_percent(8, 13)],
        ["Fylkeskommune", "1", norwegian_percent(1, 1)],
    ]


def test_only_submitted_answers_count(data):
    result = question_results(data.wave, [data.yes_no])[0]

    assert result.n == 14
    assert AnswerSet.objects.filter(wave=data.wave).count() == 15


def test_multiple_choice_shows_share_of_organisations_choosing_each_option(data):
    result = question_results(data.wave, [data.services])[0]

    shares = {share.code: (share.count, round(share.percent, 1)) for share in result.overall.shares}
    assert shares == {
        "barnehageplass": (7, 53.8),
        "byggesak": (3, 23.1),
        "annet": (3, 23.1),
        "ingen": (3, 23.1),
    }
    assert [text.text for text in result.texts] == ["-3 kommuner samarbeider"] * 3


def test_matrix_shows_a_stacked_bar_per_row(data, results_client):
    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.channels.key])
    )
    rows = table_rows(response.content.decode(), "block-digitale_kanaler_dialog-rows")

    assert rows[0][:3] == ["E-post", "13", norwegian_percent(13, 13)]
    # SMS: "noen_grad" for even indexes (7 of 13), "ikke" for odd (6 of 13).
    assert rows[1] == [
        "SMS",
        "13",
        norwegian_percent(0, 13),
        norwegian_percent(7, 13),
        norwegian_percent(6, 13),
    ]


def test_numbers_show_median_and_quartiles(data, results_client):
    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.staff_count.key])
    )
    html = response.content.decode()
    # 10, 20, ..., 130: median 70, quartiles 40 and 100 (inclusive method).
    assert re.search(
        r"<th scope=\"row\">Alle</th>\s*<td[^>]*>13</td>\s*<td[^>]*>70,0</td>"
        r"\s*<td[^>]*>40,0</td>\s*<td[^>]*>70,0</td>\s*<td[^>]*>100,0</td>",
        html,
    )


def test_free_text_answers_are_listed_with_the_organisation_and_escaped(data, results_client):
    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.comments.key])
    )
    html = response.content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Kommune 02 (0102)" in html


def test_chart_svg_has_title_desc_and_no_inline_style(data, results_client):
    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])
    )
    html = response.content.decode()

    assert html.count("<svg") == 4  # overall, size class, county, kind
    assert 'id="chart-geodata-uthenting-size-class-title"' in html
    assert '<desc id="chart-geodata-uthenting-size-class-desc">Under 2 000 (n=3)' in html
    assert "style=" not in html


def test_results_page_query_count_does_not_grow_with_organisations(
    data, results_client, django_assert_num_queries
):
    url = reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])
    results_client.get(url)  # the first page after login renews the session
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        results_client.get(url)
    for index, population in enumerate((900, 2500, 12000, 55000) * 5):
        answer_set = builders.make_answer_set(
            wave=data.wave,
            organisation=builders.make_organisation(
                edition=data.wave.edition, population=population, number=f"9{index:03d}"
            ),
            status=AnswerSet.Status.SUBMITTED,
        )
        builders.make_answer(answer_set=answer_set, question=data.yes_no, value="nei")

    # New submitted answers: the wave's results are counted again, once.
    with django_assert_num_queries(QUESTION_PAGE_QUERIES + COUNTING_QUERIES):
        response = results_client.get(url)
    assert response.context["result"].n == 34
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        results_client.get(url)


# user, permissions (user + group), wave, question, choices, rows, the data version (the
# results come from the cache), comparison (questions with the same key + their choices); the
# session comes from the cache and was renewed by the page before (a write at most once a
# minute).
QUESTION_PAGE_QUERIES = 10
# Counting a wave's results: questions, choices, rows, counties, the counts per cell and
# code, the number summaries, the first free texts of each question.
COUNTING_QUERIES = 7


@pytest.mark.parametrize("key", ["services", "channels", "stars", "share_digital", "comments"])
def test_every_question_kind_renders_in_a_constant_number_of_queries(
    key, data, results_client, django_assert_max_num_queries
):
    url = reverse("surveys:results_question", args=[data.wave.slug, getattr(data, key).key])
    # The question page, the session renewal after login (3), counting the wave's results,
    # and for free texts one page of them (count + page).
    with django_assert_max_num_queries(QUESTION_PAGE_QUERIES + 3 + COUNTING_QUERIES + 2):
        response = results_client.get(url)
    assert response.status_code == 200


def test_results_index_shows_response_counts_by_kind(
    data, results_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = results_client.get(reverse("surveys:results_index", args=[data.wave.slug]))

    counts = {count.kind: count for count in response_counts(data.wave)}
    assert (counts["kommune"].submitted, counts["kommune"].total) == (13, 15)
    assert (counts["fylkeskommune"].submitted, counts["fylkeskommune"].total) == (1, 1)
    assert "Hvilke elektroniske tjenester tilbys på nett?" in response.content.decode()


def test_comparison_across_waves_shows_earlier_waves_side_by_side(data, results_client):
    earlier = builders.make_wave(
        edition=builders.make_edition(year=2009), slug="ekommune-2009", year=2009
    )
    question = builders.make_question(
        section=builders.make_section(wave=earlier),
        key="norge_no_stjerner_2010",
        kind=Question.Kind.RATING,
        options={"min": 1, "max": 6},
    )
    for index, stars in enumerate((6, 6, 2)):
        answer_set = builders.make_answer_set(
            wave=earlier,
            organisation=builders.make_organisation(edition=earlier.edition, number=f"70{index}"),
            status=AnswerSet.Status.SUBMITTED,
        )
        builders.make_answer(answer_set=answer_set, question=question, value=stars)

    response = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.stars.key])
    )
    html = response.content.decode()
    section = html[html.index('id="comparison"') :]
    assert ">2009<" in section and ">2011<" in section
    assert 'id="chart-norge-no-stjerner-2010-waves"' in section
    # 2009: two of three gave 6 stars; 2011: 2 of 13.
    six = re.search(
        r"<th scope=\"row\">6</th>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>", section
    )
    assert six.groups() == ("66,7 %", "15,4 %")


def test_chart_download_runs_a_constant_number_of_queries(
    data, results_client, django_assert_num_queries
):
    url = reverse(
        "surveys:results_chart", args=[data.wave.slug, data.services.key, "county", "csv"]
    )
    # user, 2 x permissions, wave, question + choices + rows, the data version, session save
    # (3), counting the wave's results; the session itself is read from the cache.
    with django_assert_num_queries(11 + COUNTING_QUERIES):
        response = results_client.get(url)
    assert response.status_code == 200
    # The next download reuses the counted results.
    with django_assert_num_queries(8):
        results_client.get(url)


def test_wave_list_lists_waves(data, results_client, django_assert_num_queries):
    with django_assert_num_queries(7):
        response = results_client.get(reverse("surveys:results_waves"))
    assert data.wave.title in response.content.decode()


# --- benchmarks: the comparison counts distinct values in the database -----------


def test_comparison_counts_every_answer_when_many_give_the_same_ticks():
    from surveys.analysis.results import comparison_across_waves

    services = [("barnehage", "Barnehage"), ("byggesak", "Byggesak"), ("skole", "Skole")]
    questions = []
    for year, answers in (
        (2010, [["barnehage", "byggesak"]] * 3 + [["skole"]]),
        (2011, [["barnehage"]] * 2 + [["barnehage", "skole"]] * 2 + [[]]),
    ):
        wave = builders.make_wave(edition=builders.make_edition(year=year), year=year)
        question = builders.make_question(
            section=builders.make_section(wave=wave),
            key="tjenester",
            kind=Question.Kind.MULTIPLE_CHOICE,
            choices=services,
        )
        questions.append(question)
        for ticked in answers:
            answer_set = builders.make_answer_set(wave=wave, status=AnswerSet.Status.SUBMITTED)
            builders.make_answer(answer_set=answer_set, question=question, value=ticked)

    columns = comparison_across_waves(questions[1])

    counts = [
        (
            column.wave.year,
            column.distribution.n,
            {s.code: s.count for s in column.distribution.shares},
        )
        for column in columns
    ]
    assert counts == [
        (2010, 4, {"barnehage": 3, "byggesak": 3, "skole": 1}),
        (2011, 4, {"barnehage": 4, "byggesak": 0, "skole": 2}),
    ]


# --- benchmarks: the county breakdown in pages, the comparison over earlier years -------


def add_counties_with_answers(data, count: int, first: int = 20):
    """`count` more counties, each with one kommune that answered "nei"."""
    for index in range(first, first + count):
        county = builders.make_county(edition=data.wave.edition, number=f"{index:02d}")
        answer_set = builders.make_answer_set(
            wave=data.wave,
            organisation=builders.make_organisation(county=county, number=f"{index:02d}01"),
            status=AnswerSet.Status.SUBMITTED,
        )
        builders.make_answer(answer_set=answer_set, question=data.yes_no, value="nei")


def test_ks_sees_every_fylke_of_the_breakdown_on_one_page(data, results_client):
    html = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])
    ).content.decode()

    assert len(table_rows(html, "block-geodata_uthenting-county")) == 2
    assert "Sider i fylkestabellen" not in html


def test_a_long_county_breakdown_comes_in_pages_and_the_csv_has_every_county(
    data, results_client, settings
):
    settings.RESULTS_COUNTY_PAGE_SIZE = 3
    add_counties_with_answers(data, 5)  # 7 counties with answers: pages of 3, 3 and 1
    url = reverse("surveys:results_question", args=[data.wave.slug, data.yes_no.key])

    shown = []
    for number in (1, 2, 3):
        html = results_client.get(url, {"fylkeside": number}).content.decode()
        rows = table_rows(html, "block-geodata_uthenting-county")
        shown += [row[:2] for row in rows]
        assert f"Side {number} av 3" in html
        assert "7 fylker med svar, 3 per side." in html
        # The other breakdowns are whole on every page.
        assert len(table_rows(html, "block-geodata_uthenting-kind")) == 2
    assert shown == [["Østfold", "6"], ["Hordaland", "8"]] + [
        [f"Fylke {index}", "1"] for index in range(20, 25)
    ]
    assert "?fylkeside=2#block-geodata_uthenting-county" in html

    csv_url = reverse(
        "surveys:results_chart", args=[data.wave.slug, data.yes_no.key, "county", "csv"]
    )
    lines = results_client.get(csv_url).content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 7


def test_the_results_page_query_count_does_not_grow_with_the_number_of_counties(
    data, results_client, django_assert_num_queries, settings
):
    settings.RESULTS_COUNTY_PAGE_SIZE = 3
    url = reverse("surveys:results_question", args=[data.wave.slug, data.services.key])
    results_client.get(url)  # warm the session
    # The page with its "Annet" texts (count + page); the results come from the cache.
    with django_assert_num_queries(QUESTION_PAGE_QUERIES + 2):
        results_client.get(url)
    add_counties_with_answers(data, 30)
    results_client.get(url)  # new answers: the results are counted again

    with django_assert_num_queries(QUESTION_PAGE_QUERIES + 2):
        response = results_client.get(url, {"fylkeside": 4})
    assert response.status_code == 200


def test_the_comparison_shows_only_earlier_years_within_the_configured_span(
    data, results_client, settings
):
    settings.RESULTS_COMPARISON_YEARS = 5
    for year, slug in ((2011, "pilot-2011"), (2009, "ekommune-2009"), (2005, "ekommune-2005")):
        wave = builders.make_wave(edition=builders.make_edition(year=year), slug=slug, year=year)
        question = builders.make_question(
            section=builders.make_section(wave=wave),
            key="norge_no_stjerner_2010",
            kind=Question.Kind.RATING,
            options={"min": 1, "max": 6},
        )
        answer_set = builders.make_answer_set(wave=wave, status=AnswerSet.Status.SUBMITTED)
        builders.make_answer(answer_set=answer_set, question=question, value=4)

    html = results_client.get(
        reverse("surveys:results_question", args=[data.wave.slug, data.stars.key])
    ).content.decode()

    section = html[html.index('id="comparison"') :]
    head = section[: section.index("</thead>")]
    assert re.findall(r">(\d{4})<br>", head) == ["2009", "2011"]
    assert "Runder fra de siste 5 årene før denne med det samme spørsmålet." in section


def test_staff_see_numbers_in_the_same_norwegian_style_as_respondents():
    from django.template.loader import render_to_string

    row = {"label": "Alle", "n": 3, "mean": 1234.5, "q1": 2, "median": 1000, "q3": 3}
    html = render_to_string(
        "analysis/_numbers_table.html", {"numbers": [row | {"minimum": 0, "maximum": 9999}]}
    )
    assert "1\u00a0234,5" in html and "9\u00a0999,0" in html
    assert "1234,5" not in html
