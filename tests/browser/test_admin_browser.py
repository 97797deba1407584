"""The admin pages the product customises: bokmål, and axe-core (WCAG 2.1 A/AA) at 0
violations at 320 and 1280 px, breadcrumbs included."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests import builders
from tests.browser.test_respondent_journey import assert_accessible
from tests.surveys.results_data import grant

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 1280])
def test_admin_pages_are_in_bokmal_and_accessible(
    width, transactional_db, live_server, browser, survey
):
    user = grant(builders.make_staff(), "view_answerset", "change_answerset", "view_wave")
    client = Client()
    builders.sign_in_verified(client, user)
    context = browser.new_context(locale="nb-NO")
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    builders.make_answer_set(wave=survey.wave, organisation=survey.organisation)
    for path in ["/admin/", "/admin/surveys/answerset/", "/admin/surveys/wave/"]:
        page.goto(f"{live_server.url}{path}")
        assert "eKommune – administrasjon" in page.title(), path
        assert page.get_by_text("Skip to main content").count() == 0
        assert_accessible(page)
    context.close()
