"""The questionnaire editor: every change is checked like a definition file and recorded."""

import textwrap

import pytest
from django.urls import reverse

from surveys.definitions import export_definition, load_definition, parse_definition
from surveys.models import Question, QuestionnaireVersion, Wave
from tests.builders import make_answer, make_answer_set, make_edition, make_organisation

pytestmark = pytest.mark.django_db

DEFINITION = textwrap.dedent(
    """\
    format: 1
    wave:
      slug: utkast-2012
      title: "eKommune 2012"
      year: 2012
      register_year: 2012
      target_kinds: [kommune]
    sections:
      - key: plan
        title: {nb: "Planer", nn: "Planar"}
        questions:
          - key: har_plan
            type: single_choice
            text: "Har kommunen en IKT-plan?"
            choices:
              - {code: ja, label: "Ja"}
              - {code: nei, label: "Nei"}
          - key: antall
            type: integer
            text: "Antall IKT-ansatte"
            unit: "personer"
      - key: slutt
        title: "Avslutning"
        questions:
          - key: kommentar
            type: long_text
            text: "Kommentar"
    """
)


@pytest.fixture
def wave():
    make_edition(year=2012)
    return load_definition(parse_definition(DEFINITION, filename="utkast.yaml")).wave


def url(name, wave, *args):
    return reverse(f"surveys:{name}", args=[wave.slug, *args])


def question_post(**overrides):
    data = {
        "key": "ny",
        "type": "short_text",
        "text_nb": "Nytt spørsmål",
        "text_nn": "",
        "text_en": "",
        "help_nb": "",
        "help_nn": "",
        "help_en": "",
        "unit_nb": "",
        "unit_nn": "",
        "unit_en": "",
        "show_if_question": "",
        "show_if_operator": "equals",
        "show_if_value": "",
        "choices": "",
        "rows": "",
        "min": "",
        "min_label_nb": "",
        "min_label_nn": "",
        "min_label_en": "",
        "max_label_nb": "",
        "max_label_nn": "",
        "max_label_en": "",
        "max": "",
        "decimals": "",
        "max_length": "",
    }
    data.update(overrides)
    return data


def test_the_editor_lists_sections_and_questions_in_order(survey_admin, wave):
    html = survey_admin.get(url("editor", wave)).content.decode()

    assert html.index("Har kommunen en IKT-plan?") < html.index("Antall IKT-ansatte")
    assert html.index("Antall IKT-ansatte") < html.index("Kommentar")
    assert "Flytt har_plan ned" in html


def test_a_person_without_staff_rights_cannot_open_the_editor(client, wave):
    response = client.get(url("editor", wave))

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_adding_a_conditional_question_with_a_nynorsk_text_saves_a_version(survey_admin, wave):
    response = survey_admin.post(
        url("editor_question_add", wave, "plan"),
        question_post(
            key="plan_aar",
            type="integer",
            text_nb="Hvilket år ble planen vedtatt?",
            text_nn="Kva år vart planen vedteken?",
            show_if_question="har_plan",
            show_if_operator="equals",
            show_if_value="ja",
            min="1990",
            max="2030",
        ),
    )

    assert response.status_code == 302
    question = Question.objects.get(wave=wave, key="plan_aar")
    assert question.condition == {"question": "har_plan", "equals": "ja"}
    assert question.translations == {"nn": {"text": "Kva år vart planen vedteken?"}}
    assert question.options == {"min": 1990, "max": 2030}
    version = wave.versions.order_by("-number").first()
    assert version.number == 2  # 1 is the questionnaire before the first change
    assert version.created_by is not None
    assert version.changes[0]["key"] == "plan_aar"
    assert version.changes[0]["status"] == "added"
    history = survey_admin.get(url("editor_versions", wave)).content.decode()
    assert "Nytt spørsmål «plan_aar»" in history


