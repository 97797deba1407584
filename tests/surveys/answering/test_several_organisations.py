"""One person answering for several organisations in one browser: every address names the
organisation, and every write lands in the organisation of the page it came from."""

import pytest
from django.test import Client

from surveys.models import Answer, AnswerSet
from tests import builders

HALDEN = "/svar/ekommune-test/3101/"
MOSS = "/svar/ekommune-test/3102/"


@pytest.fixture
def shared_it_manager(survey):
    """The IT manager of an inter-municipal service: contact for both organisations."""
    return (
        builders.make_contact(
            organisation=survey.organisation, name="Ida IKT", email="ida@ikt.example.invalid"
        ),
        builders.make_contact(
            organisation=survey.other_organisation,
            name="Ida IKT",
            email="ida@ikt.example.invalid",
        ),
    )


@pytest.fixture
def two_tabs(survey, shared_it_manager):
    """One browser (one session) that opened the first organisation's link, then the second's."""
    client = Client()
    for contact in shared_it_manager:
        token = builders.make_access_link(contact=contact, wave=survey.wave)
        assert client.get(f"/i/{token}/").status_code == 302
    return client


def answers_of(organisation):
    return dict(
        Answer.objects.filter(answer_set__organisation=organisation).values_list(
            "question__key", "value"
        )
    )


def form_fields(page) -> dict[str, str]:
    html = page.content.decode()
    fields = {}
    for name in ("revisions", "organisation"):
        marker = f'name="{name}"'
        start = html.index(marker)
        value_at = html.index('value="', start) + len('value="')
        fields[name] = html[value_at : html.index('"', value_at)].replace("&quot;", '"')
    return fields


def test_opening_a_second_link_keeps_the_first_organisation_open(two_tabs, survey):
    first = two_tabs.get(HALDEN)
    second = two_tabs.get(MOSS)

    assert first.status_code == 200 and "Testnes kommune" in first.content.decode()
    assert second.status_code == 200 and "Andre kommune" in second.content.decode()


