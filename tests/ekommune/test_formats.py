"""Dates are written the way each language writes them (ekommune/formats/)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "9. desember 2026 kl. 23:59"),
        ("nn", "9. desember 2026 kl. 23:59"),
        ("en", "9 December 2026, 23:59"),
    ],
)
def test_deadlines_are_written_in_the_language_of_the_page(language, expected):
    moment = datetime(2026, 12, 9, 23, 59, tzinfo=OSLO)

    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == expected


def test_the_respondent_overview_shows_the_deadline_in_english_without_kl(
    respondent_client, survey
):
    respondent_client.cookies["ekommune_language"] = "en"

    html = respondent_client.get(f"/svar/{survey.wave.slug}/3101/").content.decode()

    with translation.override("en"):
        deadline = formats.date_format(survey.wave.closes_at.astimezone(OSLO), "DATETIME_FORMAT")
    assert deadline in html  # e.g. "27 December 2026, 11:15"
    assert " kl. " not in html
