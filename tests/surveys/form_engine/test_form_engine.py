"""The form engine: a section as a form, every question kind, draft and submit modes."""

import json

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from municipalities.models import OrganisationKind
from surveys.form_engine import (
    DRAFT,
    SUBMIT,
    AnswerValue,
    Questionnaire,
    answers_by_key,
    build_section_form,
    check_section_answers,
    format_answer,
)
from surveys.models import Answer, AnswerSet, Choice, Question
from tests.builders import make_organisation, make_question, make_section, make_wave
from tests.surveys.htmltools import attr, by_id, find, find_all, has_attr, parse, text, walk

KOMMUNE = OrganisationKind.KOMMUNE
FYLKESKOMMUNE = OrganisationKind.FYLKESKOMMUNE
NBSP = "\u00a0"
K = Question.Kind


def render(form):
    return render_to_string("form_engine/section_form.html", {"form": form})


def form_for(section, answers=None, data=None, mode=DRAFT, kind=KOMMUNE):
    return build_section_form(
        section=section, organisation_kind=kind, answers=answers or {}, data=data, mode=mode
    )


def choice_question(section, key, kind=K.MULTIPLE_CHOICE, **kwargs):
    """A multiple choice with an "other" option and an exclusive "none of these"."""
    question = make_question(
        section=section,
        key=key,
        kind=kind,
        choices=[
            ("epost", "E-post"),
            ("sms", "SMS"),
            ("annet", "Annet, spesifiser"),
            ("ingen", "Ingen av disse"),
        ],
        **kwargs,
    )
    Choice.objects.filter(question=question, code="annet").update(is_other=True)
    Choice.objects.filter(question=question, code="ingen").update(exclusive=True)
    return question


@pytest.fixture
def section(db):
    return make_section(title="Alle typer")


# --- every kind renders the right control -------------------------------------------------------


def test_single_choice_is_a_radio_group_in_a_fieldset_with_the_question_as_legend(section):
    make_question(
        section=section, key="ekommuneplan", text="Har kommunen utarbeidet en eKommuneplan?"
    )
    page = parse(render(form_for(section)))
    fieldset = find(find(page, id="q-ekommuneplan"), "fieldset")
    assert text(find(fieldset, "legend")) == "Har kommunen utarbeidet en eKommuneplan?"
    radios = find_all(fieldset, "input", type="radio", name="ekommuneplan")
    assert [attr(r, "value") for r in radios] == ["ja", "nei", "vet_ikke"]
    labels = [text(find(fieldset, "label", **{"for": attr(r, "id")})) for r in radios]
    assert labels == ["Ja", "Nei", "Usikker/Vet ikke"]


def test_multiple_choice_is_a_checkbox_group_in_a_fieldset(section):
    choice_question(section, "kanaler", text="Hvilke kanaler?")
    page = parse(render(form_for(section)))
    fieldset = find(find(page, id="q-kanaler"), "fieldset")
    assert text(find(fieldset, "legend")) == "Hvilke kanaler?"
    boxes = find_all(fieldset, "input", type="checkbox", name="kanaler")
    assert len(boxes) == 4
    assert has_attr(find(fieldset, "input", value="ingen"), "data-exclusive")
    other = find(fieldset, "input", name="kanaler__other")
    assert text(find(fieldset, "label", **{"for": attr(other, "id")})).startswith("Spesifiser")


def test_matrix_is_one_group_per_statement_with_a_legend_and_labelled_radios(section):
    make_question(
        section=section,
        key="kanaler_dialog",
        kind=K.MATRIX,
        text="I hvilken grad brukes digitale kanaler?",
        rows=[("e_post", "E-post"), ("sms", "SMS")],
        choices=[("stor_grad", "I stor grad"), ("liten_grad", "I liten grad")],
    )
    page = parse(render(form_for(section)))
    wrapper = find(page, id="q-kanaler_dialog")
    question = find(wrapper, "fieldset", class_="matrix-question")
    assert "I hvilken grad" in text(find_all(question, "legend")[0])
    rows = find_all(question, "fieldset", class_="matrix-row")
    assert [text(find(row, "legend")) for row in rows] == ["E-post", "SMS"]
    radios = find_all(rows[1], "input", type="radio", name="kanaler_dialog__sms")
    names = [text(find(rows[1], "label", **{"for": attr(r, "id")})) for r in radios]
    assert names == ["SMS: I stor grad", "SMS: I liten grad"]
    # The visual column headings are hidden from screen readers: every label says it.
    head = find(question, class_="matrix-head")
    assert attr(head, "aria-hidden") == "true"
    assert [text(s) for s in find_all(head, class_="matrix-scale")] == [
        "I stor grad",
        "I liten grad",
    ]


