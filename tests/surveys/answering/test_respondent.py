"""The respondent pages at the HTTP boundary: access, saving without JavaScript, submit, receipt."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from surveys.answering import links
from surveys.answering.views import access as respondent_views
from surveys.models import AccessToken, Answer, AnswerSet, MailKind, OutboundMessage
from surveys.outreach.tasks import send_messages
from tests import builders
from tests.conftest import login_respondent

OVERVIEW = "/svar/ekommune-test/3101/"
GENERAL = "/svar/ekommune-test/3101/del/generelt/"
SERVICES = "/svar/ekommune-test/3101/del/tjenester/"
AUTOSAVE = "/svar/ekommune-test/3101/del/generelt/autolagre/"
REVIEW = "/svar/ekommune-test/3101/innsending/"
RECEIPT = "/svar/ekommune-test/3101/kvittering/"


def revisions_on(page) -> str:
    html = page.content.decode()
    marker = 'name="revisions" id="id_revisions" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)].replace("&quot;", '"')


def organisation_on(page) -> str:
    html = page.content.decode()
    marker = 'name="organisation" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def post_section(client, url, data, page=None):
    page = page or client.get(url)
    return client.post(
        url,
        {
            "revisions": revisions_on(page),
            "organisation": organisation_on(page),
            "action": "save",
            **data,
        },
    )


def answers_of(organisation):
    return dict(
        Answer.objects.filter(answer_set__organisation=organisation).values_list(
            "question__key", "value"
        )
    )


# --- Links and sessions -----------------------------------------------------------------------


def test_opening_a_link_redirects_to_an_address_without_the_token(client, survey, respondent):
    token = builders.make_access_link(contact=respondent, wave=survey.wave)
    client.cookies["sessionid"] = "planted-by-someone-else"

    response = client.get(f"/i/{token}/")

    assert response.status_code == 302
    assert response["Location"] == OVERVIEW
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.cookies["sessionid"].value != "planted-by-someone-else"
    page = client.get(OVERVIEW)
    assert page.status_code == 200
    assert "Testnes kommune" in page.content.decode()
    assert AccessToken.objects.get().last_used_at is not None


def test_the_overview_shows_sections_deadline_in_oslo_time_and_is_not_cached(
    respondent_client, survey
):
    survey.wave.closes_at = datetime(2031, 5, 6, 14, 0, tzinfo=UTC)
    survey.wave.save()

    response = respondent_client.get(OVERVIEW)

    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "6. mai 2031 kl. 16:00" in html  # 14:00 UTC is 16:00 in Oslo in May
    for title in ("Generelt", "Tjenester", "Kommentarer"):
        assert title in html
    assert "Ikke påbegynt" in html
    assert "<title>Oversikt – eKommune testrunde – KS</title>" in html


def test_a_bad_token_is_refused_and_repeated_bad_tokens_are_rate_limited(
    client, survey, respondent, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    good = builders.make_access_link(contact=respondent, wave=survey.wave)
    for _ in range(respondent_views.BAD_TOKEN_LIMIT):
        assert client.get("/i/not-a-real-token-at-all/").status_code == 404

    limited = client.get(f"/i/{good}/")

    assert limited.status_code == 429
    assert "For mange ugyldige lenker" in limited.content.decode()
    assert client.get(OVERVIEW).status_code == 403


def test_revoking_a_link_ends_its_session_at_once(respondent_client, survey, respondent):
    assert respondent_client.get(OVERVIEW).status_code == 200

    links.invitation_link_revoke(contact=respondent, wave=survey.wave)

    response = respondent_client.get(OVERVIEW)
    assert response.status_code == 403
    assert "Økten er avsluttet" in response.content.decode()


def test_deactivating_a_contact_ends_their_session_at_once(respondent_client, survey, respondent):
    assert respondent_client.get(OVERVIEW).status_code == 200

    respondent.is_active = False
    respondent.save()

    response = respondent_client.post(GENERAL, {"plan": "ja", "organisation": "3101"})
    assert response.status_code == 403
    assert "Økten er avsluttet" in response.content.decode()
    assert answers_of(survey.organisation) == {}


def test_anonymous_visitors_see_no_answers(anonymous_client, survey):
    for url in (OVERVIEW, GENERAL, REVIEW, RECEIPT):
        response = anonymous_client.get(url)
        assert response.status_code == 403, url
        assert "Generelt" not in response.content.decode()


def test_a_link_for_a_closed_wave_does_not_open(client, survey, respondent):
    token = builders.make_access_link(contact=respondent, wave=survey.wave)
    survey.wave.status = survey.wave.Status.CLOSED
    survey.wave.save()

    response = client.get(f"/i/{token}/")

    assert response.status_code == 403
    assert "ikke åpen" in response.content.decode()


# --- Works / other organisation gets 404 / closed wave is refused --------------------------


def test_the_section_page_shows_the_questions_with_labels_and_legends(respondent_client):
    response = respondent_client.get(GENERAL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<legend" in html and "Har kommunen en plan?" in html
    assert 'for="id_employees"' in html
    assert "<title>Generelt – eKommune testrunde – KS</title>" in html


def test_a_session_cannot_address_another_wave_or_a_section_of_it(respondent_client, survey):
    other_wave = builders.make_wave(slug="annen-runde", edition=survey.wave.edition)
    builders.make_section(wave=other_wave, key="hemmelig")

    assert respondent_client.get("/svar/annen-runde/").status_code == 404
    assert respondent_client.get("/svar/annen-runde/3101/del/hemmelig/").status_code == 404
    assert respondent_client.get("/svar/ekommune-test/3101/del/hemmelig/").status_code == 404


def test_another_organisation_never_sees_or_changes_our_answers(
    respondent_client, other_respondent_client, survey
):
    post_section(respondent_client, GENERAL, {"plan": "ja", "plan_note": "Vår hemmelige plan"})

    theirs = GENERAL.replace("/3101/", "/3102/")
    assert other_respondent_client.get(GENERAL).status_code == 404
    page = other_respondent_client.get(theirs).content.decode()
    assert "Vår hemmelige plan" not in page
    post_section(other_respondent_client, theirs, {"plan": "nei"})

    assert answers_of(survey.organisation) == {"plan": "ja", "plan_note": "Vår hemmelige plan"}
    assert answers_of(survey.other_organisation) == {"plan": "nei"}
    assert AnswerSet.objects.count() == 2


def test_a_section_that_does_not_apply_to_the_organisation_kind_is_404(respondent_client, survey):
    builders.make_section(wave=survey.wave, key="fylke", position=9, applies_to=["fylkeskommune"])

    assert respondent_client.get("/svar/ekommune-test/3101/del/fylke/").status_code == 404


def test_a_question_that_does_not_apply_cannot_be_answered(respondent_client, survey):
    builders.make_question(
        section=survey.general,
        key="kun_fylke",
        position=9,
        kind="short_text",
        applies_to=["fylkeskommune"],
        text="Bare for fylkeskommuner",
    )

    page = respondent_client.get(GENERAL)
    assert "Bare for fylkeskommuner" not in page.content.decode()
    post_section(respondent_client, GENERAL, {"kun_fylke": "smuglet inn", "plan": "ja"}, page)

    assert answers_of(survey.organisation) == {"plan": "ja"}


def test_a_form_saved_after_closing_time_is_refused_and_shows_what_was_typed(
    respondent_client, survey
):
    page = respondent_client.get(GENERAL)
    survey.wave.closes_at = timezone.now() - timedelta(minutes=1)
    survey.wave.save()

    response = post_section(
        respondent_client, GENERAL, {"plan": "ja", "plan_note": "Skrevet rett før fristen"}, page
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Fristen er ute" in html
    assert "Skrevet rett før fristen" in html
    assert answers_of(survey.organisation) == {}


def test_after_closing_time_every_page_is_read_only(respondent_client, survey):
    post_section(respondent_client, GENERAL, {"plan": "ja"})
    survey.wave.closes_at = timezone.now() - timedelta(minutes=1)
    survey.wave.save()

    overview = respondent_client.get(OVERVIEW).content.decode()
    section = respondent_client.get(GENERAL).content.decode()

    assert "undersøkelsen er stengt" in overview
    assert "Se over og send inn" not in overview
    assert '<fieldset class="section-fields" disabled>' in section
    assert 'value="save"' not in section


# --- Saving without JavaScript ---------------------------------------------------------------


def test_saving_with_the_button_keeps_answers_and_moves_on(respondent_client, survey):
    page = respondent_client.get(GENERAL)
    response = respondent_client.post(
        GENERAL,
        {
            "revisions": revisions_on(page),
            "organisation": "3101",
            "action": "next",
            "plan": "nei",
            "employees": "1 200",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == SERVICES
    assert answers_of(survey.organisation) == {"plan": "nei", "employees": 1200}
    follow = respondent_client.get(OVERVIEW).content.decode()
    assert "Lagret kl." in follow


def test_a_draft_saves_what_is_valid_and_keeps_the_rest_with_a_message(respondent_client, survey):
    response = post_section(respondent_client, GENERAL, {"plan": "ja", "employees": "mange"})

    html = response.content.decode()
    assert response.status_code == 200
    assert answers_of(survey.organisation) == {"plan": "ja"}
    assert 'id="error-summary"' in html and 'href="#id_employees"' in html
    assert 'value="mange"' in html
    assert "<title>Feil: Generelt" in html


def test_an_invalid_choice_code_is_rejected_cleanly(respondent_client, survey):
    response = post_section(respondent_client, GENERAL, {"plan": "<script>x</script>"})

    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()
    assert answers_of(survey.organisation) == {}


def test_an_oversized_payload_is_rejected(respondent_client, survey):
    response = respondent_client.post(
        GENERAL, {"revisions": "{}", "organisation": "3101", "plan_note": "x" * (1024 * 1024 + 10)}
    )

    assert response.status_code == 400
    assert answers_of(survey.organisation) == {}


def test_free_text_is_escaped_on_every_page(respondent_client, survey):
    evil = '<img src=x onerror="alert(1)">'
    post_section(respondent_client, GENERAL, {"plan": "ja", "plan_note": evil})

    for url in (GENERAL, REVIEW):
        html = respondent_client.get(url).content.decode()
        assert evil not in html
        assert "&lt;img src=x" in html


def test_answering_no_removes_the_conditional_answer(respondent_client, survey):
    post_section(respondent_client, GENERAL, {"plan": "ja", "plan_note": "Planen"})

    post_section(respondent_client, GENERAL, {"plan": "nei", "plan_note": "Planen"})

    assert answers_of(survey.organisation) == {"plan": "nei"}


# --- Two colleagues ---------------------------------------------------------------------------


def test_a_colleague_sees_and_extends_the_same_answers(respondent_client, colleague_client, survey):
    post_section(respondent_client, GENERAL, {"plan": "ja"})

    page = colleague_client.get(GENERAL)
    assert 'value="ja" checked' in page.content.decode()
    post_section(colleague_client, GENERAL, {"plan": "ja", "employees": "3"}, page)

    assert answers_of(survey.organisation) == {"plan": "ja", "employees": 3}


def test_two_editors_of_the_same_question_see_both_values_and_choose(
    respondent_client, colleague_client, survey
):
    mine = respondent_client.get(GENERAL)
    post_section(colleague_client, GENERAL, {"employees": "9"})

    response = respondent_client.post(
        GENERAL,
        {
            "revisions": revisions_on(mine),
            "action": "save",
            "employees": "5",
            "organisation": "3101",
        },
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Ola Kollega" in html
    assert "Behold mitt svar" in html and "Bruk kollegaens svar" in html
    assert answers_of(survey.organisation) == {"employees": 9}

    # Saving again without choosing changes nothing; choosing "mine" writes it.
    again = respondent_client.post(
        GENERAL,
        {
            "revisions": revisions_on(response),
            "action": "save",
            "employees": "5",
            "organisation": "3101",
        },
    )
    assert again.status_code == 409
    chosen = respondent_client.post(
        GENERAL,
        {
            "revisions": revisions_on(response),
            "organisation": "3101",
            "action": "save",
            "employees": "5",
            "conflict__employees": "mine",
            "conflict_revision__employees": "1",
        },
    )
    assert chosen.status_code == 302
    assert answers_of(survey.organisation) == {"employees": 5}


# --- Autosave ---------------------------------------------------------------------------------


def test_autosave_answers_json_with_the_new_revisions(respondent_client, survey):
    page = respondent_client.get(GENERAL)

    response = respondent_client.post(
        AUTOSAVE,
        {"revisions": revisions_on(page), "organisation": "3101", "plan": "ja", "employees": "x"},
        HTTP_ACCEPT="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "saved"
    assert body["message"].startswith("Lagret kl.")
    assert body["revisions"]["plan"] == 1
    assert "employees" in body["errors"]
    assert answers_of(survey.organisation) == {"plan": "ja"}


def test_autosave_after_the_session_ended_says_so_in_json(anonymous_client, survey):
    response = anonymous_client.post(AUTOSAVE, {"plan": "ja"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response.json()["status"] == "session_ended"


def test_a_form_posted_after_the_session_ended_shows_what_was_typed(anonymous_client, survey):
    response = anonymous_client.post(GENERAL, {"plan_note": "Lang tekst jeg ikke vil miste"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "Lang tekst jeg ikke vil miste" in html
    assert "Beskriv planen" in html


def test_the_session_can_be_extended(respondent_client):
    response = respondent_client.post("/svar/ekommune-test/3101/forleng/")

    assert response.status_code == 200
    assert response.json()["expires_in"] > 0


# --- Submit, receipt, reopen ------------------------------------------------------------------


def test_submitting_incomplete_answers_lists_each_problem_with_a_link(respondent_client, survey):
    response = respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert f'href="{GENERAL}#id_plan_0"' in html
    assert not AnswerSet.objects.get().is_submitted
    assert "Må rettes" in respondent_client.get(OVERVIEW).content.decode()


def test_submit_needs_the_confirmation(respondent_client, survey):
    post_section(respondent_client, GENERAL, {"plan": "nei"})

    response = respondent_client.post(REVIEW, {"organisation": "3101"})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AnswerSet.objects.get().is_submitted


def test_submit_shows_the_receipt_mails_it_and_makes_answers_read_only(
    respondent_client, colleague, survey, respondent, mailoutbox, django_capture_on_commit_callbacks
):
    post_section(respondent_client, GENERAL, {"plan": "nei", "employees": "12"})

    with django_capture_on_commit_callbacks(execute=True):
        response = respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})
        double = respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})
    # The receipt is a mail row for the worker, not sent in the request; a duplicate
    # delivery of its task sends nothing more.
    assert mailoutbox == []
    receipts = list(OutboundMessage.objects.filter(kind=MailKind.RECEIPT))
    assert len(receipts) == 1 and receipts[0].contact == respondent
    send_messages([receipts[0].pk])
    send_messages([receipts[0].pk])

    assert response.status_code == 302 and response["Location"] == RECEIPT
    assert double.status_code == 302 and double["Location"] == RECEIPT
    receipt = respondent_client.get(RECEIPT)
    html = receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"]
    assert "Kvittering for innsendte svar" in html
    assert "Antall IKT-ansatte" in html and "12" in html and "Nei" in html
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([respondent.email, colleague.email])
    refused = post_section(respondent_client, GENERAL, {"plan": "ja"})
    assert refused.status_code == 409
    assert answers_of(survey.organisation)["plan"] == "nei"


def test_the_printed_receipt_names_organisation_wave_time_and_a_reference(
    respondent_client, survey
):
    post_section(respondent_client, GENERAL, {"plan": "nei"})
    respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})
    answer_set = AnswerSet.objects.get()

    html = respondent_client.get(RECEIPT).content.decode()

    assert f"{survey.organisation.name} (3101)" in html
    assert survey.wave.title in html
    assert f"{survey.wave.year}-3101-{answer_set.pk}-" in html
    assert "Besvart av Kari Nordmann" in html
    # The thank-you message is for the screen only.
    assert '<div class="messages no-print"' in html


def test_a_contact_can_reopen_submitted_answers(respondent_client, survey):
    post_section(respondent_client, GENERAL, {"plan": "nei"})
    respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})

    response = respondent_client.post(
        "/svar/ekommune-test/3101/gjenapne/", {"organisation": "3101"}
    )

    assert response.status_code == 302
    assert not AnswerSet.objects.get().is_submitted
    assert post_section(respondent_client, GENERAL, {"plan": "ja"}).status_code == 302


# --- Colleague invitation and the operator command --------------------------------------------


def test_a_contact_invites_a_colleague_who_can_then_answer(
    respondent_client, survey, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = respondent_client.post(
            "/svar/ekommune-test/3101/kollega/",
            {"name": "Nina Ny", "email": "nina@example.invalid", "organisation": "3101"},
        )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(word for word in mailoutbox[0].body.split() if "/i/" in word)
    path = link[link.index("/i/") :]
    newcomer = Client()
    assert newcomer.get(path).status_code == 302
    assert "Nina Ny" in newcomer.get(OVERVIEW).content.decode()


def test_respondent_link_command_prints_a_working_link(survey, capsys):
    call_command(
        "respondent_link",
        "ekommune-test",
        survey.organisation.number,
        "--email",
        "ny@example.invalid",
    )

    url = capsys.readouterr().out.strip()
    assert url.startswith("http") and "/i/" in url
    client = Client()
    assert client.get(url[url.index("/i/") :]).status_code == 302
    assert "ny@example.invalid" in client.get(OVERVIEW).content.decode()


@pytest.mark.parametrize("language", ["nn", "en"])
def test_the_overview_renders_in_other_languages(respondent_client, language):
    respondent_client.cookies["ekommune_language"] = language

    response = respondent_client.get(OVERVIEW)

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "required", "clear", "tick_all", "error"),
    [
        ("nb", "(obligatorisk)", "Fjern svaret", "Kryss av for alt som passer.", "Feil:"),
        ("nn", "(obligatorisk)", "Fjern svaret", "Kryss av for alt som passar.", "Feil:"),
        ("en", "(required)", "Clear answer", "Tick all that apply.", "Error:"),
    ],
)
def test_section_pages_show_the_question_texts_in_the_chosen_language(
    respondent_client, survey, language, required, clear, tick_all, error
):
    respondent_client.cookies["ekommune_language"] = language

    general = respondent_client.get(GENERAL).content.decode()
    refused = post_section(respondent_client, GENERAL, {"employees": "mange"}).content.decode()
    services_page = respondent_client.get(SERVICES).content.decode()

    assert f'<span class="visually-hidden"> {required}</span>' in general
    assert f"hidden>{clear}</button>" in general
    assert f'<span class="visually-hidden">{error} </span>' in refused
    assert f'<p class="form-text mt-0">{tick_all}</p>' in services_page


@pytest.mark.parametrize("extra_questions", [0, 30])
def test_the_overview_and_a_section_read_a_constant_number_of_queries(
    respondent_client, survey, django_assert_num_queries, extra_questions
):
    for n in range(extra_questions):
        builders.make_question(section=survey.comments, key=f"extra_{n}", position=10 + n)
    post_section(respondent_client, GENERAL, {"plan": "ja"})

    # the link with its answer set, and the answers; the session comes from the cache
    # (renewed less than a minute ago) and the questionnaire from the process's cache (the
    # save above loaded it)
    with django_assert_num_queries(2):
        assert respondent_client.get(OVERVIEW).status_code == 200
    # ... and no more for the section's revisions: the answers are loaded already, and
    # questions without an answer are at revision 0 while no answer was ever cleared
    with django_assert_num_queries(2):
        assert respondent_client.get(GENERAL).status_code == 200


@pytest.mark.parametrize("extra_questions", [0, 30])
def test_a_section_save_writes_in_a_constant_number_of_queries(
    respondent_client, survey, django_assert_num_queries, extra_questions
):
    for n in range(extra_questions):
        builders.make_question(section=survey.comments, key=f"extra_{n}", position=10 + n)
    post_section(respondent_client, SERVICES, {})
    page = respondent_client.get(GENERAL)

    # the link with its answer set, the answers; then BEGIN, the lock (an UPDATE of the
    # set's time of change), the answers in one INSERT, their changes in one, COMMIT
    with django_assert_num_queries(7):
        response = post_section(respondent_client, GENERAL, {"plan": "ja", "employees": "4"}, page)
    assert response.status_code == 302
    assert answers_of(survey.organisation) == {"plan": "ja", "employees": 4}
    # Changed answers are written the same way, and no change history is read.
    page = respondent_client.get(GENERAL)
    with django_assert_num_queries(7):
        response = post_section(respondent_client, GENERAL, {"plan": "nei", "employees": "5"}, page)
    assert response.status_code == 302
    assert answers_of(survey.organisation) == {"plan": "nei", "employees": 5}


@pytest.mark.parametrize("extra_sections", [0, 6])
def test_a_submit_checks_every_section_in_a_constant_number_of_queries(
    respondent_client, survey, django_assert_num_queries, extra_sections
):
    for n in range(extra_sections):
        section = builders.make_section(wave=survey.wave, key=f"extra_{n}", position=50 + n)
        builders.make_question(section=section, key=f"extra_q_{n}", required=True)
        builders.make_question(section=section, key=f"extra_r_{n}")
    post_section(respondent_client, GENERAL, {"plan": "nei", "employees": "12"})
    for n in range(extra_sections):
        post_section(respondent_client, f"{OVERVIEW}del/extra_{n}/", {f"extra_q_{n}": "ja"})

    # the link with its answer set; BEGIN, the lock, the answers (the progress of every
    # section), the set's status, the submit's change row, the receipt's mail row, COMMIT
    with django_assert_num_queries(8):
        response = respondent_client.post(REVIEW, {"confirm": "yes", "organisation": "3101"})
    assert response.status_code == 302 and response["Location"] == RECEIPT
    assert AnswerSet.objects.get().is_submitted


def test_a_cleared_answer_keeps_counting_its_revisions_on_the_page(respondent_client):
    post_section(respondent_client, GENERAL, {"plan": "ja", "employees": "4"})
    post_section(respondent_client, GENERAL, {"plan": "ja", "employees": ""})  # cleared

    revisions = json.loads(revisions_on(respondent_client.get(GENERAL)))

    assert revisions["employees"] == 2
    assert revisions["plan"] == 1


def test_revisions_field_is_json(respondent_client):
    assert json.loads(revisions_on(respondent_client.get(GENERAL))) == {
        "employees": 0,
        "plan": 0,
        "plan_note": 0,
    }


def test_login_helper_gives_a_separate_session_per_client(survey, respondent, colleague):
    one = login_respondent(Client(), respondent, survey.wave)
    two = login_respondent(Client(), colleague, survey.wave)
    assert one.cookies["sessionid"].value != two.cookies["sessionid"].value


def test_respondent_link_command_revokes_links_and_ends_their_sessions(survey, respondent, capsys):
    client = login_respondent(Client(), respondent, survey.wave)

    call_command(
        "respondent_link",
        "ekommune-test",
        survey.organisation.number,
        "--email",
        respondent.email,
        "--revoke",
    )

    assert "Revoked 1 link" in capsys.readouterr().out
    assert client.get(OVERVIEW).status_code == 403


def test_respondent_link_command_explains_unknown_wave_and_organisation(survey):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No wave"):
        call_command("respondent_link", "finnes-ikke", "0301")
    with pytest.raises(CommandError, match="takes part"):
        call_command("respondent_link", "ekommune-test", "9999")
    with pytest.raises(CommandError, match="no active contact"):
        call_command("respondent_link", "ekommune-test", survey.other_organisation.number)


def test_the_review_says_once_per_section_who_answered_it(respondent_client, colleague_client):
    post_section(respondent_client, GENERAL, {"plan": "nei"})
    post_section(colleague_client, GENERAL, {"plan": "nei", "employees": "3"})

    html = respondent_client.get(REVIEW).content.decode()

    assert "Besvart av Kari Nordmann, Ola Kollega, sist endret" in html
    assert html.count("Besvart av") == 1  # the other sections are unanswered
    assert "Sist endret av" not in html


def test_without_javascript_a_removed_follow_up_answer_is_named_with_the_reason(
    respondent_client, survey
):
    response = post_section(respondent_client, GENERAL, {"plan": "nei", "plan_note": "Vår plan"})
    page = respondent_client.get(response["Location"]).content.decode()

    assert "Lagret kl." in page
    assert "Disse svarene er fjernet fordi spørsmålene ikke gjelder" in page
    assert "«Beskriv planen»" in page
    assert "plan_note" not in answers_of(survey.organisation)


def test_a_follow_up_that_applies_is_saved_without_a_removal_notice(respondent_client, survey):
    response = post_section(respondent_client, GENERAL, {"plan": "ja", "plan_note": "Vår plan"})
    page = respondent_client.get(response["Location"]).content.decode()

    assert "er fjernet" not in page
    assert answers_of(survey.organisation)["plan_note"] == "Vår plan"
