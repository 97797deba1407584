"""The questionnaire editor in a real browser: a KS administrator edits a draft wave, previews
it in nynorsk, and a nynorsk respondent answers the edited questionnaire."""

import pytest
from django.urls import reverse

from surveys.definitions import export_definition, load_definition, parse_definition
from surveys.models import Answer, Wave
from tests import builders
from tests.browser.test_dashboard_browser import logged_in_context
from tests.browser.test_respondent_journey import assert_accessible
from tests.surveys.administration.test_editor import DEFINITION
from tests.surveys.dashboard_fixtures import grant

pytestmark = pytest.mark.browser


def assert_accessible_at_both_widths(page) -> None:
    for width, height in ((320, 640), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"horizontal scrolling at {width} px on {page.url}"


def test_an_administrator_edits_a_draft_wave_and_a_nynorsk_respondent_answers_it(
    transactional_db, live_server, browser, browser_settings
):
    builders.make_edition(year=2012)
    wave = load_definition(parse_definition(DEFINITION, filename="utkast.yaml")).wave
    assert wave.status == Wave.Status.DRAFT
    staff = grant(builders.make_staff(), "change_question")
    base = live_server.url
    editor_url = base + reverse("surveys:editor", args=[wave.slug])
    context = logged_in_context(browser, base, staff)
    page = context.new_page()

    # The editor: sections and questions in order.
    page.goto(editor_url)
    assert_accessible_at_both_widths(page)

    # A new question shown only when the plan exists, with its nynorsk text.
    page.get_by_role("link", name="Nytt spørsmål i «Planer»").click()
    page.get_by_label("Nøkkel").fill("plan_aar")
    page.get_by_label("Type").select_option("integer")
    page.get_by_label("Spørsmål (bokmål)").fill("Hvilket år ble planen vedtatt?")
    page.get_by_label("Spørsmål (nynorsk)").fill("Kva år vart planen vedteken?")
    page.get_by_label("Vis bare hvis spørsmålet").select_option("har_plan")
    page.get_by_label("Vilkår").select_option("equals")
    page.get_by_label("Svarkode(r)").fill("ja")
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Lagre").click()
    assert page.url.startswith(editor_url)
    assert page.get_by_text("Hvilket år ble planen vedtatt?").is_visible()

    # A choice reworded, with its nynorsk text.
    page.get_by_role("link", name="Rediger har_plan").click()
    choices = page.get_by_label("Svaralternativer (skala for matrise)")
    choices.fill("ja | Ja, vedtatt | Ja, vedteken\nnei | Nei | Nei")
    page.get_by_role("button", name="Lagre").click()
    assert page.url.startswith(editor_url)

    # An invalid edit is refused with the loader's message.
    page.get_by_role("link", name="Nytt spørsmål i «Avslutning»").click()
    page.get_by_label("Nøkkel").fill("antall")
    page.get_by_label("Type").select_option("short_text")
    page.get_by_label("Spørsmål (bokmål)").fill("Dobbel nøkkel")
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_text("spørsmålet 'antall' finnes allerede").is_visible()
    assert_accessible_at_both_widths(page)

    # The preview in nynorsk, as a respondent sees it.
    page.goto(base + reverse("surveys:editor_preview", args=[wave.slug, "plan"]) + "?lang=nn")
    assert page.get_by_text("Planar").first.is_visible()
    assert page.get_by_label("Ja, vedteken").count() == 1
    assert_accessible_at_both_widths(page)

    pages = ("editor_translations", "editor_versions", "editor_compare", "editor_upload")
    for name in (*pages, "editor_wave", "editor_section_add"):
        page.goto(base + reverse(f"surveys:{name}", args=[wave.slug]))
        assert_accessible_at_both_widths(page)
    page.goto(base + reverse("surveys:editor_section_remove", args=[wave.slug, "slutt"]))
    assert_accessible_at_both_widths(page)
    context.close()

    # The wave opens; a respondent with the nynorsk interface answers the new question.
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN)
    organisation = builders.make_organisation(edition=wave.edition)
    contact = builders.make_contact(organisation=organisation)
    link = builders.make_access_link(contact=contact, wave=Wave.objects.get(pk=wave.pk))
    respondent = browser.new_context(locale="nn-NO")
    respondent.add_cookies([{"name": "ekommune_language", "value": "nn", "url": base}])
    page = respondent.new_page()
    page.goto(f"{base}/i/{link}/")
    page.goto(base + reverse("surveys:section", args=[wave.slug, organisation.number, "plan"]))
    assert page.get_by_text("Planar").first.is_visible()
    page.get_by_label("Ja, vedteken").check()
    page.get_by_label("Kva år vart planen vedteken?").fill("2010")
    page.get_by_role("button", name="Lagra", exact=True).click()
    page.wait_for_load_state()
    stored = {
        answer.question.key: answer.value
        for answer in Answer.objects.filter(answer_set__wave=wave).select_related("question")
    }
    assert stored["har_plan"] == "ja"
    assert stored["plan_aar"] == 2010
    respondent.close()

    # The YAML export of the result loads back identically.
    text = export_definition(wave)
    assert "nn: Kva år vart planen vedteken?" in text
    report = load_definition(parse_definition(text, filename="export.yaml"))
    assert not report.changed
    assert export_definition(wave) == text
