"""A form whose CSRF check fails keeps what the person typed and can be saved again."""

import re

import pytest
from django.test import Client

from surveys.models import Answer
from tests.conftest import login_respondent

GENERAL = "/svar/ekommune-test/3101/del/generelt/"


@pytest.fixture
def strict_client(survey, respondent):
    """A browser whose CSRF cookie no longer matches the page (expired, or cleared)."""
    client = login_respondent(Client(enforce_csrf_checks=True), respondent, survey.wave)
    client.get(GENERAL)
    client.cookies["csrftoken"] = "x" * 32
    return client


def hidden_fields(html: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value.replace("&quot;", '"'))
    return fields


def test_a_respondent_form_that_fails_the_csrf_check_keeps_the_typed_answer(strict_client, survey):
    typed = {
        "revisions": "{}",
        "organisation": "3101",
        "action": "save",
        "plan": "ja",
        "plan_note": "En lang tekst jeg ikke vil miste",
        "csrfmiddlewaretoken": "stale-token-from-an-old-page-0123456789abcdefghijklmnopqrst",
    }

    response = strict_client.post(GENERAL, typed)

    html = response.content.decode()
    assert response.status_code == 403
    assert "Ikke lagret ennå" in html and "<title>Ikke lagret ennå – KS</title>" in html
    assert "En lang tekst jeg ikke vil miste" in html
    assert "Beskriv planen" in html
    assert not Answer.objects.exists()

    # The page carries everything typed and a fresh token: one click saves it.
    again = hidden_fields(html)
    assert again["plan_note"] == ["En lang tekst jeg ikke vil miste"]
    saved = strict_client.post(GENERAL, again)
    assert saved.status_code == 302
    stored = dict(Answer.objects.values_list("question__key", "value"))
    assert stored == {"plan": "ja", "plan_note": "En lang tekst jeg ikke vil miste"}


def test_autosave_with_a_failed_csrf_check_answers_json(strict_client):
    response = strict_client.post(
        f"{GENERAL}autolagre/",
        {"organisation": "3101", "plan": "ja"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 403
    assert response.json()["status"] == "csrf"
    assert not Answer.objects.exists()


def test_a_form_posted_from_another_site_gets_no_offer_to_save(strict_client):
    response = strict_client.post(
        GENERAL,
        {"organisation": "3101", "plan": "nei", "plan_note": "Fra en annen side"},
        HTTP_ORIGIN="https://evil.example",
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "Fra en annen side" not in html
    assert "Lagre på nytt" not in html
    assert "Skjemaet ble ikke sendt" in html


def test_a_staff_form_with_a_failed_csrf_check_gets_the_product_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "x", "password": "y"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "Skjemaet ble ikke sendt" in html
    assert "CSRF verification failed" not in html
