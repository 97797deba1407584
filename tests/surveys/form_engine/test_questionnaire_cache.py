"""Each process caches loaded questionnaires; edits to a wave's questions must show at once."""

import pytest

from surveys.form_engine import Questionnaire
from surveys.form_engine.loading import definition_changed
from surveys.models import Choice, Question, Wave
from tests import builders

pytestmark = pytest.mark.django_db

GENERAL = "/svar/ekommune-test/3101/del/generelt/"
SERVICES = "/svar/ekommune-test/3101/del/tjenester/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_question_added_after_the_page_was_shown_appears(respondent_client, survey):
    assert "Antall PC-er" not in page(respondent_client, GENERAL)

    builders.make_question(
        section=survey.general, key="pcs", position=4, kind="integer", text="Antall PC-er"
    )

    assert "Antall PC-er" in page(respondent_client, GENERAL)


def test_edited_wording_and_choices_appear_and_deleted_questions_go(respondent_client, survey):
    assert "Har kommunen en plan?" in page(respondent_client, GENERAL)
    assert "Nettside" in page(respondent_client, SERVICES)

    survey.plan.text = "Har kommunen en vedtatt plan?"
    survey.plan.save()
    choice = Choice.objects.get(question=survey.channels, code="web")
    choice.label = "Nettsted"
    choice.save()
    survey.employees.delete()

    general = page(respondent_client, GENERAL)
    assert "Har kommunen en vedtatt plan?" in general
    assert "Antall IKT-ansatte" not in general
    assert "Nettsted" in page(respondent_client, SERVICES)


def test_a_bulk_update_shows_once_the_change_is_announced(respondent_client, survey):
    page(respondent_client, GENERAL)
    Question.objects.filter(pk=survey.plan.pk).update(text="Har kommunen en ny plan?")
    definition_changed(wave_id=survey.wave.pk)

    assert "Har kommunen en ny plan?" in page(respondent_client, GENERAL)


def test_the_cache_serves_a_wave_only_under_its_current_token(survey):
    wave = Wave.objects.get(pk=survey.wave.pk)
    first = Questionnaire.for_wave(wave)
    assert Questionnaire.for_wave(Wave.objects.get(pk=wave.pk)) is first

    survey.comment.text = "Andre kommentarer"
    survey.comment.save()
    fresh = Wave.objects.get(pk=wave.pk)
    assert fresh.definition_token != wave.definition_token
    assert Questionnaire.for_wave(fresh).question("comment").text == "Andre kommentarer"


def test_waves_do_not_share_cached_questionnaires(survey):
    other = builders.make_wave(slug="andre-runde", edition=survey.wave.edition)
    builders.make_question(
        section=builders.make_section(wave=other, key="generelt"), key="plan", text="Annen plan?"
    )

    assert Questionnaire.for_wave(survey.wave).question("plan").text == "Har kommunen en plan?"
    assert Questionnaire.for_wave(other).question("plan").text == "Annen plan?"


def test_answers_to_questions_newer_than_the_questionnaire_copy_keep_their_question(
    survey, django_assert_num_queries
):
    from surveys.form_engine import answers_by_key

    copy = Questionnaire.load(survey.wave)
    newer = builders.make_question(section=survey.general, key="pcs", position=4, kind="integer")
    answer_set = builders.make_answer_set(wave=survey.wave, organisation=survey.organisation)
    builders.make_answer(answer_set=answer_set, question=survey.plan, value="ja")
    builders.make_answer(answer_set=answer_set, question=newer, value=12)

    with django_assert_num_queries(2):  # the answers, and the one question the copy lacks
        answers = answers_by_key(answer_set, copy)

    assert answers["plan"].question is copy.question("plan")
    assert answers["pcs"].question.pk == newer.pk and answers["pcs"].value == 12
