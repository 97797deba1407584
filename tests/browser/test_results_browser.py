"""Results pages with paged free texts and the PDF progress page in a real browser:
accessible at 320 and 1280 px, no horizontal scrolling, no CSP violations."""

import pytest

from surveys.models import AnswerSet
from tests import builders
from tests.browser.test_dashboard_browser import AXE_OPTIONS, logged_in_context
from tests.surveys.results_data import analyst, build_wave

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 1280])
def test_free_text_pages_and_the_pdf_progress_page_are_accessible(
    width, transactional_db, live_server, browser, browser_settings
):
    from axe_playwright_python.sync_playwright import Axe

    browser_settings.RESULTS_TEXT_PAGE_SIZE = 5
    data = build_wave()
    for index in range(12):
        answer_set = builders.make_answer_set(
            wave=data.wave,
            organisation=builders.make_organisation(
                edition=data.wave.edition, number=f"55{index:02d}", name=f"Kommune B{index:02d}"
            ),
            status=AnswerSet.Status.SUBMITTED,
        )
        builders.make_answer(
            answer_set=answer_set, question=data.comments, value=f"Svar nummer {index}"
        )
    base = live_server.url
    context = logged_in_context(browser, base, analyst("view_results"))
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )

    pages = [
        f"{base}/staff/results/{data.wave.slug}/q/{data.comments.key}/",
        f"{base}/staff/results/{data.wave.slug}/q/{data.comments.key}/?tekst=nummer#texts",
    ]
    if _pdf_available():
        pages.append(f"{base}/staff/results/{data.wave.slug}/report.pdf")
    for url in pages:
        page.goto(url)
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, (url, results.generate_report())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url

    page.goto(pages[0])
    page.get_by_label("Søk i svarene").fill("nummer 1")
    page.get_by_role("button", name="Søk").click()
    assert "Svar som inneholder «nummer 1»: 3." in page.content()  # 1, 10 and 11
    assert problems == []
    context.close()


def _pdf_available() -> bool:
    from surveys.analysis.report_pdf import pdf_available

    return pdf_available()
