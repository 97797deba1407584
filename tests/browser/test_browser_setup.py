"""A missing browser skips the browser tests locally and fails them in CI."""

import pytest

from tests.browser import conftest


def test_a_missing_browser_is_a_skip_with_instructions(monkeypatch):
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        conftest._missing("no Chromium at /nowhere")


def test_a_missing_browser_fails_when_require_browser_is_set(monkeypatch):
    monkeypatch.setenv("REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        conftest._missing("no Chromium at /nowhere")
