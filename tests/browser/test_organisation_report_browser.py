"""One organisation's report in a real browser, for staff and for the organisation's contact
after publication: accessible at 320 and 1280 px, no horizontal scrolling, no CSP violations."""

import pytest
from django.utils import timezone

from surveys.analysis.report_pdf import pdf_available
from tests import builders
from tests.browser.test_dashboard_browser import AXE_OPTIONS, logged_in_context
from tests.surveys.analysis.test_organisation_report import Setup
from tests.surveys.results_data import analyst

pytestmark = pytest.mark.browser


def _check(page, url: str, width: int, problems: list) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, (url, results.generate_report())
    assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    assert problems == [], url


def _watch(page, width: int) -> list:
    page.set_viewport_size({"width": width, "height": 900})
    problems: list = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return problems


@pytest.mark.parametrize("width", [320, 1280])
def test_staff_search_and_read_an_organisations_report(
    width, transactional_db, live_server, browser, browser_settings
):
    setup = Setup(county_others=4)
    base = live_server.url
    context = logged_in_context(browser, base, analyst("view_results"))
    page = context.new_page()
    problems = _watch(page, width)
    slug = setup.wave.slug

    _check(page, f"{base}/staff/results/{slug}/organisations/", width, problems)
    page.get_by_label("Søk etter navn eller nummer").fill("Halden")
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name="Halden kommune").click()
    assert "for få svar" in page.content()
    _check(page, page.url, width, problems)
    if pdf_available():
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned rapporten (PDF)").click()
        assert download.value.suggested_filename.endswith(".pdf")
        assert download.value.suggested_filename.count(f"rapport-{setup.halden.number}-") == 1
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_a_contact_opens_the_report_from_the_overview_after_publication(
    width, transactional_db, live_server, browser, browser_settings
):
    setup = Setup()
    setup.wave.results_published_at = timezone.now()
    setup.wave.save(update_fields=["results_published_at"])
    contact = builders.make_contact(organisation=setup.halden)
    token = builders.make_access_link(contact=contact, wave=setup.wave)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    problems = _watch(page, width)

    page.goto(f"{live_server.url}/i/{token}/")
    page.get_by_role("link", name="Se rapporten for deres organisasjon").click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Halden kommune sammenlignet med")
    )
    _check(page, page.url, width, problems)
    if pdf_available():
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned rapporten (PDF)").click()
        assert download.value.suggested_filename.endswith(".pdf")
        assert download.value.suggested_filename.count(f"rapport-{setup.halden.number}-") == 1
    context.close()