def test_rating_is_a_radio_group_labelled_in_stars(section):
    make_question(section=section, key="stjerner", kind=K.RATING, options={"min": 1, "max": 6})
    page = parse(render(form_for(section)))
    fieldset = find(find(page, id="q-stjerner"), "fieldset")
    radios = find_all(fieldset, "input", type="radio", name="stjerner")
    assert [attr(r, "value") for r in radios] == ["1", "2", "3", "4", "5", "6"]
    third = find(fieldset, "label", **{"for": attr(radios[2], "id")})
    assert "3 av 6 stjerner" in text(third)
    assert attr(find(third, "svg"), "aria-hidden") == "true"


@pytest.mark.parametrize(
    ("kind", "inputmode"),
    [(K.INTEGER, "numeric"), (K.DECIMAL, "decimal"), (K.PERCENTAGE, "decimal")],
)
def test_number_questions_are_text_inputs_with_a_numeric_keyboard(section, kind, inputmode):
    make_question(section=section, key="tall", kind=kind, text="Hvor mange?")
    page = parse(render(form_for(section)))
    field = find(page, "input", name="tall")
    assert attr(field, "type") == "text"
    assert attr(field, "inputmode") == inputmode
    assert text(find(page, "label", **{"for": attr(field, "id")})) == "Hvor mange?"


def test_text_questions_are_an_input_and_a_textarea_with_their_length_limits(section):
    make_question(section=section, key="kort", kind=K.SHORT_TEXT, options={"max_length": 80})
    make_question(section=section, key="lang", kind=K.LONG_TEXT)
    page = parse(render(form_for(section)))
    assert attr(find(page, "input", name="kort"), "maxlength") == "80"
    assert attr(find(page, "textarea", name="lang"), "maxlength") == "5000"


def test_help_text_is_tied_to_the_question_and_required_is_marked_for_everyone(section):
    make_question(
        section=section,
        key="plan",
        text="Har dere en plan?",
        help_text="En plan for IKT.",
        required=True,
    )
    make_question(section=section, key="ansatte", kind=K.INTEGER, help_text="Årsverk.")
    page = parse(render(form_for(section)))
    fieldset = find(find(page, id="q-plan"), "fieldset")
    help_id = attr(fieldset, "aria-describedby")
    assert text(by_id(page, help_id)) == "En plan for IKT."
    legend = find(fieldset, "legend")
    assert find(legend, "span", class_="required-marker") is not None
    assert "(obligatorisk)" in text(legend)
    number = find(page, "input", name="ansatte")
    described = attr(number, "aria-describedby").split()
    assert any(text(by_id(page, ref)) == "Årsverk." for ref in described)


def test_every_id_is_unique_and_every_reference_points_at_an_element(section):
    make_question(section=section, key="plan", required=True, help_text="Hjelp")
    make_question(section=section, key="planer", condition={"question": "plan", "equals": "nei"})
    choice_question(section, "kanaler")
    make_question(section=section, key="matrise", kind=K.MATRIX, rows=[("a", "A"), ("b", "B")])
    make_question(section=section, key="stjerner", kind=K.RATING)
    make_question(section=section, key="andel", kind=K.PERCENTAGE, help_text="Prosent")
    make_question(section=section, key="fritekst", kind=K.LONG_TEXT)
    data = {"plan": "x", "kanaler": ["annet"], "matrise__a": "zz", "andel": "120", "stjerner": "9"}
    for form in (form_for(section), form_for(section, data=data, mode=SUBMIT)):
        page = parse(render(form))
        ids = [attr(element, "id") for element in walk(page) if has_attr(element, "id")]
        assert len(ids) == len(set(ids)), "duplicate ids"
        for element in walk(page):
            for name in ("aria-describedby", "aria-labelledby", "aria-controls", "for"):
                for ref in (attr(element, name) or "").split():
                    assert ref in ids, f"{name}={ref} points nowhere"
        for field in find_all(page, "input") + find_all(page, "textarea"):
            if attr(field, "type") == "hidden":
                continue
            assert find_all(page, "label", **{"for": attr(field, "id")}), attr(field, "name")


