"""No horizontal scrolling (WCAG 1.4.10 Reflow) on the bundled 2011 questionnaire: every
section at 320 and 375 px, the overview, the review, the receipt and a multiple-choice results
page at 320, 375 and 1280 px."""

import pytest

from surveys.models import AnswerSet, Section
from tests import builders
from tests.browser.test_dashboard_browser import logged_in_context
from tests.surveys.results_data import analyst, build_2011_wave

pytestmark = pytest.mark.browser

PHONE_WIDTHS = [320, 375]
WIDTHS = [320, 375, 1280]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


WIDER_THAN_THE_VIEWPORT = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode() && found.length < 5) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    if (range.getBoundingClientRect().right > limit) {
      const text = walker.currentNode.textContent.trim().slice(0, 40);
      found.push(walker.currentNode.parentElement.tagName + " " + text);
    }
  }
  return found;
}"""


def offenders(page) -> list[str]:
    """The first elements that stick out on the right, to say what made a page too wide."""
    return page.evaluate(WIDER_THAN_THE_VIEWPORT)


@pytest.fixture
def wave_2011(transactional_db):
    return build_2011_wave(kommuner=5)


def _respondent_page(browser, base, wave, organisation):
    contact = builders.make_contact(organisation=organisation, name="Kari Nordmann")
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=contact, wave=wave)}/")
    return page


def test_no_section_of_the_bundled_questionnaire_scrolls_sideways_on_a_phone(
    wave_2011, live_server, browser
):
    wave, organisations = wave_2011
    in_progress = next(
        o
        for o in organisations
        if AnswerSet.objects.get(wave=wave, organisation=o).status == AnswerSet.Status.IN_PROGRESS
    )
    page = _respondent_page(browser, live_server.url, wave, in_progress)
    answer_set_url = f"{live_server.url}/svar/{wave.slug}/{in_progress.number}"
    urls = [f"{answer_set_url}/", f"{answer_set_url}/innsending/"] + [
        f"{answer_set_url}/del/{key}/"
        for key in Section.objects.filter(wave=wave).values_list("key", flat=True)
    ]
    too_wide = []
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            page.goto(url)
            if page_width(page) > width:
                too_wide.append((width, url, page_width(page), offenders(page)))
    assert too_wide == []
    # A matrix on a phone: one group per statement, its options labelled on screen.
    page.goto(f"{answer_set_url}/del/lokaldemokrati/")
    group = page.get_by_role("group", name="Blogg", exact=True)
    assert group.get_by_role("radio").count() == 5
    assert group.get_by_text("I stor grad", exact=True).is_visible()
    page.context.close()


def test_overview_section_review_receipt_and_results_fit_at_every_width(
    wave_2011, live_server, browser
):
    wave, organisations = wave_2011
    submitted = next(
        o
        for o in organisations
        if AnswerSet.objects.get(wave=wave, organisation=o).status == AnswerSet.Status.SUBMITTED
    )
    base = live_server.url
    answer_set_url = f"{base}/svar/{wave.slug}/{submitted.number}"
    respondent = _respondent_page(browser, base, wave, submitted)
    staff = logged_in_context(browser, base, analyst("view_results")).new_page()
    pages = [
        (respondent, "overview", f"{answer_set_url}/"),
        (respondent, "matrix", f"{answer_set_url}/del/lokaldemokrati/"),
        (respondent, "review", f"{answer_set_url}/innsending/"),
        (respondent, "receipt", f"{answer_set_url}/kvittering/"),
        (staff, "results", f"{base}/staff/results/{wave.slug}/q/elektroniske_tjenester/"),
    ]
    measured = {}
    for width in WIDTHS:
        for page, name, url in pages:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url)
            measured[(name, width)] = page_width(page)
            if measured[(name, width)] > width:
                print(name, width, offenders(page))
    print("\nscrollWidth:", measured)
    # Matrix answers on the receipt are small tables, not a run of semicolons.
    respondent.goto(f"{answer_set_url}/kvittering/")
    assert respondent.locator("table.answer-matrix").count() > 0
    assert {key: value for key, value in measured.items() if value > key[1]} == {}


def test_the_favicon_is_one_of_our_static_files(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_overview_matrix_section_and_review_pass_axe_on_a_phone_in_every_language(
    language, wave_2011, live_server, browser
):
    from django.conf import settings

    from tests.browser.test_respondent_journey import assert_accessible

    wave, organisations = wave_2011
    in_progress = next(
        o
        for o in organisations
        if AnswerSet.objects.get(wave=wave, organisation=o).status == AnswerSet.Status.IN_PROGRESS
    )
    page = _respondent_page(browser, live_server.url, wave, in_progress)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    answer_set_url = f"{live_server.url}/svar/{wave.slug}/{in_progress.number}"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in ["/", "/del/lokaldemokrati/", "/innsending/"]:
            page.goto(f"{answer_set_url}{path}")
            assert page.locator("html").get_attribute("lang") == language
            assert page_width(page) <= width, (width, path)
            assert_accessible(page)
    page.context.close()
