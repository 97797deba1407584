"""Two organisations in two tabs of one browser: each tab saves into its own organisation."""

import pytest

from surveys.models import Answer
from tests import builders
from tests.browser.test_respondent_journey import assert_accessible

pytestmark = pytest.mark.browser


def answers_of(organisation):
    return dict(
        Answer.objects.filter(answer_set__organisation=organisation).values_list(
            "question__key", "value"
        )
    )


def test_two_links_in_two_tabs_each_save_into_their_own_organisation(
    transactional_db, live_server, browser, browser_settings, survey
):
    base = live_server.url
    halden = builders.make_contact(
        organisation=survey.organisation, name="Ida IKT", email="ida@ikt.example.invalid"
    )
    moss = builders.make_contact(
        organisation=survey.other_organisation, name="Ida IKT", email="ida@ikt.example.invalid"
    )
    context = browser.new_context(locale="nb-NO")
    first_tab, second_tab = context.new_page(), context.new_page()

    # Tab 1 opens the first organisation's link and a section; then tab 2 opens the second.
    first_tab.goto(f"{base}/i/{builders.make_access_link(contact=halden, wave=survey.wave)}/")
    assert first_tab.url == f"{base}/svar/ekommune-test/3101/"
    first_tab.get_by_role("link", name="Generelt").click()
    second_tab.goto(f"{base}/i/{builders.make_access_link(contact=moss, wave=survey.wave)}/")
    assert second_tab.url == f"{base}/svar/ekommune-test/3102/"
    second_tab.get_by_role("link", name="Generelt").click()

    # Saving the first tab writes into the first organisation, not the one opened last.
    first_tab.get_by_label("Ja").check()
    first_tab.get_by_label("Beskriv planen").fill("Planen i Testnes")
    first_tab.get_by_role("button", name="Lagre", exact=True).click()
    assert "Lagret kl." in first_tab.locator("main").inner_text()
    # Autosave in the second tab writes into the second organisation.
    second_tab.get_by_label("Nei").check()
    second_tab.locator("#autosave-status").get_by_text("Lagret kl.").wait_for()

    assert answers_of(survey.organisation) == {"plan": "ja", "plan_note": "Planen i Testnes"}
    assert answers_of(survey.other_organisation) == {"plan": "nei"}
    assert "Testnes kommune" in first_tab.locator("main").inner_text()
    assert "Andre kommune" in second_tab.locator("main").inner_text()

    # The list of organisations this person answers for, at 320 and 1280 px.
    for width in (320, 1280):
        first_tab.set_viewport_size({"width": width, "height": 800})
        first_tab.goto(f"{base}/svar/ekommune-test/")
        assert first_tab.get_by_role("heading", name="Velg organisasjon").is_visible()
        assert first_tab.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(first_tab)
    first_tab.get_by_role("link", name="Andre kommune").click()
    assert first_tab.url == f"{base}/svar/ekommune-test/3102/"
    context.close()
