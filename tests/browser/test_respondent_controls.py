"""The review page's error summary and the contrast of every control's border (WCAG 1.4.11)."""

import pytest

from tests import builders

pytestmark = pytest.mark.browser

# For every visible form control: its border colour against the colour behind it.
BORDER_CONTRASTS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const colour = rgb(getComputedStyle(e).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((e) => e.type !== "hidden" && e.getClientRects().length)
    .filter((e) => getComputedStyle(e).opacity !== "0")
    .map((e) => {
      const style = getComputedStyle(e);
      const [a, b] = [luminance(rgb(style.borderTopColor)), luminance(background(e))];
      return {
        control: (e.type || e.tagName) + "#" + e.id,
        ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
      };
    });
}"""


def low_contrast_controls(page) -> list[dict]:
    contrasts = page.evaluate(BORDER_CONTRASTS)
    assert contrasts, "no controls measured"
    return [c for c in contrasts if c["ratio"] < 3]


def test_every_control_on_the_respondent_pages_has_a_border_of_3_to_1(
    transactional_db, live_server, browser, survey, respondent
):
    base = live_server.url
    survey_url = f"{base}/svar/ekommune-test/3101"
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    seen = set()
    for path in ["/", "/del/generelt/", "/del/tjenester/", "/del/kommentarer/", "/innsending/"]:
        page.goto(f"{survey_url}{path}")
        if path == "/del/generelt/":
            page.get_by_label("Ja").check()  # shows the follow-up text field
        assert low_contrast_controls(page) == [], path
        seen |= {c["control"].split("#")[0] for c in page.evaluate(BORDER_CONTRASTS)}
    # The language select in the header, radios, checkboxes and text fields were all measured.
    assert {"select-one", "radio", "checkbox", "textarea"} <= seen, seen
    page.context.close()


def test_submitting_without_confirming_moves_focus_to_a_summary_that_links_to_the_box(
    transactional_db, live_server, browser, survey, respondent
):
    base = live_server.url
    survey_url = f"{base}/svar/ekommune-test/3101"
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    page.goto(f"{survey_url}/del/generelt/")
    page.get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre", exact=True).click()

    page.goto(f"{survey_url}/innsending/")
    page.get_by_role("button", name="Send inn svarene").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = summary.get_by_role("link", name="Kryss av for at svarene er klare")
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_confirm"
    assert page.title().startswith("Feil:")
    page.context.close()


def test_remove_answer_is_offered_only_while_an_option_is_chosen(
    transactional_db, live_server, browser, survey, respondent
):
    base = live_server.url
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    page.goto(f"{base}/svar/ekommune-test/3101/del/generelt/")
    remove = page.get_by_role("button", name="Fjern svaret")
    assert remove.count() == 0
    page.get_by_label("Nei").check()
    remove.click()
    assert not page.get_by_label("Nei").is_checked()
    assert remove.count() == 0


def test_the_header_is_at_most_two_rows_on_a_phone_and_the_section_says_where_you_are(
    transactional_db, live_server, browser, survey, respondent
):
    base = live_server.url
    page = browser.new_context(locale="nb-NO").new_page()
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{base}/i/{builders.make_access_link(contact=respondent, wave=survey.wave)}/")
    page.goto(f"{base}/svar/ekommune-test/3101/del/tjenester/")
    assert page.locator(".site-header").get_by_text(survey.wave.title).is_visible()
    assert page.get_by_text("Del 2 av 3: Tjenester").is_visible()
    header = page.locator(".site-header").bounding_box()
    # The title on one line, the menu on one line (not a column of links), the language.
    assert header["height"] < 140, header