# --- round trips: POST -> stored value -> rendered back -----------------------------------------


ROUND_TRIPS = [
    (dict(kind=K.SINGLE_CHOICE), {"q": "nei"}, "nei"),
    (dict(kind=K.RATING, options={"max": 6}), {"q": "4"}, 4),
    (dict(kind=K.INTEGER), {"q": "12 345"}, 12345),
    (dict(kind=K.DECIMAL), {"q": "1 234,5"}, "1234.5"),
    (dict(kind=K.PERCENTAGE, options={"decimals": 1}), {"q": "45,5 %"}, "45.5"),
    (dict(kind=K.SHORT_TEXT), {"q": "  Bergen  "}, "Bergen"),
    (dict(kind=K.LONG_TEXT), {"q": "To\nlinjer"}, "To\nlinjer"),
]


@pytest.mark.parametrize(("question_kwargs", "data", "stored"), ROUND_TRIPS)
def test_an_answer_round_trips_from_post_to_stored_value_and_back(
    section, question_kwargs, data, stored
):
    question = make_question(section=section, key="q", **question_kwargs)
    form = form_for(section, data=data)
    assert form.is_valid(), form.errors
    assert form.valid_answers["q"] == AnswerValue(stored, "")

    page = parse(render(form_for(section, answers={"q": stored})))
    wrapper = find(page, id="q-q")
    if question.kind in {K.SINGLE_CHOICE, K.RATING}:
        checked = [r for r in find_all(wrapper, "input", name="q") if has_attr(r, "checked")]
        assert [attr(r, "value") for r in checked] == [str(stored)]
    elif question.kind == K.LONG_TEXT:
        assert text(find(wrapper, "textarea")) == "To linjer"
    else:
        shown = attr(find(wrapper, "input", name="q"), "value")
        expected = {
            K.INTEGER: f"12{NBSP}345",
            K.DECIMAL: f"1{NBSP}234,5",
            K.PERCENTAGE: "45,5",
            K.SHORT_TEXT: "Bergen",
        }[question.kind]
        assert shown == expected


def test_multiple_choice_round_trips_with_its_other_text(section):
    choice_question(section, "kanaler")
    form = form_for(section, data={"kanaler": ["annet", "epost"], "kanaler__other": " Chat "})
    assert form.is_valid(), form.errors
    # Codes are stored in questionnaire order, whatever order the browser sent them in.
    assert form.valid_answers["kanaler"] == AnswerValue(["epost", "annet"], "Chat")

    page = parse(
        render(form_for(section, answers={"kanaler": AnswerValue(["epost", "annet"], "Chat")}))
    )
    checked = [
        attr(b, "value") for b in find_all(page, "input", name="kanaler") if has_attr(b, "checked")
    ]
    assert checked == ["epost", "annet"]
    assert attr(find(page, "input", name="kanaler__other"), "value") == "Chat"


def test_matrix_round_trips_as_a_row_to_code_mapping(section):
    make_question(
        section=section, key="m", kind=K.MATRIX, rows=[("a", "A"), ("b", "B"), ("c", "C")]
    )
    form = form_for(section, data={"m__a": "ja", "m__c": "vet_ikke"})
    assert form.is_valid(), form.errors
    assert form.valid_answers["m"].value == {"a": "ja", "c": "vet_ikke"}

    page = parse(render(form_for(section, answers={"m": {"a": "ja", "c": "vet_ikke"}})))
    checked = {
        attr(r, "name"): attr(r, "value")
        for r in find_all(page, "input", type="radio")
        if has_attr(r, "checked")
    }
    assert checked == {"m__a": "ja", "m__c": "vet_ikke"}


def test_stored_answer_rows_from_the_database_are_shown(section):
    question = make_question(section=section, key="plan")
    organisation = make_organisation()
    answer_set = AnswerSet.objects.create(wave=section.wave, organisation=organisation)
    Answer.objects.create(
        answer_set=answer_set, question=question, value="ja", changed_at=timezone.now()
    )
    answers = answers_by_key(answer_set)
    assert set(answers) == {"plan"}
    page = parse(render(form_for(section, answers=answers)))
    assert has_attr(find(page, "input", name="plan", value="ja"), "checked")


