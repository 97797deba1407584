"""The whole respondent journey in a real browser, with axe-core on the key pages."""

import pytest

from tests import builders

pytestmark = pytest.mark.browser

# WCAG 2.1 A and AA, the level the platform promises.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_respondent_journey_from_link_to_receipt(
    transactional_db,
    live_server,
    browser,
    browser_settings,
    survey,
    respondent,
    colleague,
):
    base = live_server.url
    link = builders.make_access_link(contact=respondent, wave=survey.wave)
    colleague_link = builders.make_access_link(contact=colleague, wave=survey.wave)

    # --- The first contact opens the link and answers three sections.
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{link}/")
    assert page.url == f"{base}/svar/ekommune-test/3101/"
    assert link not in page.url
    assert page.title().startswith("Oversikt")
    assert_accessible(page)

    page.get_by_role("link", name="Generelt").click()
    page.get_by_label("Ja").check()
    # The conditional question appears live once "Ja" is chosen.
    page.get_by_label("Beskriv planen").fill("Vi har en plan for 2030")
    page.get_by_role("button", name="Lagre og gå til neste del").click()

    assert page.locator("h1").inner_text() == "Tjenester"
    page.get_by_label("Nettside").check()
    page.get_by_label("App").check()
    page.get_by_role("button", name="Lagre og gå til neste del").click()

    assert page.locator("h1").inner_text() == "Kommentarer"
    # Autosave: typing alone saves, and the page announces it.
    page.get_by_label("Kommentar").fill("Hilsen fra Testnes")
    page.locator("#autosave-status").get_by_text("Lagret kl.").wait_for()
    context.close()

    # --- Closing the browser loses nothing: a new session finds every answer.
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{link}/")
    page.get_by_role("link", name="Generelt").click()
    assert page.get_by_label("Ja").is_checked()
    assert page.get_by_label("Beskriv planen").input_value() == "Vi har en plan for 2030"
    page.goto(f"{base}/svar/ekommune-test/3101/del/tjenester/")
    assert page.get_by_label("Nettside").is_checked() and page.get_by_label("App").is_checked()
    page.goto(f"{base}/svar/ekommune-test/3101/del/kommentarer/")
    assert page.get_by_label("Kommentar").input_value() == "Hilsen fra Testnes"
    context.close()

    # --- A colleague of the same organisation sees the answers and extends them.
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{colleague_link}/")
    page.get_by_role("link", name="Generelt").click()
    assert page.get_by_label("Beskriv planen").input_value() == "Vi har en plan for 2030"
    page.get_by_label("Antall IKT-ansatte").fill("mange")
    page.get_by_role("button", name="Lagre", exact=True).click()

    # A section with a validation error: summary at the top, linked to the field.
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Feil:")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_employees"
    page.get_by_label("Antall IKT-ansatte").fill("7")
    page.get_by_role("button", name="Lagre", exact=True).click()
    assert not page.locator("#error-summary").count()

    # --- Submit: review, confirm, receipt.
    page.goto(f"{base}/svar/ekommune-test/3101/")
    page.get_by_role("link", name="Se over og send inn").click()
    assert "Hilsen fra Testnes" in page.content()
    page.get_by_label("Jeg bekrefter").check()
    page.get_by_role("button", name="Send inn svarene").click()

    assert page.url == f"{base}/svar/ekommune-test/3101/kvittering/"
    receipt = page.locator("main").inner_text()
    assert "Kvittering for innsendte svar" in receipt
    for expected in ("Vi har en plan for 2030", "Nettside", "App", "Hilsen fra Testnes", "7"):
        assert expected in receipt
    assert_accessible(page)
    context.close()


def test_a_session_about_to_time_out_warns_and_can_be_extended(
    transactional_db, live_server, browser, settings, survey, respondent
):
    # A very short session: the warning comes a quarter of it before the end (here 2 s).
    settings.SESSION_COOKIE_AGE = 8
    base = live_server.url
    link = builders.make_access_link(contact=respondent, wave=survey.wave)
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{link}/")
    page.get_by_role("link", name="Generelt").click()

    warning = page.locator("#session-warning")
    warning.wait_for(state="visible", timeout=15_000)
    extend = page.get_by_role("button", name="Forleng økten")
    assert page.evaluate("document.activeElement.id") == "session-extend"
    extend.click()
    warning.wait_for(state="hidden", timeout=5_000)

    # The session is still alive: a save goes through.
    page.get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre", exact=True).click()
    assert page.locator("#error-summary").count() == 0
    assert "Lagret kl." in page.locator("main").inner_text()
    context.close()


def test_everything_works_without_javascript(
    transactional_db, live_server, browser, survey, respondent
):
    from surveys.models import Answer

    base = live_server.url
    link = builders.make_access_link(contact=respondent, wave=survey.wave)
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/i/{link}/")
    page.get_by_role("link", name="Generelt").click()

    page.get_by_label("Ja").check()
    # Without JavaScript the follow-up question is always shown, with a hint.
    page.get_by_label("Beskriv planen").fill("Uten skript")
    page.get_by_role("button", name="Lagre og gå til neste del").click()

    assert page.locator("h1").inner_text() == "Tjenester"
    stored = dict(Answer.objects.values_list("question__key", "value"))
    assert stored == {"plan": "ja", "plan_note": "Uten skript"}
    context.close()


def test_a_network_error_during_autosave_keeps_the_text_and_says_so(
    transactional_db, live_server, browser, survey, respondent
):
    base = live_server.url
    link = builders.make_access_link(contact=respondent, wave=survey.wave)
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.goto(f"{base}/i/{link}/")
    page.goto(f"{base}/svar/ekommune-test/3101/del/kommentarer/")
    page.route("**/autolagre/", lambda route: route.abort())

    page.get_by_label("Kommentar").fill("Viktig tekst")

    page.locator("#autosave-status").get_by_text("nettverksfeil").wait_for()
    assert page.get_by_label("Kommentar").input_value() == "Viktig tekst"
    # The Save button still works once the network is back.
    page.unroute("**/autolagre/")
    page.get_by_role("button", name="Lagre", exact=True).click()
    assert page.get_by_label("Kommentar").input_value() == "Viktig tekst"
    assert "Lagret kl." in page.locator("main").inner_text()
    context.close()
