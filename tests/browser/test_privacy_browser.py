"""The privacy pages in a real browser: axe-core (WCAG 2.1 AA) at 320 and 1280 px wide, and no
horizontal scrolling of the page at 320 px."""

import pytest

from tests import builders
from tests.browser.test_dashboard_browser import logged_in_context
from tests.browser.test_respondent_journey import assert_accessible
from tests.privacy.traces import EMAIL, grant_privacy, make_traces

pytestmark = pytest.mark.browser


def check(page, url: str) -> None:
    if url:
        response = page.goto(url)
        assert response.status == 200, url
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url


@pytest.mark.parametrize("width", [320, 1280])
def test_privacy_pages_are_accessible_at_320_and_1280_px(
    transactional_db, live_server, browser, browser_settings, survey, width
):
    traces = make_traces(survey)
    base = live_server.url
    user = grant_privacy(
        builders.make_staff(), "view_personal_data", "erase_personal_data", "surveys.view_answerset"
    )
    staff = logged_in_context(browser, base, user)
    page = staff.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    answer_set = traces.survey.organisation.answer_sets.get()

    check(page, f"{base}/personvern/")
    check(page, f"{base}/tilgjengelighet/")
    check(page, f"{base}/staff/personvern/lagringstid/")
    check(page, f"{base}/staff/personvern/svarsett/{answer_set.pk}/historikk/")
    check(page, f"{base}/staff/personvern/")
    page.get_by_label("E-postadresse").fill("ikke en adresse")
    page.get_by_role("button", name="Søk").click()
    check(page, "")  # the form with its error
    page.get_by_label("E-postadresse").fill(EMAIL)
    page.get_by_role("button", name="Søk").click()
    assert page.get_by_text("Digitaliseringsrådgiver").count() >= 1
    check(page, "")  # the report
    page.get_by_role("link", name="Slett kontaktpersonen i").first.click()
    check(page, "")  # the confirmation
    page.get_by_role("button", name="Slett kontaktpersonen").click()
    assert page.get_by_text("Kontaktpersonen er slettet.").count() == 1
    check(page, "")
    staff.close()

    respondent = browser.new_context(locale="nb-NO")
    page = respondent.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(
        f"{base}/i/{builders.make_access_link(contact=traces.colleague, wave=traces.survey.wave)}/"
    )
    check(
        page,
        f"{base}/svar/{traces.survey.wave.slug}/{traces.survey.organisation.number}/historikk/",
    )
    assert page.get_by_text("Slettet kontaktperson").count() >= 1
    respondent.close()