def test_clearing_an_answer_gives_no_value_so_the_caller_can_delete_it(section):
    make_question(section=section, key="tekst", kind=K.SHORT_TEXT)
    form = form_for(section, answers={"tekst": "gammelt"}, data={"tekst": ""})
    assert form.is_valid()
    assert form.valid_answers["tekst"] == AnswerValue(None, "")


def test_free_text_is_escaped_when_shown_again(section):
    make_question(section=section, key="kort", kind=K.SHORT_TEXT)
    make_question(section=section, key="lang", kind=K.LONG_TEXT)
    choice_question(section, "kanaler")
    evil = "<script>alert(1)</script>"
    html = render(
        form_for(
            section,
            answers={"kort": evil, "lang": evil, "kanaler": AnswerValue(["annet"], evil)},
        )
    )
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


def test_questionnaire_texts_are_escaped_once_in_every_kind(section):
    # Wording, help, labels and units come from definition files and the admin: free text too.
    evil = "<img src=x onerror=\"alert(1)\"> & 'sitat'"
    make_question(section=section, key="plan", text=f"Plan {evil}", help_text=f"Linje 1\n{evil}")
    make_question(section=section, key="hvorfor", condition={"question": "plan", "equals": "ja"})
    make_question(
        section=section, key="valg", kind=K.MULTIPLE_CHOICE, choices=[("a", f"Valg {evil}")]
    )
    make_question(
        section=section,
        key="matrise",
        kind=K.MATRIX,
        rows=[("a", f"Rad {evil}")],
        choices=[("ja", f"Ja {evil}")],
    )
    make_question(
        section=section, key="stjerner", kind=K.RATING, options={"labels": {"min_label": evil}}
    )
    make_question(section=section, key="antall", kind=K.INTEGER, options={"unit": evil})
    html = render(form_for(section))
    assert "<img" not in html
    page = parse(html)
    assert text(by_id(page, "q-plan-label")) == f"Plan {evil}"
    help_text = by_id(page, "q-plan-help")
    assert text(help_text) == f"Linje 1 {evil}"
    assert [child.name for child in help_text.children if hasattr(child, "name")] == ["br"]
    assert text(by_id(page, "q-hvorfor-hint")) == f"Svar bare hvis du svarte «Ja» på «Plan {evil}»."
    assert text(find(page, "label", **{"for": "id_valg_0"})) == f"Valg {evil}"
    assert text(by_id(page, "q-matrise-row-a")) == f"Rad {evil}"
    assert text(by_id(page, "q-matrise-col-ja")) == f"Ja {evil}"
    assert text(find(page, "label", **{"for": "id_matrise__a_0"})) == f"Rad {evil}: Ja {evil}"
    assert text(find(page, "span", class_="rating-end")) == evil
    assert text(find(page, "span", class_="input-group-text")) == evil


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (K.SINGLE_CHOICE, {"q": "tull"}, "Velg et av alternativene."),
        (K.MULTIPLE_CHOICE, {"q": ["tull"]}, "Velg blant alternativene."),
        (K.RATING, {"q": "9"}, "Velg et av alternativene."),
        (K.SHORT_TEXT, {"q": "x" * 501}, "Sørg for at denne verdien har 500 eller færre tegn"),
        (K.LONG_TEXT, {}, "Fyll ut svaret før du sender inn."),
    ],
)
def test_a_question_with_an_error_marks_its_controls_and_points_at_the_message(
    section, kind, data, message
):
    choices = [("ja", "Ja"), ("nei", "Nei")] if kind != K.SHORT_TEXT else None
    make_question(section=section, key="q", kind=kind, choices=choices, required=True)
    form = form_for(section, data=data, mode=SUBMIT)
    assert not form.is_valid()
    page = parse(render(form))
    wrapper = by_id(page, "q-q")
    assert "question-invalid" in attr(wrapper, "class").split()
    controls = find_all(wrapper, "input") + find_all(wrapper, "textarea")
    assert controls and all(attr(control, "aria-invalid") == "true" for control in controls)
    described = find_all(wrapper, "fieldset") or controls
    error_ids = [ref for ref in attr(described[0], "aria-describedby").split() if "error" in ref]
    assert error_ids == ["q-q-error"]
    assert text(by_id(page, "q-q-error")).startswith(f"Feil: {message}")


