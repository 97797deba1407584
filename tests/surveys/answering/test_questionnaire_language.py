"""The respondent reads the questionnaire in the interface language, bokmål where untranslated."""

import pytest
from django.urls import reverse

from surveys.models import Choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(survey):
    survey.wave.translations = {"nn": {"title": "eKommune testrunde på nynorsk"}}
    survey.wave.save()
    survey.general.translations = {"nn": {"title": "Generelt (nn)"}, "en": {"title": "General"}}
    survey.general.save()
    survey.plan.translations = {"nn": {"text": "Har kommunen ein plan?"}}
    survey.plan.save()
    ja = Choice.objects.get(question=survey.plan, code="ja")
    ja.translations = {"nn": {"label": "Ja (nynorsk)"}}
    ja.save()
    return survey


def section_page(client, survey, language):
    client.cookies["ekommune_language"] = language
    url = reverse(
        "surveys:section",
        args=[survey.wave.slug, survey.organisation.number, survey.general.key],
    )
    return client.get(url).content.decode()


def test_a_nynorsk_respondent_reads_nynorsk_texts_and_bokmal_where_none_is_written(
    respondent_client, translated
):
    html = section_page(respondent_client, translated, "nn")

    assert "Har kommunen ein plan?" in html
    assert "Ja (nynorsk)" in html
    assert "Generelt (nn)" in html
    assert "eKommune testrunde på nynorsk" in html
    assert "Beskriv planen" in html or "Antall IKT-ansatte" in html  # untranslated: bokmål
    assert "Har kommunen en plan?" not in html


def test_each_language_gets_its_own_copy_of_the_cached_questionnaire(respondent_client, translated):
    bokmal = section_page(respondent_client, translated, "nb")
    english = section_page(respondent_client, translated, "en")
    nynorsk = section_page(respondent_client, translated, "nn")

    assert "Har kommunen en plan?" in bokmal and "Generelt" in bokmal
    assert "General" in english and "Har kommunen en plan?" in english
    assert "Har kommunen ein plan?" in nynorsk
    assert "Har kommunen ein plan?" not in bokmal + english


def test_a_changed_translation_reaches_the_cached_questionnaire(respondent_client, translated):
    section_page(respondent_client, translated, "nn")
    translated.plan.translations = {"nn": {"text": "Har kommunen ein ny plan?"}}
    translated.plan.save()

    assert "Har kommunen ein ny plan?" in section_page(respondent_client, translated, "nn")
