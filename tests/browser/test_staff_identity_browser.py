"""The audit trail and the second-factor pages in a real browser: axe-core (WCAG 2.1 AA) and
no horizontal scrolling, on a phone (320 px) and a desktop (1280 px)."""

import pytest
from django.contrib.auth.models import Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actions
from audit.services import audit_record
from tests import builders
from tests.browser.test_dashboard_browser import logged_in_context
from tests.browser.test_respondent_journey import assert_accessible

pytestmark = pytest.mark.browser

WIDTHS = [320, 1280]


def assert_fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def check(page, url: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        assert_accessible(page)
        assert_fits(page)


def test_audit_trail_page_is_accessible_with_and_without_errors(
    transactional_db, live_server, browser, browser_settings
):
    user = builders.make_staff(username="revisor")
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    wave = builders.make_wave(slug="ekommune-2011", title="eKommune 2011 – lokal digital agenda")
    for _ in range(3):
        audit_record(
            action=actions.EXPORT_CREATED,
            target=wave,
            actor=user,
            details={"layout": "wide", "personal_data": True, "filters": {"kinds": ["kommune"]}},
        )
    page = logged_in_context(browser, live_server.url, user).new_page()

    check(page, f"{live_server.url}/staff/revisjonslogg/")
    check(page, f"{live_server.url}/staff/revisjonslogg/?since=2026-05-01&until=2026-04-01")
    assert page.locator("#error-summary").is_visible()


def test_second_factor_pages_are_accessible(
    transactional_db, live_server, browser, browser_settings
):
    newcomer = builders.make_staff(username="ny")
    enrolled = builders.make_staff(username="kjent")
    TOTPDevice.objects.create(user=enrolled, name="TOTP", confirmed=True)
    base = live_server.url

    page = logged_in_context(browser, base, newcomer, second_factor=False).new_page()
    check(page, f"{base}/staff/tofaktor/")
    page.get_by_label("Engangskode").fill("12")
    page.get_by_role("button", name="Bekreft").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)

    page = logged_in_context(browser, base, enrolled, second_factor=False).new_page()
    check(page, f"{base}/staff/tofaktor/bekreft/")


def test_the_login_page_with_single_sign_on_is_accessible(
    transactional_db, live_server, browser, browser_settings
):
    browser_settings.OIDC_RP_CLIENT_ID = "ekommune"
    browser_settings.OIDC_PROVIDER_NAME = "KS Entra ID"
    page = browser.new_context(locale="nb-NO").new_page()

    check(page, f"{live_server.url}/admin/login/?next=/admin/")
    assert page.get_by_role("link", name="Logg inn med KS Entra ID").is_visible()
