"""axe-core (WCAG 2.1 AA) on the respondent pages the journey test does not reach."""

import pytest

from tests import builders
from tests.browser.test_respondent_journey import assert_accessible

pytestmark = pytest.mark.browser


def test_review_conflict_read_only_and_error_pages_are_accessible(
    transactional_db, live_server, browser, survey, respondent, colleague
):
    base = live_server.url
    survey_url = f"{base}/svar/ekommune-test/3101"
    mine = browser.new_context(locale="nb-NO").new_page()
    theirs = browser.new_context(locale="nb-NO").new_page()
    mine.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    theirs.goto(f"{base}/i/{builders.make_access_link(contact=colleague, wave=survey.wave)}/")

    # The review with problems listed per section.
    mine.goto(f"{survey_url}/innsending/")
    mine.get_by_role("button", name="Send inn svarene").click()
    assert mine.locator("#error-summary").is_visible()
    assert_accessible(mine)

    # The colleague invitation with errors.
    mine.goto(f"{survey_url}/kollega/")
    mine.get_by_role("button", name="Send invitasjon").click()
    assert_accessible(mine)

    # A conflict between two colleagues.
    mine.goto(f"{survey_url}/del/kommentarer/")
    theirs.goto(f"{survey_url}/del/kommentarer/")
    theirs.get_by_label("Kommentar").fill("Kollegaens tekst")
    theirs.get_by_role("button", name="Lagre", exact=True).click()
    mine.route("**/autolagre/", lambda route: route.abort())  # use the Save button only
    mine.get_by_label("Kommentar").fill("Min tekst")
    mine.get_by_role("button", name="Lagre", exact=True).click()
    assert mine.get_by_text("Kollegaens tekst").count() >= 1
    assert_accessible(mine)
    mine.unroute("**/autolagre/")
    mine.get_by_label("Bruk kollegaens svar").check()
    mine.get_by_role("button", name="Lagre valget").click()
    assert mine.get_by_label("Kommentar").input_value() == "Kollegaens tekst"

    # After submit: the overview and a read-only section.
    mine.goto(f"{survey_url}/del/generelt/")
    mine.get_by_label("Nei").check()
    mine.get_by_role("button", name="Lagre", exact=True).click()
    mine.goto(f"{survey_url}/innsending/")
    mine.get_by_label("Jeg bekrefter").check()
    mine.get_by_role("button", name="Send inn svarene").click()
    mine.goto(f"{survey_url}/")
    assert_accessible(mine)
    mine.goto(f"{survey_url}/del/generelt/")
    assert mine.get_by_label("Nei").is_disabled()
    assert_accessible(mine)

    # The session has ended; a link that does not work.
    mine.context.clear_cookies()
    mine.goto(f"{survey_url}/")
    assert_accessible(mine)
    mine.goto(f"{base}/i/not-a-valid-token/")
    assert_accessible(mine)
    mine.context.close()
    theirs.context.close()
