"""Respondent progress: section states and overall progress, as the overview shows them."""

from surveys.answering import selectors, services
from surveys.answering.selectors import SectionState
from tests import builders


def progress_of(survey, answer_set, **kwargs):
    return selectors.response_progress(
        wave=survey.wave, organisation=survey.organisation, answer_set=answer_set, **kwargs
    )


def states(progress):
    return {entry.section.key: entry.state for entry in progress.visible_sections}


def test_nothing_answered_means_every_section_not_started(survey):
    progress = progress_of(survey, None)

    assert set(states(progress).values()) == {SectionState.NOT_STARTED}
    assert progress.percent == 0
    assert progress.question_count == 5  # plan_note is hidden until "plan" is "ja"


def test_section_states_follow_the_answers(survey):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    builders.make_saved_answer(question=survey.employees, answer_set=answer_set, value=3)
    builders.make_saved_answer(question=survey.channels, answer_set=answer_set, value=["web"])
    builders.make_saved_answer(
        question=survey.maturity, answer_set=answer_set, value={"skole": "ja"}
    )
    builders.make_saved_answer(question=survey.comment, answer_set=answer_set, value="Hei")

    progress = progress_of(survey, answer_set)

    assert states(progress) == {
        "generelt": SectionState.IN_PROGRESS,  # the required "plan" is missing
        "tjenester": SectionState.COMPLETE,
        "kommentarer": SectionState.COMPLETE,
    }
    assert progress.answered_count == 4
    assert progress.percent == 80
    assert [problem.anchor for _, problem in progress.problems] == ["id_plan_0"]


def test_missing_answers_are_problems_once_a_submit_was_tried(survey):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    builders.make_saved_answer(question=survey.employees, answer_set=answer_set, value=3)

    progress = progress_of(survey, answer_set, show_missing=True)

    assert states(progress)["generelt"] == SectionState.HAS_PROBLEMS


def test_a_stored_answer_that_no_longer_fits_the_question_is_a_problem(survey):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    builders.make_saved_answer(question=survey.employees, answer_set=answer_set, value=3)
    # The questionnaire was tightened after the answer was given.
    survey.employees.options = {"min": 10}
    survey.employees.save()

    progress = progress_of(survey, answer_set)

    assert states(progress)["generelt"] == SectionState.HAS_PROBLEMS


def test_a_conditional_question_counts_only_when_shown(survey):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    builders.make_saved_answer(question=survey.plan, answer_set=answer_set, value="ja")

    progress = progress_of(survey, answer_set)

    assert progress.question_count == 6
    assert progress.section("generelt").state == SectionState.COMPLETE