# --- numbers, bounds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "typed", "message"),
    [
        (K.INTEGER, {"min": 0, "max": 100}, "101", "Skriv et tall fra 0 til 100."),
        (K.INTEGER, {"min": 10}, "9", "Skriv et tall som er 10 eller mer."),
        # A unit that is a scale reads as a sentence of its own, not "0 1000 kr or more".
        (
            K.INTEGER,
            {"min": 0, "unit": "1000 kr"},
            "-5",
            f"Skriv et tall som er 0 eller mer. Oppgi svaret i 1{NBSP}000 kr.",
        ),
        (K.INTEGER, {"min": 0, "unit": "personer"}, "-5", f"Skriv et tall som er 0{NBSP}personer"),
        (K.DECIMAL, {"max": 1500}, "1 500,5", f"Skriv et tall som er 1{NBSP}500 eller mindre."),
        (K.PERCENTAGE, {}, "120 %", f"Skriv et tall fra 0 til 100{NBSP}%."),
        (K.PERCENTAGE, {}, "45,5", "Skriv et helt tall, uten desimaler."),
        (K.DECIMAL, {"decimals": 1}, "2,25", "Skriv høyst én desimal."),
        (K.INTEGER, {}, "12,5", "Skriv et helt tall, uten desimaler"),
        (K.DECIMAL, {}, "1.234,5", "blander komma og punktum"),
    ],
)
def test_numbers_outside_their_bounds_or_format_get_a_norwegian_message(
    section, kind, options, typed, message
):
    make_question(section=section, key="tall", kind=kind, options=options)
    form = form_for(section, data={"tall": typed})
    assert not form.is_valid()
    assert message in form.errors["tall"][0]
    # What was typed stays in the field, next to the message.
    page = parse(render(form))
    field = find(page, "input", name="tall")
    assert attr(field, "value") == typed
    assert attr(field, "aria-invalid") == "true"
    error_ids = [ref for ref in attr(field, "aria-describedby").split() if ref.endswith("-error")]
    assert " ".join(message.split()) in text(by_id(page, error_ids[0]))


def test_bounds_and_units_are_announced_before_the_answer(section):
    make_question(section=section, key="andel", kind=K.PERCENTAGE)
    page = parse(render(form_for(section)))
    described = attr(find(page, "input", name="andel"), "aria-describedby").split()
    assert any("fra 0 til 100" in text(by_id(page, ref)) for ref in described)


# --- exclusive options and "other" --------------------------------------------------------------


def test_an_exclusive_option_with_other_options_is_refused(section):
    choice_question(section, "kanaler")
    form = form_for(section, data={"kanaler": ["epost", "ingen"]})
    assert not form.is_valid()
    assert "«Ingen av disse» kan ikke kombineres med andre svar" in form.errors["kanaler"][0]
    assert "kanaler" in form.invalid_keys
    assert "kanaler" not in form.valid_answers


def test_an_exclusive_option_alone_is_fine(section):
    choice_question(section, "kanaler")
    form = form_for(section, data={"kanaler": ["ingen"]})
    assert form.is_valid()
    assert form.valid_answers["kanaler"].value == ["ingen"]


def test_the_other_option_requires_its_text_even_in_a_draft(section):
    choice_question(section, "kanaler")
    form = form_for(section, data={"kanaler": ["annet"], "kanaler__other": "  "})
    assert not form.is_valid()
    assert form.errors["kanaler__other"] == ["Skriv hva «Annet, spesifiser» gjelder."]
    page = parse(render(form))
    other = find(page, "input", name="kanaler__other")
    assert attr(other, "aria-invalid") == "true"
    assert "gjelder" in text(by_id(page, attr(other, "aria-describedby")))


def test_other_text_without_the_other_option_is_not_kept(section):
    choice_question(section, "kanaler", kind=K.MULTIPLE_CHOICE)
    form = form_for(section, data={"kanaler": ["sms"], "kanaler__other": "gammel tekst"})
    assert form.is_valid()
    assert form.valid_answers["kanaler"] == AnswerValue(["sms"], "")


