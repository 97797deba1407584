"""The staff dashboard in a real browser: accessible, no CSP violations, figures refresh live."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests import builders
from tests.surveys.dashboard_fixtures import grant

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def logged_in_context(browser, base, user, *, second_factor: bool = True):
    """A browser context signed in as `user`, with a confirmed second factor unless told not
    to (staff who may see personal data need one)."""
    client = Client()
    if second_factor:
        builders.sign_in_verified(client, user)
    else:
        client.force_login(user)
    context = browser.new_context(locale="nb-NO")
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return context


def test_dashboard_is_accessible_and_its_figures_refresh_without_reloading(
    transactional_db, live_server, browser, browser_settings
):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    browser_settings.DASHBOARD_REFRESH_SECONDS = 1
    wave = builders.make_wave(slug="live")
    builders.make_section(wave=wave)
    county = builders.make_county(edition=wave.edition, number="12", name="Hordaland")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 5)
    ]
    builders.make_contacts(organisations)
    builders.make_answer_sets(wave=wave, organisations=organisations[:1])
    user = grant(builders.make_staff(), "view_dashboard", "send_mail")
    base = live_server.url
    context = logged_in_context(browser, base, user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(f"{base}/staff/dashboard/live/")

    headline = page.locator('[data-figure="kommune-headline"]')
    assert headline.inner_text() == "1 av 4 kommuner (25 %)"
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()

    builders.make_answer_sets(wave=wave, organisations=organisations[1:3])
    expect(headline).to_have_text("3 av 4 kommuner (75 %)", timeout=15000)
    assert page.locator('[data-figure="kommune-progress"]').get_attribute("value") is not None
    assert problems == []
    context.close()


def test_the_reminder_confirmation_is_accessible_and_sends_one_round(
    transactional_db, live_server, browser, browser_settings
):
    from axe_playwright_python.sync_playwright import Axe
    from django.utils import timezone

    from surveys.models import MailKind, MailRound
    from surveys.outreach import services as mailing

    wave = builders.make_wave(slug="paaminn")
    builders.make_section(wave=wave)
    county = builders.make_county(edition=wave.edition, number="12", name="Hordaland")
    organisations = [
        builders.make_organisation(county=county, number=f"12{n:02d}") for n in range(1, 5)
    ]
    builders.make_contacts(organisations)
    mailing.invitations_queue(wave=wave, now=timezone.now())
    mailing.reminders_queue_now(wave=wave, organisations=organisations[:1], now=timezone.now())
    user = grant(builders.make_staff(), "view_dashboard", "send_mail")
    base = live_server.url
    context = logged_in_context(browser, base, user)
    page = context.new_page()

    page.goto(f"{base}/staff/dashboard/paaminn/")
    page.get_by_role("button", name="Send påminnelse til alle som ikke har sendt inn").click()

    assert "3 kontaktpersoner i 3 organisasjoner" in page.locator("#reminder-reach").inner_text()
    assert "1 organisasjon fikk en påminnelse" in page.locator("#reminder-skipped").inner_text()
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Send påminnelse nå").click()

    assert "Påminnelse 2: 3 e-poster lagt i kø." in page.content()
    assert MailRound.objects.filter(kind=MailKind.REMINDER).count() == 2
    context.close()
