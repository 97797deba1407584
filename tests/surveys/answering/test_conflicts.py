"""The conflict protocol's edges: reading the person's choice back, and what the page carries."""

import pytest
from django.http import QueryDict

from surveys.answering import services


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name] = value
    return data


def test_keeping_mine_saves_over_the_revision_seen_in_the_panel():
    edit = services.SectionEdit.from_post(
        posted(
            revisions='{"employees": 1}',
            conflict__employees="mine",
            conflict_revision__employees="3",
        ),
        answers={"employees": (5, "")},
        hidden=(),
    )

    assert edit.revisions == {"employees": 1}
    assert edit.loaded_revision("employees") == 3
    assert not edit.keep_theirs


def test_keeping_theirs_leaves_the_question_alone_and_a_bad_revision_is_ignored():
    edit = services.SectionEdit.from_post(
        posted(
            revisions="{}",
            conflict__plan="theirs",
            conflict__employees="mine",
            conflict_revision__employees="-4",
        ),
        answers={"plan": ("ja", ""), "employees": (5, "")},
        hidden=(),
    )

    assert edit.keep_theirs == {"plan"}
    assert edit.loaded_revision("employees") == 0


@pytest.mark.parametrize("raw", ["[" * 5000 + "]" * 5000, "[]", "ikke json", "{" * 30_000])
def test_revisions_that_are_not_a_flat_json_object_are_malformed(raw):
    with pytest.raises(services.ServiceError) as error:
        services.SectionEdit.from_post(posted(revisions=raw), answers={}, hidden=())
    assert error.value.code == "malformed"


def test_a_conflicting_question_keeps_the_loaded_revision_on_the_page(
    survey, respondent, colleague
):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    services.response_save_section(
        answer_set=answer_set,
        section=survey.general,
        edit=services.SectionEdit(answers={"employees": (9, "")}),
        contact=colleague,
    )

    result = services.response_save_section(
        answer_set=answer_set,
        section=survey.general,
        edit=services.SectionEdit(
            answers={"employees": (5, ""), "plan": ("ja", "")}, revisions={"employees": 0}
        ),
        contact=respondent,
    )

    assert [c.question.key for c in result.conflicts] == ["employees"]
    assert result.page_revisions == {"employees": 0, "plan": 1}
    shown = result.conflicts[0].shown()
    assert (shown["mine"], shown["theirs"], shown["changed_by"]) == ("5", "9", "Ola Kollega")
