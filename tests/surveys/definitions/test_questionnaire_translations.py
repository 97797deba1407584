"""Nynorsk and English texts in definition files: the format, the loader and the exporter."""

import textwrap
from pathlib import Path

import pytest

from surveys.definitions import (
    DefinitionError,
    export_definition,
    load_definition,
    parse_definition,
    read_definition,
)
from surveys.definitions.schema import Definition
from surveys.demo.questionnaires import EKOMMUNE_2011
from surveys.models import Wave
from tests.builders import make_edition

pytestmark = pytest.mark.django_db

LANGUAGES = ("nn", "en")


@pytest.fixture
def edition():
    return make_edition(year=2011)


def document(questions: str, *, title: str = '"Om kommunen"') -> str:
    return textwrap.dedent(
        """\
        format: 1
        wave:
          slug: oversatt
          title: {nb: "Undersøkelse", nn: "Undersøking", en: "Survey"}
          year: 2011
          register_year: 2011
          target_kinds: [kommune]
        sections:
          - key: om
            title: TITLE
            questions:
        """
    ).replace("TITLE", title) + textwrap.indent(textwrap.dedent(questions), "      ")


def texts_without_translation(definition: Definition) -> list[str]:
    """Every text of the definition that lacks a nynorsk or English version."""
    missing = []

    def check(item, names, where):
        for name in names:
            source = getattr(item, name, None)
            if name in ("unit", "min_label", "max_label"):
                options = item.options
                source = options.get(name) or options.get("labels", {}).get(name)
            if not source:
                continue
            for language in LANGUAGES:
                if not item.translations.get(language, {}).get(name):
                    missing.append(f"{where}.{name} [{language}]")

    check(definition.wave, ("title", "intro", "vision", "help_contact"), "wave")
    for section in definition.sections:
        check(section, ("title", "intro"), section.key)
        for question in section.questions:
            names = ("text", "help_text", "unit", "min_label", "max_label")
            check(question, names, question.key)
            for choice in question.choices:
                check(choice, ("label",), f"{question.key}.{choice.code}")
            for row in question.rows:
                check(row, ("label",), f"{question.key}.rows.{row.code}")
    return missing


def test_every_text_of_the_bundled_questionnaire_has_nynorsk_and_english(edition):
    definition = read_definition(EKOMMUNE_2011)

    assert texts_without_translation(definition) == []


def test_a_plain_text_is_bokmal_and_has_no_translations(edition):
    definition = parse_definition(
        document('- {key: antall, type: integer, text: "Antall ansatte", unit: "personer"}'),
        filename="f.yaml",
    )

    question = definition.sections[0].questions[0]
    assert question.text == "Antall ansatte"
    assert question.translations == {}
    assert definition.wave.translations == {
        "nn": {"title": "Undersøking"},
        "en": {"title": "Survey"},
    }


def test_translated_texts_go_into_translations_by_field(edition):
    definition = parse_definition(
        document(
            """\
            - key: antall
              type: integer
              text: {nb: "Antall ansatte", nn: "Tal på tilsette"}
              help: {nb: "Hele stillinger", en: "Full-time equivalents"}
              unit: {nb: "personer", nn: "personar", en: "people"}
            - key: bruk
              type: single_choice
              text: "Bruker dere det?"
              choices: yes_no_unsure
            """
        ),
        filename="f.yaml",
    )

    antall, bruk = definition.sections[0].questions
    assert antall.text == "Antall ansatte"
    assert antall.translations == {
        "nn": {"text": "Tal på tilsette", "unit": "personar"},
        "en": {"help_text": "Full-time equivalents", "unit": "people"},
    }
    assert antall.options["unit"] == "personer"
    assert [c.translations["nn"]["label"] for c in bruk.choices] == [
        "Ja",
        "Nei",
        "Usikker/Veit ikkje",
    ]


def test_a_translation_mapping_without_bokmal_or_with_an_unknown_language_is_refused(edition):
    with pytest.raises(DefinitionError) as caught:
        parse_definition(
            document(
                '- {key: a, type: short_text, text: {nn: "Kva", de: "Was"}}',
                title='{nb: "Om", se: "Birra"}',
            ),
            filename="f.yaml",
        )

    problems = "\n".join(caught.value.problems)
    assert "sections[0].questions[0].text (key 'a'): mangler feltet 'nb'" in problems
    assert "ukjent felt 'de'" in problems
    assert "sections[0].title (key 'om'): ukjent felt 'se'" in problems


def test_translations_are_stored_exported_and_load_back_identically(tmp_path: Path, edition):
    report = load_definition(read_definition(EKOMMUNE_2011))
    wave = report.wave
    question = wave.questions.get(key="norge_no_stjerner_2008")
    assert question.translated("text", "nn").startswith("Tal på stjerner")
    assert question.translated("max_label", "en") == "6 stars"
    first = export_definition(wave)

    Wave.objects.all().delete()
    load_definition(parse_definition(first, filename="export.yaml"))

    assert export_definition(Wave.objects.get(slug="ekommune-2011")) == first
    assert (
        "  title:\n      nb: Lokaldemokrati og deltakelse\n      nn: Lokaldemokrati og deltaking\n"
        in first
    )


def test_the_codebook_and_the_long_export_can_be_written_in_nynorsk_or_english(
    tmp_path: Path, edition
):
    import io

    from django.core.management import call_command

    load_definition(read_definition(EKOMMUNE_2011))
    texts = {}
    for language in ("nb", "nn", "en"):
        target = tmp_path / f"kodebok-{language}.csv"
        call_command(
            "export_codebook",
            "ekommune-2011",
            "-o",
            str(target),
            "--language",
            language,
            stdout=io.StringIO(),
        )
        texts[language] = target.read_text(encoding="utf-8")

    assert "Lokaldemokrati og deltakelse" in texts["nb"]
    assert "Lokaldemokrati og deltaking" in texts["nn"]
    assert "Local democracy and participation" in texts["en"]
    assert "Tal på stjerner i kvalitetsvurderinga til norge.no: 2008" in texts["nn"]
    assert "0=Not selected; 1=Selected" in texts["en"]
    assert "0=Ikke valgt; 1=Valgt" in texts["nb"]