def test_rewording_a_choice_and_adding_its_nynorsk_text_is_recorded_per_question(
    survey_admin, wave
):
    survey_admin.post(
        url("editor_question", wave, "har_plan"),
        question_post(
            key="har_plan",
            type="single_choice",
            text_nb="Har kommunen en IKT-plan?",
            choices="ja | Ja, vedtatt | Ja, vedteken\nnei | Nei",
        ),
    )

    choice = Question.objects.get(wave=wave, key="har_plan").choices.get(code="ja")
    assert choice.label == "Ja, vedtatt"
    assert choice.translations == {"nn": {"label": "Ja, vedteken"}}
    lines = wave.versions.order_by("-number").first().changes[0]["lines"]
    assert "choices ja (bokmål): «Ja» → «Ja, vedtatt»" in lines
    assert "choices ja (nynorsk): – → «Ja, vedteken»" in lines


def test_a_duplicate_key_is_refused_with_the_loaders_message_and_nothing_changes(
    survey_admin, wave
):
    before = export_definition(wave)

    response = survey_admin.post(
        url("editor_question_add", wave, "slutt"), question_post(key="antall")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "spørsmålet &#x27;antall&#x27; finnes allerede i sections[0].questions[1]" in html
    assert export_definition(wave) == before
    assert not QuestionnaireVersion.objects.exists()


def test_a_condition_on_a_later_question_is_refused_and_nothing_changes(survey_admin, wave):
    before = export_definition(wave)

    response = survey_admin.post(
        url("editor_question", wave, "antall"),
        question_post(
            key="antall",
            type="integer",
            text_nb="Antall IKT-ansatte",
            show_if_question="kommentar",
            show_if_operator="answered",
        ),
    )

    html = response.content.decode()
    assert "Endringen ble ikke lagret" in html
    assert "spørsmålet &#x27;kommentar&#x27; kommer ikke før dette" in html
    assert export_definition(wave) == before


def test_removing_an_answered_question_of_an_open_wave_is_refused(survey_admin, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN)
    wave.refresh_from_db()
    organisation = make_organisation(edition=wave.edition)
    answer_set = make_answer_set(wave=wave, organisation=organisation)
    make_answer(answer_set=answer_set, question=wave.questions.get(key="antall"), value=3)
    before = export_definition(wave)

    response = survey_admin.post(url("editor_question_remove", wave, "antall"))

    html = response.content.decode()
    assert "har 1 svar i runden &#x27;utkast-2012&#x27; og kan ikke fjernes" in html
    assert wave.questions.filter(key="antall").exists()
    assert export_definition(wave) == before


def test_removing_an_unanswered_question_works(survey_admin, wave):
    response = survey_admin.post(url("editor_question_remove", wave, "antall"))

    assert response.status_code == 302
    assert not wave.questions.filter(key="antall").exists()


def test_moving_a_question_down_and_a_section_up_changes_the_order(survey_admin, wave):
    survey_admin.post(url("editor_question_move", wave, "har_plan"), {"direction": "down"})
    survey_admin.post(url("editor_section_move", wave, "slutt"), {"direction": "up"})

    keys = list(wave.questions.order_by("position").values_list("key", flat=True))
    assert keys == ["kommentar", "antall", "har_plan"]


def test_a_closed_wave_cannot_be_edited(survey_admin, wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)

    response = survey_admin.post(url("editor_question_remove", wave, "antall"))

    assert "er lukket" in response.content.decode()
    assert wave.questions.filter(key="antall").exists()


def test_the_preview_shows_the_section_in_the_chosen_language(survey_admin, wave):
    html = survey_admin.get(url("editor_preview", wave, "plan") + "?lang=nn").content.decode()

    assert "Planar" in html
    assert "Har kommunen en IKT-plan?" in html  # no nynorsk text yet: bokmål


def test_the_translation_page_lists_what_is_untranslated_per_language(survey_admin, wave):
    html = survey_admin.get(url("editor_translations", wave)).content.decode()

    nynorsk = html[html.index('id="lang-nn"') : html.index('id="lang-en"')]
    english = html[html.index('id="lang-en"') :]
    assert "plan.title" not in nynorsk
    assert "plan.title" in english
    assert "har_plan.choices.ja" in nynorsk


def test_an_uploaded_file_shows_its_changes_and_is_applied_only_on_confirmation(survey_admin, wave):
    text = DEFINITION.replace('text: "Kommentar"', 'text: "Andre kommentarer"')

    preview = survey_admin.post(url("editor_upload", wave), {"text": text})

    assert "Andre kommentarer" in preview.content.decode()
    assert wave.questions.get(key="kommentar").text == "Kommentar"
    survey_admin.post(url("editor_upload", wave), {"text": text, "confirm": "1"})
    assert wave.questions.get(key="kommentar").text == "Andre kommentarer"


def test_an_invalid_upload_names_the_problem_and_changes_nothing(survey_admin, wave):
    text = DEFINITION.replace("type: long_text", "type: lang_tekst")

    response = survey_admin.post(url("editor_upload", wave), {"text": text, "confirm": "1"})

    assert "ukjent type" in response.content.decode()
    assert wave.questions.get(key="kommentar").kind == "long_text"


def test_comparing_with_last_years_wave_lists_added_removed_and_reworded_keys(survey_admin, wave):
    make_edition(year=2011)
    older = DEFINITION.replace("utkast-2012", "runde-2011").replace("year: 2012", "year: 2011")
    older = older.replace("register_year: 2012", "register_year: 2011")
    older = older.replace("Antall IKT-ansatte", "Hvor mange IKT-ansatte?")
    older = older.replace("key: kommentar", "key: merknad")
    load_definition(parse_definition(older, filename="2011.yaml"))

    html = survey_admin.get(url("editor_compare", wave)).content.decode()

    added = html[html.index("Nye spørsmål") : html.index("Fjernede spørsmål")]
    removed = html[html.index("Fjernede spørsmål") : html.index("Omformulerte")]
    reworded = html[html.index("Omformulerte") :]
    assert "kommentar" in added
    assert "merknad" in removed
    assert "antall" in reworded and "har_plan" not in reworded


def test_the_waves_texts_are_edited_in_three_languages(survey_admin, wave):
    form = {
        f"{name}_{lang}": ""
        for name in ("title", "intro", "vision", "help_contact")
        for lang in ("nb", "nn", "en")
    }
    form.update(title_nb="eKommune 2012", title_nn="eKommune 2012 (nn)", intro_en="Background")
    form["intro_nb"] = "Bakgrunn"

    response = survey_admin.post(url("editor_wave", wave), form)

    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.intro == "Bakgrunn"
    assert wave.translations == {
        "nn": {"title": "eKommune 2012 (nn)"},
        "en": {"intro": "Background"},
    }


def test_a_ratings_end_labels_are_edited_with_their_translations(survey_admin, wave):
    survey_admin.post(
        url("editor_question_add", wave, "slutt"),
        question_post(
            key="fornoyd",
            type="rating",
            text_nb="Hvor fornøyd er dere?",
            min_label_nb="Lite",
            min_label_en="Not much",
            max_label_nb="Svært",
        ),
    )

    question = wave.questions.get(key="fornoyd")
    assert question.options["labels"] == {"min_label": "Lite", "max_label": "Svært"}
    assert question.translated("min_label", "en") == "Not much"


def test_the_editor_page_reads_a_constant_number_of_queries(survey_admin, wave):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey_admin.get(url("editor", wave))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        survey_admin.get(url("editor", wave))
    for n in range(20):
        survey_admin.post(url("editor_question_add", wave, "slutt"), question_post(key=f"ny_{n}"))

    with CaptureQueriesContext(connection) as large:
        survey_admin.get(url("editor", wave))

    assert wave.questions.count() == 23
    assert len(large.captured_queries) == len(small.captured_queries) <= 16


def test_a_new_section_comes_with_its_first_question_and_can_be_removed_again(survey_admin, wave):
    form = {f"{name}_{lang}": "" for name in ("title", "intro") for lang in ("nb", "nn", "en")}
    form.update(
        key="ekstra",
        title_nb="Ekstra",
        title_en="Extra",
        question_key="ekstra_merknad",
        question_type="long_text",
        question_text="Merknader",
    )

    survey_admin.post(reverse("surveys:editor_section_add", args=[wave.slug]), form)

    section = wave.sections.get(key="ekstra")
    assert section.position == 3
    assert section.translations == {"en": {"title": "Extra"}}
    assert list(section.questions.values_list("key", flat=True)) == ["ekstra_merknad"]
    survey_admin.post(url("editor_section_remove", wave, "ekstra"))
    assert not wave.sections.filter(key="ekstra").exists()