def test_a_single_choice_can_have_an_other_option(section):
    choice_question(section, "kanal", kind=K.SINGLE_CHOICE)
    form = form_for(section, data={"kanal": "annet", "kanal__other": "Brevdue"})
    assert form.is_valid()
    assert form.valid_answers["kanal"] == AnswerValue("annet", "Brevdue")


def test_an_unknown_choice_code_is_refused(section):
    make_question(section=section, key="plan")
    choice_question(section, "kanaler")
    form = form_for(section, data={"plan": "kanskje", "kanaler": ["epost", "hacket"]})
    assert not form.is_valid()
    assert set(form.invalid_keys) == {"plan", "kanaler"}


# --- draft and submit modes -------------------------------------------------------------------


def test_a_draft_saves_what_is_valid_and_keeps_the_rest_with_a_message(section):
    make_question(section=section, key="plan", required=True)
    make_question(section=section, key="ansatte", kind=K.INTEGER, required=True)
    make_question(section=section, key="andel", kind=K.PERCENTAGE)
    make_question(section=section, key="kommentar", kind=K.SHORT_TEXT, required=True)
    form = form_for(section, data={"plan": "ja", "ansatte": "tolv", "andel": "45"}, mode=DRAFT)
    assert not form.is_valid()
    assert form.valid_answers == {
        "plan": AnswerValue("ja"),
        "andel": AnswerValue("45"),
        "kommentar": AnswerValue(None),
    }
    assert form.invalid_keys == {"ansatte"}
    assert list(form.errors) == ["ansatte"]  # missing required answers are fine in a draft
    assert attr(find(parse(render(form)), "input", name="ansatte"), "value") == "tolv"


def test_submit_requires_every_visible_required_question(section):
    make_question(section=section, key="plan", required=True)
    make_question(section=section, key="ansatte", kind=K.INTEGER, required=True)
    make_question(section=section, key="valgfri", kind=K.SHORT_TEXT)
    make_question(
        section=section,
        key="matrise",
        kind=K.MATRIX,
        required=True,
        rows=[("a", "Rad A"), ("b", "Rad B")],
    )
    form = form_for(section, data={"plan": "ja", "matrise__a": "ja"}, mode=SUBMIT)
    assert not form.is_valid()
    assert set(form.errors) == {"ansatte", "matrise__b"}
    assert form.errors["matrise__b"] == ["Velg et svar for «Rad B»."]
    summary = parse(render_to_string("form_engine/error_summary.html", {"form": form}))
    links = find_all(summary, "a")
    assert [attr(a, "href") for a in links] == ["#id_ansatte", "#id_matrise__b_0"]
    page = parse(render(form))
    row_b = find_all(page, "input", name="matrise__b")
    assert all(attr(r, "aria-invalid") == "true" for r in row_b)
    assert "Rad B" in text(by_id(page, attr(row_b[0], "aria-describedby")))

    complete = form_for(
        section,
        data={"plan": "ja", "ansatte": "3", "matrise__a": "ja", "matrise__b": "nei"},
        mode=SUBMIT,
    )
    assert complete.is_valid(), complete.errors


def test_check_section_answers_tells_whether_stored_answers_are_complete(section):
    make_question(section=section, key="plan", required=True)
    make_question(section=section, key="andel", kind=K.DECIMAL, required=True)
    incomplete = check_section_answers(
        section=section, organisation_kind=KOMMUNE, answers={"plan": "ja"}
    )
    assert not incomplete.is_valid()
    assert [link.anchor for link in incomplete.error_summary] == ["id_andel"]
    complete = check_section_answers(
        section=section, organisation_kind=KOMMUNE, answers={"plan": "ja", "andel": "1234.5"}
    )
    assert complete.is_valid(), complete.errors
    assert complete.valid_answers["andel"].value == "1234.5"


# --- conditions ---------------------------------------------------------------------------------


