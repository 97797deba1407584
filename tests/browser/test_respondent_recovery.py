"""Pages that recover what a person typed: a failed CSRF check and a refused form."""

import pytest

from surveys.models import Answer
from tests import builders
from tests.browser.test_respondent_journey import assert_accessible

pytestmark = pytest.mark.browser

GENERAL = "/svar/ekommune-test/3101/del/generelt/"


def test_a_stale_security_key_on_the_save_button_loses_nothing(
    transactional_db, live_server, browser, browser_settings, survey, respondent
):
    # The Save button posts the form as a browser without JavaScript does; JavaScript stays
    # on only so that axe-core can check the page.
    base = live_server.url
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    page.goto(f"{base}{GENERAL}")
    page.get_by_label("Ja").check()
    page.get_by_label("Beskriv planen").fill("Første linje\nAndre linje")
    # The page was left open until its security key no longer matches the browser's.
    context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": base}])

    page.get_by_role("button", name="Lagre", exact=True).click()

    assert page.get_by_role("heading", name="Ikke lagret ennå").is_visible()
    assert "Andre linje" in page.locator("main").inner_text()
    assert not Answer.objects.exists()
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

    page.get_by_role("button", name="Lagre på nytt").click()

    assert page.locator("h1").inner_text() == "Generelt"
    stored = dict(Answer.objects.values_list("question__key", "value"))
    # Exactly what the Save button would have stored (browsers send a textarea's line
    # breaks as CR LF).
    assert stored == {"plan": "ja", "plan_note": "Første linje\r\nAndre linje"}
    context.close()


def test_the_refusal_of_a_form_for_another_organisation_is_accessible(
    transactional_db, live_server, browser, browser_settings, survey, respondent
):
    base = live_server.url
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    page.goto(f"{base}{GENERAL}")
    # A form that names another organisation than its address (tampered, or a bug).
    page.locator("input[name=organisation]").evaluate("input => input.value = '3102'")
    page.get_by_label("Ja").check()
    page.get_by_label("Beskriv planen").fill("Min tekst")

    page.get_by_role("button", name="Lagre", exact=True).click()

    assert page.get_by_role("heading", name="Ikke lagret", exact=True).is_visible()
    assert "Min tekst" in page.locator("main").inner_text()
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
    assert not Answer.objects.exists()
    context.close()
