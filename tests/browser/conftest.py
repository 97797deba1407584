"""Headless Chromium (Debian's package) driven by Playwright, for the respondent journey.

Without /usr/bin/chromium the browser tests are skipped with a message saying how to enable
them; with REQUIRE_BROWSER=1 (CI) a missing browser fails instead.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}; to run the browser tests: apt-get install chromium")


@pytest.fixture
def browser(browser_settings) -> Iterator[object]:
    """A Chromium for one test: Playwright's event loop must not outlive it (Django's ORM
    refuses to run in a thread with a running loop)."""
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (make install)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_settings(settings, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # (building data, checking results) are still synchronous and safe. Only for this test,
    # so subprocesses started by other tests never inherit it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    return settings