@pytest.fixture
def strategy_section(db):
    section = make_section(title="Strategisk IKT-ledelse")
    make_question(section=section, key="ekommuneplan", position=1, required=True)
    make_question(
        section=section,
        key="ekommuneplan_planer",
        position=2,
        required=True,
        condition={"question": "ekommuneplan", "equals": "nei"},
    )
    make_question(
        section=section,
        key="planer_naar",
        position=3,
        kind=K.INTEGER,
        condition={"question": "ekommuneplan_planer", "equals": "ja"},
    )
    return section


def test_a_question_depending_on_the_same_page_is_rendered_with_its_condition_and_a_hint(
    strategy_section,
):
    page = parse(render(form_for(strategy_section, answers={"ekommuneplan": "ja"})))
    wrapper = find(page, id="q-ekommuneplan_planer")
    assert json.loads(attr(wrapper, "data-condition")) == {
        "question": "ekommuneplan",
        "equals": "nei",
    }
    assert "Svar bare hvis du svarte «Nei»" in text(wrapper)


def test_a_hidden_question_is_not_validated_and_is_reported_as_hidden(strategy_section):
    form = form_for(
        strategy_section,
        answers={"ekommuneplan_planer": "ja", "planer_naar": 2012},
        data={"ekommuneplan": "ja", "ekommuneplan_planer": "ugyldig", "planer_naar": "x"},
        mode=SUBMIT,
    )
    assert form.is_valid(), form.errors
    assert form.hidden_keys == {"ekommuneplan_planer", "planer_naar"}
    assert set(form.valid_answers) == {"ekommuneplan"}


def test_a_shown_follow_up_is_validated_and_required(strategy_section):
    form = form_for(strategy_section, data={"ekommuneplan": "nei"}, mode=SUBMIT)
    assert not form.is_valid()
    assert set(form.errors) == {"ekommuneplan_planer"}
    assert form.hidden_keys == {"planer_naar"}


def test_a_question_hidden_by_another_section_is_not_rendered(db):
    wave = make_wave()
    first = make_section(wave=wave, key="helse", position=1)
    make_question(section=first, key="nhn_tilknytning", position=1)
    second = make_section(wave=wave, key="tjenester", position=2)
    make_question(section=second, key="alltid", position=1)
    make_question(
        section=second,
        key="nhn_tjenester",
        position=2,
        condition={"question": "nhn_tilknytning", "equals": "ja"},
    )
    hidden = form_for(second, answers={"nhn_tilknytning": "nei", "nhn_tjenester": "ja"})
    assert [q.key for q in hidden.questions] == ["alltid"]
    assert hidden.hidden_keys == {"nhn_tjenester"}
    assert 'name="nhn_tjenester"' not in render(hidden)

    shown = form_for(second, answers={"nhn_tilknytning": "ja"})
    assert [q.key for q in shown.questions] == ["alltid", "nhn_tjenester"]


def test_questions_and_sections_for_another_organisation_kind_are_left_out(db):
    wave = make_wave()
    section = make_section(wave=wave, position=1)
    make_question(section=section, key="alle", position=1)
    make_question(section=section, key="hjemmetjeneste", position=2, applies_to=[KOMMUNE])
    form = form_for(section, kind=FYLKESKOMMUNE, data={"alle": "ja", "hjemmetjeneste": "ja"})
    assert [q.key for q in form.questions] == ["alle"]
    assert form.is_valid()
    assert form.hidden_keys == {"hjemmetjeneste"}
    assert set(form.valid_answers) == {"alle"}

    kommune_section = make_section(wave=wave, position=2, applies_to=[KOMMUNE])
    make_question(section=kommune_section, key="skole", position=1)
    skipped = form_for(kommune_section, kind=FYLKESKOMMUNE)
    assert not skipped.section_visible
    assert skipped.questions == []
    assert skipped.hidden_keys == {"skole"}
    assert "gjelder for dere" in render(skipped)


# --- queries ------------------------------------------------------------------------------------


def _section_with(count: int):
    wave = make_wave()
    section = make_section(wave=wave)
    kinds = [
        K.SINGLE_CHOICE,
        K.MULTIPLE_CHOICE,
        K.MATRIX,
        K.RATING,
        K.INTEGER,
        K.DECIMAL,
        K.PERCENTAGE,
        K.SHORT_TEXT,
        K.LONG_TEXT,
    ]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        extra = {"rows": [("a", "A"), ("b", "B")]} if kind == K.MATRIX else {}
        if kind == K.MULTIPLE_CHOICE:
            choice_question(section, f"q{n}", position=n)
        else:
            make_question(section=section, key=f"q{n}", position=n, kind=kind, **extra)
    organisation = make_organisation()
    answer_set = AnswerSet.objects.create(wave=wave, organisation=organisation)
    first = Question.objects.get(section=section, key="q0")
    Answer.objects.create(
        answer_set=answer_set, question=first, value="ja", changed_at=timezone.now()
    )
    return section, answer_set


