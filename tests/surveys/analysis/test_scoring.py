"""eKommune prize: maturity score from choice weights, ranking within each size class."""

from decimal import Decimal

import pytest
from django.urls import reverse

from surveys.analysis.scoring import prize_ranking, prize_scores
from surveys.models import AnswerSet, Question
from tests import builders
from tests.surveys.results_data import KOMMUNER, analyst, build_wave

pytestmark = pytest.mark.django_db


def expected_score(index: int, yes_no: str) -> Decimal:
    """Independent of the code: the weights set up in results_data.build_wave."""
    score = Decimal(1 if yes_no == "ja" else 0)
    # Matrix (multiplier 2): e-post "stor_grad" (2) + sms "noen_grad" (1) or "ikke" (0).
    score += 2 * (2 + (1 if index % 2 == 0 else 0))
    # Multiple choice: barnehageplass, byggesak and annet weigh 1 each; "ingen" 0.
    score += [1, 2, 1, 0][index % 4]
    return score


def test_score_sums_chosen_weights_with_matrix_rows_and_question_multiplier():
    data = build_wave()

    scores = {item.number: item.score for item in prize_scores(data.wave)}

    for index, (organisation, (_population, answer)) in enumerate(
        zip(data.organisations, KOMMUNER, strict=False)
    ):
        assert scores[organisation.number] == expected_score(index, answer), organisation.name
    # The fylkeskommune answered only the yes/no question ("ja").
    assert scores["12"] == Decimal(1)


def test_maximum_is_the_best_possible_answer_set():
    data = build_wave()

    maximum = prize_scores(data.wave)[0].maximum

    # yes/no 1 + matrix 2 rows x 2 x multiplier 2 + multiple choice 1+1+1 (not "ingen").
    assert maximum == Decimal(12)


def test_in_progress_answer_sets_are_not_ranked():
    data = build_wave()

    numbers = {item.number for item in prize_scores(data.wave)}

    assert data.in_progress.number not in numbers
    assert len(numbers) == 14


def test_ranking_is_within_each_size_class_and_ties_share_a_rank():
    data = build_wave()

    groups = {group.label: group for group in prize_ranking(data.wave)}

    assert list(groups) == [
        "Under 2 000",
        "2 000–4 999",
        "5 000–9 999",
        "10 000–19 999",
        "20 000–49 999",
        "50 000 eller flere",
        "Fylkeskommuner",
    ]
    small = groups["Under 2 000"].scores
    assert [(item.name, item.score, item.rank) for item in small] == [
        ("=Formelkommune", Decimal(8), 1),
        ("Kommune 03", Decimal(7), 2),
        ("Kommune 02", Decimal(6), 3),
    ]
    # Give two kommuner in the same class the same score: they share the rank.
    tie = builders.make_answer_set(
        wave=data.wave,
        organisation=builders.make_organisation(
            edition=data.wave.edition, population=1000, number="7001"
        ),
        status=AnswerSet.Status.SUBMITTED,
    )
    builders.make_answer(answer_set=tie, question=data.yes_no, value="ja")
    builders.make_answer(
        answer_set=tie, question=data.channels, value={"e_post": "stor_grad", "sms": "ikke"}
    )
    builders.make_answer(answer_set=tie, question=data.services, value=["byggesak"])
    small = next(g for g in prize_ranking(data.wave) if g.label == "Under 2 000").scores
    assert [(item.score, item.rank) for item in small] == [
        (Decimal(8), 1),
        (Decimal(7), 2),
        (Decimal(6), 3),
        (Decimal(6), 3),
    ]


def test_questions_without_weights_do_not_count():
    wave = builders.make_wave()
    question = builders.make_question(section=builders.make_section(wave=wave))
    answer_set = builders.make_answer_set(wave=wave, status=AnswerSet.Status.SUBMITTED)
    builders.make_answer(answer_set=answer_set, question=question, value="ja")

    assert [(item.score, item.maximum) for item in prize_scores(wave)] == [(0, 0)]
    assert question.kind == Question.Kind.SINGLE_CHOICE


def test_prize_page_lists_candidates_per_size_class(client, django_assert_num_queries):
    data = build_wave()
    client.force_login(analyst("view_results"))

    url = reverse("surveys:results_prize", args=[data.wave.slug])
    # user, 2 x permissions, wave, the data version, weighted questions + choices + rows,
    # answer sets, answers, session save (3), the session itself from the cache: the same for
    # any number of organisations.
    with django_assert_num_queries(13):
        response = client.get(url)
    # Scored once per data version: the next page takes the scores from the cache.
    with django_assert_num_queries(5):
        client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Under 2 000") < html.index("=Formelkommune") < html.index("2 000–4 999")
    assert "8 / 12" in html
