"""Conditions (show_if) and which questions an organisation sees (surveys/conditions.py)."""

import pytest

from municipalities.models import OrganisationKind
from surveys.conditions import (
    condition_is_met,
    resolve_visibility,
    section_is_visible,
    visible_questions,
)
from surveys.form_engine import Questionnaire
from surveys.models import Question
from tests.builders import make_question, make_section, make_wave

KOMMUNE = OrganisationKind.KOMMUNE
FYLKESKOMMUNE = OrganisationKind.FYLKESKOMMUNE


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (None, {}, True),
        ({"question": "plan", "equals": "nei"}, {"plan": "nei"}, True),
        ({"question": "plan", "equals": "nei"}, {"plan": "ja"}, False),
        ({"question": "plan", "equals": "nei"}, {}, False),
        ({"question": "plan", "equals": "nei"}, {"plan": None}, False),
        ({"question": "plan", "equals": "nei"}, {"plan": ["nei"]}, True),
        ({"question": "plan", "equals": "nei"}, {"plan": ["nei", "ja"]}, False),
        ({"question": "stjerner", "equals": 4}, {"stjerner": 4}, True),
        ({"question": "andel", "equals": 12.5}, {"andel": "12.5"}, True),
        ({"question": "plan", "in": ["nei", "vet_ikke"]}, {"plan": "vet_ikke"}, True),
        ({"question": "plan", "in": ["nei", "vet_ikke"]}, {"plan": "ja"}, False),
        ({"question": "plan", "in": ["nei"]}, {"plan": ["ja", "nei"]}, True),
        ({"question": "omrader", "includes": "ikt_drift"}, {"omrader": ["ikt_drift", "x"]}, True),
        ({"question": "omrader", "includes": "ikt_drift"}, {"omrader": ["x"]}, False),
        ({"question": "omrader", "includes": "ikt_drift"}, {"omrader": []}, False),
        ({"question": "omrader", "includes": ["a", "b"]}, {"omrader": ["b"]}, True),
        ({"question": "antall", "answered": True}, {"antall": 0}, True),
        ({"question": "antall", "answered": True}, {"antall": ""}, False),
        ({"question": "antall", "answered": True}, {}, False),
        ({"question": "matrise", "answered": True}, {"matrise": {}}, False),
        ({"question": "matrise", "answered": True}, {"matrise": {"rad": "ja"}}, True),
        ({"question": "antall", "answered": False}, {}, True),
        ({"question": "antall", "answered": False}, {"antall": 3}, False),
    ],
)
def test_condition_shapes(condition, answers, expected):
    assert condition_is_met(condition, answers) is expected


def test_a_malformed_condition_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        condition_is_met({"question": "plan", "equal": "nei"}, {"plan": "nei"})
    with pytest.raises(ValueError):
        condition_is_met({"equals": "nei"}, {})


@pytest.fixture
def chained_section(db):
    section = make_section(title="Strategisk IKT-ledelse")
    parent = make_question(section=section, key="plan", position=1)
    child = make_question(
        section=section,
        key="planer",
        position=2,
        condition={"question": "plan", "equals": "nei"},
    )
    grandchild = make_question(
        section=section,
        key="planer_naar",
        position=3,
        kind=Question.Kind.SHORT_TEXT,
        condition={"question": "planer", "equals": "ja"},
    )
    return section, [parent, child, grandchild]


def test_a_follow_up_question_shows_only_when_its_condition_holds(chained_section):
    section, questions = chained_section
    keys = lambda answers: [  # noqa: E731
        q.key for q in visible_questions(questions, organisation_kind=KOMMUNE, answers=answers)
    ]
    assert keys({}) == ["plan"]
    assert keys({"plan": "nei"}) == ["plan", "planer"]
    assert keys({"plan": "nei", "planer": "ja"}) == ["plan", "planer", "planer_naar"]


def test_a_question_whose_parent_is_hidden_is_hidden_too(chained_section):
    section, questions = chained_section
    # "planer" still has a stored "ja", but "plan" is now "ja": planer is hidden, so its answer
    # counts as absent and planer_naar is hidden as well.
    visible = visible_questions(
        questions, organisation_kind=KOMMUNE, answers={"plan": "ja", "planer": "ja"}
    )
    assert [q.key for q in visible] == ["plan"]


def test_questions_apply_only_to_their_organisation_kinds(db):
    section = make_section()
    everyone = make_question(section=section, key="alle", position=1)
    kommune_only = make_question(
        section=section, key="hjemmesykepleie", position=2, applies_to=[KOMMUNE]
    )
    assert [
        q.key
        for q in visible_questions(
            [everyone, kommune_only], organisation_kind=FYLKESKOMMUNE, answers={}
        )
    ] == ["alle"]
    assert (
        len(visible_questions([everyone, kommune_only], organisation_kind=KOMMUNE, answers={})) == 2
    )
    # The staff preview without a chosen kind shows everything.
    assert len(visible_questions([everyone, kommune_only], organisation_kind=None, answers={})) == 2


def test_a_section_can_apply_to_one_kind_and_depend_on_an_earlier_answer(db):
    wave = make_wave()
    first = make_section(wave=wave, key="helse", position=1, applies_to=[KOMMUNE])
    make_question(section=first, key="epj", position=1)
    follow = make_section(
        wave=wave, key="nhn", position=2, condition={"question": "epj", "equals": "ja"}
    )
    nhn_question = make_question(section=follow, key="nhn_tjenester", position=1)

    assert not section_is_visible(first, organisation_kind=FYLKESKOMMUNE, answers={})
    assert section_is_visible(follow, organisation_kind=KOMMUNE, answers={"epj": "ja"})
    assert (
        visible_questions(
            [nhn_question], section=follow, organisation_kind=KOMMUNE, answers={"epj": "nei"}
        )
        == []
    )

    questionnaire = Questionnaire.load(wave)
    resolved = resolve_visibility(
        questionnaire.sections,
        questionnaire.questions,
        organisation_kind=KOMMUNE,
        answers={"epj": "ja", "nhn_tjenester": "ja"},
    )
    assert resolved.section_is_visible("nhn")
    assert resolved.question_is_visible("nhn_tjenester")

    # A fylkeskommune never sees the health section, so its stale "ja" does not open the next.
    resolved = resolve_visibility(
        questionnaire.sections,
        questionnaire.questions,
        organisation_kind=FYLKESKOMMUNE,
        answers={"epj": "ja", "nhn_tjenester": "ja"},
    )
    assert not resolved.section_is_visible("helse")
    assert not resolved.section_is_visible("nhn")
    assert resolved.hidden_questions == {"epj", "nhn_tjenester"}