def test_a_person_with_several_organisations_chooses_from_a_list(two_tabs, survey):
    response = two_tabs.get("/svar/ekommune-test/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{HALDEN}"' in html and f'href="{MOSS}"' in html
    assert "Bytt organisasjon" in two_tabs.get(HALDEN).content.decode()


def test_with_one_organisation_the_list_goes_straight_to_it(respondent_client):
    response = respondent_client.get("/svar/ekommune-test/")

    assert response.status_code == 302 and response["Location"] == HALDEN
    assert "Bytt organisasjon" not in respondent_client.get(HALDEN).content.decode()


def test_a_section_saved_in_the_first_tab_lands_in_the_first_organisation(
    two_tabs, survey, shared_it_manager
):
    halden_page = two_tabs.get(f"{HALDEN}del/generelt/")  # tab 1
    two_tabs.get(f"{MOSS}del/generelt/")  # tab 2, opened after tab 1

    response = two_tabs.post(
        f"{HALDEN}del/generelt/",
        {**form_fields(halden_page), "action": "save", "plan": "ja"},
    )

    assert response.status_code == 302
    assert answers_of(survey.organisation) == {"plan": "ja"}
    assert answers_of(survey.other_organisation) == {}
    stored = Answer.objects.get(answer_set__organisation=survey.organisation)
    assert stored.changed_by == shared_it_manager[0]


def test_an_autosave_in_the_first_tab_lands_in_the_first_organisation(two_tabs, survey):
    halden_page = two_tabs.get(f"{HALDEN}del/generelt/")
    two_tabs.get(f"{MOSS}del/generelt/")

    response = two_tabs.post(
        f"{HALDEN}del/generelt/autolagre/",
        {**form_fields(halden_page), "plan": "nei"},
        HTTP_ACCEPT="application/json",
    )

    assert response.json()["status"] == "saved"
    assert answers_of(survey.organisation) == {"plan": "nei"}
    assert answers_of(survey.other_organisation) == {}


def test_submit_and_reopen_act_on_the_organisation_of_their_page(two_tabs, survey):
    page = two_tabs.get(f"{HALDEN}del/generelt/")
    two_tabs.post(f"{HALDEN}del/generelt/", {**form_fields(page), "plan": "nei"})
    two_tabs.get(MOSS)

    submitted = two_tabs.post(f"{HALDEN}innsending/", {"confirm": "yes", "organisation": "3101"})

    assert submitted.status_code == 302 and submitted["Location"] == f"{HALDEN}kvittering/"
    statuses = dict(AnswerSet.objects.values_list("organisation__number", "status"))
    assert statuses == {"3101": "submitted", "3102": "in_progress"}

    reopened = two_tabs.post(f"{HALDEN}gjenapne/", {"organisation": "3101"})

    assert reopened.status_code == 302
    statuses = dict(AnswerSet.objects.values_list("organisation__number", "status"))
    assert statuses == {"3101": "in_progress", "3102": "in_progress"}


def test_a_colleague_is_invited_to_the_organisation_of_the_page(
    two_tabs, survey, mailoutbox, django_capture_on_commit_callbacks
):
    two_tabs.get(MOSS)
    with django_capture_on_commit_callbacks(execute=True):
        response = two_tabs.post(
            f"{HALDEN}kollega/",
            {"name": "Nils Ny", "email": "nils@example.invalid", "organisation": "3101"},
        )

    assert response.status_code == 302
    assert survey.organisation.contacts.filter(email="nils@example.invalid").exists()
    assert not survey.other_organisation.contacts.filter(email="nils@example.invalid").exists()
    assert "Testnes kommune" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("del/generelt/", {"revisions": "{}", "action": "save", "plan": "ja"}),
        ("del/generelt/autolagre/", {"revisions": "{}", "plan": "ja"}),
        ("innsending/", {"confirm": "yes"}),
        ("gjenapne/", {}),
        ("kollega/", {"name": "Nils Ny", "email": "nils@example.invalid"}),
    ],
)
@pytest.mark.parametrize("posted_for", ["3102", "", None])
def test_a_post_for_another_organisation_than_its_address_is_refused_and_writes_nothing(
    two_tabs, survey, path, data, posted_for
):
    before = (Answer.objects.count(), AnswerSet.objects.filter(status="submitted").count())
    contacts = survey.organisation.contacts.count()
    if posted_for is not None:
        data = {**data, "organisation": posted_for}

    response = two_tabs.post(f"{HALDEN}{path}", data, HTTP_ACCEPT="text/html")

    assert response.status_code == 409
    assert "ingenting ble lagret" in response.content.decode()
    assert (Answer.objects.count(), AnswerSet.objects.filter(status="submitted").count()) == before
    assert survey.organisation.contacts.count() == contacts


def test_a_refused_section_post_shows_what_was_typed(two_tabs, survey):
    response = two_tabs.post(
        f"{HALDEN}del/generelt/",
        {"revisions": "{}", "organisation": "3102", "plan": "ja", "plan_note": "Min lange tekst"},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Min lange tekst" in html
    assert f'href="{HALDEN}"' in html


def test_an_autosave_for_another_organisation_is_refused_in_json(two_tabs, survey):
    response = two_tabs.post(
        f"{HALDEN}del/generelt/autolagre/",
        {"revisions": "{}", "organisation": "3102", "plan": "ja"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 409
    assert response.json()["status"] == "wrong_organisation"
    assert answers_of(survey.organisation) == {}


def test_revoking_one_link_leaves_the_other_organisation_open(two_tabs, survey, shared_it_manager):
    from surveys.answering import links

    links.invitation_link_revoke(contact=shared_it_manager[0], wave=survey.wave)

    assert two_tabs.get(HALDEN).status_code == 403
    assert two_tabs.get(MOSS).status_code == 200


def test_an_organisation_the_session_has_no_link_for_is_not_found(respondent_client, survey):
    assert respondent_client.get(MOSS).status_code == 404
    assert (
        respondent_client.post(f"{MOSS}del/generelt/", {"organisation": "3102"}).status_code == 404
    )
    assert answers_of(survey.other_organisation) == {}


def test_logging_out_ends_every_organisation(two_tabs):
    two_tabs.post("/svar/logg-ut/")

    assert two_tabs.get(HALDEN).status_code == 403
    assert two_tabs.get(MOSS).status_code == 403