@pytest.mark.parametrize("count", [7, 40])
def test_a_section_loads_and_renders_in_a_constant_number_of_queries(
    db, django_assert_num_queries, count
):
    section, answer_set = _section_with(count)
    # answers (1) + sections (1) + questions (1) + choices (1) + matrix rows (1)
    with django_assert_num_queries(5):
        form = form_for(section, answers=answers_by_key(answer_set))
        html = render(form)
    assert html.count('class="question ') == count


# --- other helpers ----------------------------------------------------------------------------


def test_answers_are_formatted_for_receipts(db):
    section = make_section()
    matrix = make_question(section=section, kind=K.MATRIX, rows=[("a", "E-post")])
    multi = choice_question(section, "kanaler")
    decimal = make_question(section=section, kind=K.DECIMAL, options={"unit": "kr"})
    rating = make_question(section=section, kind=K.RATING)
    questionnaire = Questionnaire.load(section.wave)
    q = {question.pk: question for question in questionnaire.questions}
    assert format_answer(q[matrix.pk], {"a": "ja"}) == "E-post: Ja"
    assert (
        format_answer(q[multi.pk], ["epost", "annet"], "Chat") == "E-post; Annet, spesifiser: Chat"
    )
    assert format_answer(q[decimal.pk], "1234.5") == f"1{NBSP}234,5{NBSP}kr"
    assert format_answer(q[rating.pk], 4) == "4 av 6"
    assert format_answer(q[rating.pk], None) == ""


def test_an_unknown_mode_is_a_programming_error(section):
    with pytest.raises(ValueError):
        form_for(section, mode="final")


def test_an_answer_can_hide_questions_in_later_sections_and_the_form_says_so(db):
    wave = make_wave()
    first = make_section(wave=wave, key="integrasjon", position=1)
    make_question(section=first, key="integrasjon_losninger", position=1)
    later = make_section(wave=wave, key="senere", position=2)
    make_question(
        section=later,
        key="integrasjon_omrader",
        position=1,
        condition={"question": "integrasjon_losninger", "equals": "ja"},
    )
    stored = {"integrasjon_losninger": "ja", "integrasjon_omrader": "ja"}
    form = form_for(first, answers=stored, data={"integrasjon_losninger": "nei"})
    assert form.is_valid()
    assert form.hidden_keys == set()  # nothing on this page is hidden
    assert "integrasjon_omrader" in form.visibility.hidden_questions


def test_changed_keys_name_only_the_answers_that_differ_from_the_stored_ones(section):
    make_question(section=section, key="plan")
    make_question(section=section, key="antall", kind=K.INTEGER)
    choice_question(section, "kanaler")
    stored = {"plan": "ja", "antall": 1200, "kanaler": AnswerValue(["annet"], "Chat")}
    form = form_for(
        section,
        answers=stored,
        data={"plan": "ja", "antall": "1 200", "kanaler": ["annet"], "kanaler__other": "Brev"},
    )
    assert form.is_valid()
    assert form.changed_keys == {"kanaler"}


def test_a_typo_in_a_draft_does_not_hide_the_follow_up_questions(strategy_section):
    # "planer_naar" depends on "ekommuneplan_planer"; an invalid value there keeps the stored
    # answer in force for conditions, so planer_naar's stored answer is not dropped.
    form = form_for(
        strategy_section,
        answers={"ekommuneplan": "nei", "ekommuneplan_planer": "ja", "planer_naar": 2012},
        data={"ekommuneplan": "nei", "ekommuneplan_planer": "ugyldig", "planer_naar": "2013"},
    )
    assert not form.is_valid()
    assert form.invalid_keys == {"ekommuneplan_planer"}
    assert "planer_naar" not in form.hidden_keys
    assert form.valid_answers["planer_naar"] == AnswerValue(2013)
