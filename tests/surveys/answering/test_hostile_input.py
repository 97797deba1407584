"""Hostile and mangled input on every respondent form: a clear answer, never a server error."""

import pytest
from django.test import Client

from surveys.models import Answer, AnswerSet

BASE = "/svar/ekommune-test/3101/"
GENERAL = f"{BASE}del/generelt/"
SERVICES = f"{BASE}del/tjenester/"
DEEP = "[" * 5000 + "]" * 5000

HOSTILE = [
    "",
    "x" * 200_000,
    DEEP,
    "{" * 5000,
    '{"plan": ' * 3000 + "1" + "}" * 3000,
    "\x00",
    "ja\x00nei",
    "\x01\x02\x7f\ufffd\u202e",
    "9" * 5000,
    "-1",
    "1e400",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    '{"plan": -1, "employees": 1e400, "x": [1]}',
    '{"plan": 99999999999999999999999999}',
    "<script>alert(1)</script>",
    ["ja", "nei"],
    ["a"] * 500,
]


def answers_of(organisation):
    return dict(
        Answer.objects.filter(answer_set__organisation=organisation).values_list(
            "question__key", "value"
        )
    )


@pytest.mark.parametrize("url", [GENERAL, f"{GENERAL}autolagre/"])
def test_deeply_nested_revisions_are_refused_with_a_message(respondent_client, survey, url):
    response = respondent_client.post(
        url,
        {"revisions": DEEP, "organisation": "3101", "plan": "ja", "plan_note": "Min tekst"},
        HTTP_ACCEPT="application/json" if "autolagre" in url else "text/html",
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Skjemaet kom ikke riktig fram" in body
    if "autolagre" not in url:
        assert "Min tekst" in body  # what was typed is still in the form
    assert answers_of(survey.organisation) == {}


def test_revisions_that_are_not_a_json_object_are_refused(respondent_client, survey):
    for raw in ("[1, 2]", "ikke json", "x" * 30_000):
        response = respondent_client.post(
            GENERAL, {"revisions": raw, "organisation": "3101", "plan": "ja"}
        )
        assert response.status_code == 400, raw
    assert answers_of(survey.organisation) == {}


def test_a_single_choice_posted_with_two_values_is_an_error_in_the_users_language(
    respondent_client, survey
):
    response = respondent_client.post(
        GENERAL, {"revisions": "{}", "organisation": "3101", "plan": ["ja", "nei"]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Velg bare ett svar her." in html
    assert 'id="error-summary"' in html
    assert answers_of(survey.organisation) == {}


def test_a_single_choice_posted_twice_is_an_error_in_english_too(respondent_client, survey):
    respondent_client.cookies["ekommune_language"] = "en"

    response = respondent_client.post(
        f"{GENERAL}autolagre/",
        {"revisions": "{}", "organisation": "3101", "plan": ["ja", "nei"], "employees": "3"},
        HTTP_ACCEPT="application/json",
    )

    assert response.json()["errors"]["plan"] == ["Choose only one answer here."]
    assert answers_of(survey.organisation) == {"employees": 3}


def test_a_matrix_row_or_a_number_posted_twice_is_an_error(respondent_client, survey):
    response = respondent_client.post(
        SERVICES,
        {"revisions": "{}", "organisation": "3101", "maturity__byggesak": ["1", "2"]},
    )
    assert "Velg bare ett svar her." in response.content.decode()
    response = respondent_client.post(
        GENERAL, {"revisions": "{}", "organisation": "3101", "employees": ["1", "2"]}
    )
    assert "Velg bare ett svar her." in response.content.decode()
    assert answers_of(survey.organisation) == {}


def _assert_no_server_error(client, url, data, **extra):
    response = client.post(url, data, **extra)
    assert response.status_code < 500, (url, {k: str(v)[:60] for k, v in data.items()})
    return response


def test_every_respondent_form_field_survives_hostile_values(respondent_client, survey):
    client = respondent_client
    section_fields = {
        GENERAL: ["revisions", "organisation", "action", "plan", "plan_note", "employees"],
        SERVICES: ["revisions", "channels", "channels__other", "maturity__byggesak"],
    }
    conflict_fields = ["conflict__plan", "conflict_revision__plan", "conflict__employees"]
    for url, fields in section_fields.items():
        base = {"revisions": "{}", "organisation": "3101", "action": "save"}
        for name in fields + conflict_fields:
            for value in HOSTILE:
                data = {**base, name: value}
                _assert_no_server_error(client, url, data)
                _assert_no_server_error(
                    client, f"{url}autolagre/", data, HTTP_ACCEPT="application/json"
                )
    for name in ("name", "email", "organisation"):
        for value in HOSTILE:
            data = {"name": "Ny", "email": "ny@example.invalid", "organisation": "3101"}
            _assert_no_server_error(client, f"{BASE}kollega/", {**data, name: value})
    for name in ("confirm", "organisation"):
        for value in HOSTILE:
            data = {"confirm": "yes", "organisation": "3101", name: value}
            _assert_no_server_error(client, f"{BASE}innsending/", data)
            _assert_no_server_error(client, f"{BASE}gjenapne/", {"organisation": value})
    for value in HOSTILE:
        _assert_no_server_error(client, f"{BASE}forleng/", {"organisation": value})
    assert AnswerSet.objects.filter(organisation=survey.other_organisation).count() == 0


def test_mangled_bodies_and_tokens_get_no_server_error(respondent_client, survey):
    for body in (b"\xff\xfe\x00=\x80\x81", b"plan=%FF%FE&revisions=%5B" * 100, b"=" * 10_000):
        for url in (GENERAL, f"{GENERAL}autolagre/", f"{BASE}innsending/", f"{BASE}kollega/"):
            response = respondent_client.generic(
                "POST", url, body, content_type="application/x-www-form-urlencoded"
            )
            assert response.status_code < 500, (url, body[:20])
    response = respondent_client.generic(
        "POST", GENERAL, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code < 500
    anonymous = Client()
    for token in ("x" * 5000, "%00", "..%2F..", "\u202e" * 50):
        assert anonymous.get(f"/i/{token}/").status_code < 500
