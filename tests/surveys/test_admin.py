"""The questionnaire admin: browsing, editing under the reload rules, wave actions, access."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import AnswerSet, Question, Wave
from tests.builders import (
    make_answer,
    make_answer_set,
    make_question,
    make_section,
    make_staff,
    make_wave,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    wave = make_wave(slug="ekommune-test", title="eKommune testrunde", status=Wave.Status.DRAFT)
    section = make_section(wave=wave, key="strategi", title="Strategisk IKT-ledelse", position=1)
    make_question(
        section=section,
        key="ekommuneplan",
        position=1,
        text="Har kommunen utarbeidet en eKommuneplan?",
    )
    make_question(
        section=section,
        key="kanaler",
        position=2,
        kind=Question.Kind.MATRIX,
        text="I hvilken grad brukes digitale kanaler?",
        choices=[("stor_grad", "I stor grad"), ("liten_grad", "I liten grad")],
        rows=[("e_post", "E-post"), ("sms", "SMS")],
    )
    return wave


def url(name: str, *args) -> str:
    return reverse(f"admin:surveys_{name}", args=args)


def question_form_data(question: Question, **changes) -> dict:
    """The question change form as the admin would post it, with its two inlines."""
    data = {
        "section": question.section_id,
        "key": question.key,
        "position": question.position,
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "condition": json.dumps(question.condition),
        "options": json.dumps(question.options),
        "_save": "Lagre",
    }
    if question.required:
        data["required"] = "on"
    if question.applies_to:
        data["applies_to"] = question.applies_to
    for prefix, items, fields in [
        ("choices", list(question.choices.all()), ["position", "code", "label", "weight"]),
        ("rows", list(question.rows.all()), ["position", "code", "label"]),
    ]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(items),
                f"{prefix}-INITIAL_FORMS": len(items),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, item in enumerate(items):
            data[f"{prefix}-{index}-id"] = item.pk
            data[f"{prefix}-{index}-question"] = question.pk
            for name in fields:
                value = getattr(item, name)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return data


def section_form_data(section, **changes) -> dict:
    """The section change form as the admin would post it, with its questions inline."""
    questions = list(section.questions.order_by("position"))
    data = {
        "wave": section.wave_id,
        "key": section.key,
        "position": section.position,
        "title": section.title,
        "intro": section.intro,
        "condition": json.dumps(section.condition),
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "_save": "Lagre",
    }
    for index, question in enumerate(questions):
        data.update(
            {
                f"questions-{index}-id": question.pk,
                f"questions-{index}-section": section.pk,
                f"questions-{index}-position": question.position,
                f"questions-{index}-key": question.key,
                f"questions-{index}-kind": question.kind,
                f"questions-{index}-text": question.text,
            }
        )
        if question.required:
            data[f"questions-{index}-required"] = "on"
    data.update(changes)
    return data


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["wave_changelist", "section_changelist", "question_changelist", "answerset_changelist"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, wave, name):
    response = client.get(url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_users_who_are_not_staff_are_sent_to_the_login_page(client, wave):
    client.force_login(make_staff(is_staff=False))

    response = client.get(url("wave_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_survey_permissions_are_refused(client, wave):
    client.force_login(make_staff())

    assert client.get(url("wave_changelist")).status_code == 403
    assert client.get(url("question_change", wave.questions.first().pk)).status_code == 403


# --- browsing --------------------------------------------------------------------------------


def test_wave_list_shows_status_dates_and_counts(survey_admin, wave):
    make_answer_set(wave=wave)

    response = survey_admin.get(url("wave_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "eKommune testrunde" in html
    assert "Utkast" in html
    assert '<td class="field-section_count">1</td>' in html
    assert '<td class="field-question_count">2</td>' in html
    assert '<td class="field-answer_set_count">1</td>' in html


def test_wave_list_takes_the_same_number_of_queries_for_more_waves(survey_admin, wave):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert survey_admin.get(url("wave_changelist")).status_code == 200
        return len(queries)

    count_queries()  # the first page renews the login session (a write, once a minute)
    one = count_queries()
    for n in range(3):
        other = make_wave(slug=f"runde-{n}")
        make_question(section=make_section(wave=other))
        make_answer_set(wave=other)

    assert count_queries() == one


def test_wave_page_shows_its_sections_inline(survey_admin, wave):
    response = survey_admin.get(url("wave_change", wave.pk))

    assert response.status_code == 200
    assert "Strategisk IKT-ledelse" in response.content.decode()


def test_wave_and_section_lists_link_to_the_respondent_preview(survey_admin, wave):
    section = wave.sections.get()

    waves = survey_admin.get(url("wave_changelist")).content.decode()
    sections = survey_admin.get(url("section_changelist")).content.decode()
    preview = survey_admin.get(f"/staff/waves/{wave.slug}/sections/{section.key}/preview/")

    assert f'href="/staff/waves/{wave.slug}/preview/"' in waves
    assert f'href="/staff/waves/{wave.slug}/sections/{section.key}/preview/"' in sections
    assert preview.status_code == 200
    assert "Har kommunen utarbeidet en eKommuneplan?" in preview.content.decode()


def test_section_list_and_page_show_the_questions(survey_admin, wave):
    section = wave.sections.get()

    listing = survey_admin.get(url("section_changelist"))
    page = survey_admin.get(url("section_change", section.pk))

    assert listing.status_code == 200
    assert '<td class="field-question_count">2</td>' in listing.content.decode()
    assert page.status_code == 200
    assert "Har kommunen utarbeidet en eKommuneplan?" in page.content.decode()


def test_question_list_filters_by_kind_and_searches_text(survey_admin, wave):
    matrices = survey_admin.get(url("question_changelist"), {"kind__exact": "matrix"})
    found = survey_admin.get(url("question_changelist"), {"q": "eKommuneplan"})

    assert "kanaler" in matrices.content.decode()
    assert "ekommuneplan" not in matrices.content.decode()
    assert "ekommuneplan" in found.content.decode()
    assert "kanaler" not in found.content.decode()
    assert survey_admin.get(
        url("question_changelist"), {"wave__id__exact": wave.pk}
    ).status_code == (200)


def test_question_page_shows_scale_and_rows_inline(survey_admin, wave):
    response = survey_admin.get(url("question_change", wave.questions.get(key="kanaler").pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="I stor grad"' in html
    assert 'value="SMS"' in html


def test_answer_sets_are_listed_read_only(survey_admin, wave):
    answer_set = make_answer_set(wave=wave, status=AnswerSet.Status.SUBMITTED)

    listing = survey_admin.get(url("answerset_changelist"))
    page = survey_admin.get(url("answerset_change", answer_set.pk))
    posted = survey_admin.post(url("answerset_change", answer_set.pk), {"status": "in_progress"})

    assert answer_set.organisation.name in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    assert survey_admin.get(url("answerset_add")).status_code == 403
    answer_set.refresh_from_db()
    assert answer_set.status == AnswerSet.Status.SUBMITTED


# --- editing under the reload rules -----------------------------------------------------------


def test_editing_wording_and_adding_a_choice_is_saved(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    data = question_form_data(question, text="Har kommunen en eKommuneplan?")
    data.update(
        {
            "choices-TOTAL_FORMS": 4,
            "choices-3-question": question.pk,
            "choices-3-position": 4,
            "choices-3-code": "under_arbeid",
            "choices-3-label": "Under arbeid",
        }
    )

    response = survey_admin.post(url("question_change", question.pk), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Har kommunen en eKommuneplan?"
    assert list(question.choices.values_list("code", flat=True)) == [
        "ja",
        "nei",
        "vet_ikke",
        "under_arbeid",
    ]


def test_deleting_a_choice_that_answers_use_is_refused(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    make_answer(question=question, value="nei")
    data = question_form_data(question, **{"choices-1-DELETE": "on", "choices-2-DELETE": "on"})

    response = survey_admin.post(url("question_change", question.pk), data)

    assert response.status_code == 200
    assert "«Nei» (nei) er brukt i 1 svar og kan ikke slettes." in response.content.decode()
    assert question.choices.count() == 3


def test_deleting_an_unused_choice_of_an_answered_question_works(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    make_answer(question=question, value="nei")

    response = survey_admin.post(
        url("question_change", question.pk),
        question_form_data(question, **{"choices-2-DELETE": "on"}),
    )

    assert response.status_code == 302
    assert list(question.choices.values_list("code", flat=True)) == ["ja", "nei"]


def test_renaming_a_code_that_answers_use_is_refused(survey_admin, wave):
    question = wave.questions.get(key="kanaler")
    make_answer(question=question, value={"sms": "stor_grad"})

    response = survey_admin.post(
        url("question_change", question.pk),
        question_form_data(question, **{"rows-1-code": "tekstmelding"}),
    )

    assert response.status_code == 200
    assert "Koden er brukt i 1 svar og kan ikke endres." in response.content.decode()
    assert list(question.rows.values_list("code", flat=True)) == ["e_post", "sms"]


def test_changing_the_type_of_an_answered_question_is_refused(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    make_answer(question=question, value="ja")

    response = survey_admin.post(
        url("question_change", question.pk),
        question_form_data(question, kind=Question.Kind.MULTIPLE_CHOICE),
    )

    assert response.status_code == 200
    assert "Spørsmålet har 1 svar: typen kan ikke endres." in response.content.decode()
    question.refresh_from_db()
    assert question.kind == Question.Kind.SINGLE_CHOICE


def test_a_question_key_must_be_unique_in_the_wave(survey_admin, wave):
    question = wave.questions.get(key="kanaler")

    response = survey_admin.post(
        url("question_change", question.pk), question_form_data(question, key="ekommuneplan")
    )

    assert response.status_code == 200
    assert "Runden har allerede et spørsmål med denne nøkkelen." in response.content.decode()


def test_an_answered_question_cannot_be_deleted(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    make_answer(question=question, value="ja")

    page = survey_admin.get(url("question_change", question.pk))
    delete = survey_admin.post(url("question_delete", question.pk), {"post": "yes"})

    assert url("question_delete", question.pk) not in page.content.decode()
    assert delete.status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unanswered_question_can_be_deleted(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")

    response = survey_admin.post(url("question_delete", question.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_deleting_an_answered_question_from_the_section_page_is_refused(survey_admin, wave):
    section = wave.sections.get()
    questions = list(section.questions.order_by("position"))
    make_answer(question=questions[0], value="ja")
    data = section_form_data(section, **{"questions-0-DELETE": "on", "questions-1-DELETE": "on"})

    response = survey_admin.post(url("section_change", section.pk), data)

    assert response.status_code == 200
    assert Question.objects.filter(pk=questions[0].pk).exists()
    assert Question.objects.filter(pk=questions[1].pk).exists()

    del data["questions-0-DELETE"]  # the unanswered one alone can go
    assert survey_admin.post(url("section_change", section.pk), data).status_code == 302
    assert list(section.questions.values_list("pk", flat=True)) == [questions[0].pk]


def test_a_wave_with_answers_cannot_be_deleted(survey_admin, wave):
    make_answer_set(wave=wave)

    assert survey_admin.post(url("wave_delete", wave.pk), {"post": "yes"}).status_code == 403
    assert Wave.objects.filter(pk=wave.pk).exists()


# --- actions ---------------------------------------------------------------------------------


def test_open_action_opens_a_wave_until_its_closing_time(survey_admin, wave):
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() + dt.timedelta(days=30))

    response = survey_admin.post(
        url("wave_changelist"),
        {"action": "open_waves", "_selected_action": [wave.pk]},
        follow=True,
    )

    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN
    assert "1 runde har nå status åpen." in response.content.decode()


def test_open_action_refuses_a_wave_whose_closing_time_has_passed(survey_admin, wave):
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))

    response = survey_admin.post(
        url("wave_changelist"),
        {"action": "open_waves", "_selected_action": [wave.pk]},
        follow=True,
    )

    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT
    assert "«ekommune-test»: Stengetiden" in response.content.decode()


def test_close_action_closes_the_selected_waves(survey_admin, wave):
    other = make_wave(slug="annen", status=Wave.Status.OPEN)

    survey_admin.post(
        url("wave_changelist"),
        {"action": "close_waves", "_selected_action": [wave.pk, other.pk]},
    )

    assert set(Wave.objects.values_list("status", flat=True)) == {Wave.Status.CLOSED}


def test_the_status_cannot_be_edited_on_the_wave_page(survey_admin, wave):
    page = survey_admin.get(url("wave_change", wave.pk))

    assert 'name="status"' not in page.content.decode()


# --- settings follow the file format -------------------------------------------------------


def test_saving_the_section_page_keeps_settings_its_inline_does_not_show(survey_admin, wave):
    section = wave.sections.get()
    question = section.questions.get(key="ekommuneplan")
    Question.objects.filter(pk=question.pk).update(
        applies_to=["kommune"], condition={"question": "kanaler", "answered": True}
    )
    data = section_form_data(section, **{"questions-0-text": "Har kommunen en eKommuneplan?"})

    response = survey_admin.post(url("section_change", section.pk), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Har kommunen en eKommuneplan?"
    assert question.applies_to == ["kommune"]
    assert question.condition == {"question": "kanaler", "answered": True}


def test_a_condition_on_a_later_question_is_refused(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")

    response = survey_admin.post(
        url("question_change", question.pk),
        question_form_data(question, condition='{"question": "kanaler", "answered": true}'),
    )

    assert response.status_code == 200
    assert (
        "condition.question: spørsmålet &#x27;kanaler&#x27; kommer ikke før dette"
        in response.content.decode()
    )
    question.refresh_from_db()
    assert question.condition is None


def test_a_condition_code_must_be_a_code_of_the_earlier_question(survey_admin, wave):
    question = wave.questions.get(key="kanaler")
    data = question_form_data(question, condition='{"question": "ekommuneplan", "equals": "ja"}')

    assert survey_admin.post(url("question_change", question.pk), data).status_code == 302
    question.refresh_from_db()
    assert question.condition == {"question": "ekommuneplan", "equals": "ja"}

    data["condition"] = '{"question": "ekommuneplan", "equals": "kanskje"}'
    response = survey_admin.post(url("question_change", question.pk), data)
    assert "&#x27;kanskje&#x27; er ikke en kode i spørsmålet" in response.content.decode()


def test_bad_bounds_are_refused_and_defaults_are_filled_in(survey_admin, wave):
    question = make_question(
        section=wave.sections.get(), key="ansatte", kind=Question.Kind.INTEGER, choices=[]
    )
    data = question_form_data(question, options='{"min": 10, "max": 5}')

    response = survey_admin.post(url("question_change", question.pk), data)

    assert "options.min: min (10) skal være mindre enn max (5)" in response.content.decode()
    data.update(kind=Question.Kind.RATING, options="{}")
    assert survey_admin.post(url("question_change", question.pk), data).status_code == 302
    question.refresh_from_db()
    assert question.options == {"min": 1, "max": 6}


def test_a_section_condition_may_only_look_at_earlier_sections(survey_admin, wave):
    section = wave.sections.get()
    data = section_form_data(section, condition='{"question": "ekommuneplan", "answered": true}')

    response = survey_admin.post(url("section_change", section.pk), data)

    assert response.status_code == 200
    assert "spørsmålet &#x27;ekommuneplan&#x27; kommer ikke før dette" in response.content.decode()


def test_a_question_key_can_change_only_while_unanswered_and_unreferenced(survey_admin, wave):
    question = wave.questions.get(key="ekommuneplan")
    kanaler = wave.questions.get(key="kanaler")
    Question.objects.filter(pk=kanaler.pk).update(
        condition={"question": "ekommuneplan", "equals": "ja"}
    )
    change = url("question_change", question.pk)

    referenced = survey_admin.post(change, question_form_data(question, key="eplan"))

    assert "Vilkårene til kanaler viser til denne nøkkelen." in referenced.content.decode()
    Question.objects.filter(pk=kanaler.pk).update(condition=None)
    answer = make_answer(question=question, value="ja")
    answered = survey_admin.post(change, question_form_data(question, key="eplan"))
    assert "nøkkelen brukes til å sammenligne år" in answered.content.decode()
    answer.delete()
    assert survey_admin.post(change, question_form_data(question, key="eplan")).status_code == 302
    question.refresh_from_db()
    assert question.key == "eplan"


def test_a_section_with_answered_questions_cannot_be_deleted(survey_admin, wave):
    section = wave.sections.get()
    make_answer(question=section.questions.get(key="ekommuneplan"), value="ja")

    page = survey_admin.get(url("section_change", section.pk))
    delete = survey_admin.post(url("section_delete", section.pk), {"post": "yes"})

    assert url("section_delete", section.pk) not in page.content.decode()
    assert delete.status_code == 403
    assert wave.sections.filter(pk=section.pk).exists()


def test_closing_a_wave_is_written_to_the_wave_history_with_its_administrator(survey_admin, wave):
    from django.contrib.admin.models import CHANGE, LogEntry

    survey_admin.post(
        url("wave_changelist"), {"action": "close_waves", "_selected_action": [wave.pk]}
    )

    entry = LogEntry.objects.get(object_id=str(wave.pk), content_type__model="wave")
    assert entry.action_flag == CHANGE
    assert entry.user.is_staff
    assert entry.change_message == "Status satt til lukket."


def test_the_admin_is_titled_in_bokmal_and_names_answer_set_fields_in_bokmal(survey_admin, wave):
    from tests.builders import make_answer_set, make_organisation

    make_answer_set(wave=wave, organisation=make_organisation(edition=wave.edition))
    page = survey_admin.get("/admin/surveys/answerset/").content.decode()

    assert "<title>" in page and "eKommune – administrasjon" in page
    assert "Django-administrasjon" not in page
    assert "Organisasjon" in page and "Runde" in page
    assert ">Organisation<" not in page and ">Wave<" not in page


def test_the_admin_s_own_words_are_in_bokmal_too(survey_admin, wave):
    page = survey_admin.get("/admin/").content.decode()

    assert "Hopp til hovedinnholdet" in page and "Skip to main content" not in page
    assert "Bytt fargetema" in page and "Toggle theme" not in page
