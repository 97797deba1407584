"""Questionnaire definition files: the bundled 2011 wave, validation, reload rules, export."""

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from surveys.definitions import export_definition
from surveys.demo.questionnaires import EKOMMUNE_2011, load_demo_surveys
from surveys.models import Answer, AnswerChange, Choice, MatrixRow, Question, Section, Wave
from tests.builders import make_answer, make_answer_set, make_edition

pytestmark = pytest.mark.django_db

# The 16 section titles of the source document (../shared/seed/), in its order.
SOURCE_SECTIONS = [
    "Lokaldemokrati og deltakelse",
    "Tjenester på nett",
    "Elektronisk samhandling i helse- og omsorgstjenesten",
    "IKT i grunnopplæringen",
    "Geografisk informasjon",
    "eHandel",
    "Arkivering og saksbehandling",
    "Informasjonssikkerhet",
    "IKT-arkitektur",
    "Åpne standarder",
    "Integrasjon av IKT-systemer",
    "Grønn IT",
    "Bredbånd",
    "Interkommunalt samarbeid",
    "Strategisk IKT-ledelse",
    "Kompetanseutvikling",
]

# Every question wording of the source document, verbatim; only the PDF extraction's line
# breaks are joined (and one double space made single). The star rating question is asked
# once per year the source lists (2008, 2009, 2010).
SOURCE_QUESTIONS = [
    "Antall stjerner i norge.no sin kvalitetsvurdering: 2008",
    "Antall stjerner i norge.no sin kvalitetsvurdering: 2009",
    "Antall stjerner i norge.no sin kvalitetsvurdering: 2010",
    "I hvilken grad brukes digitale kanaler til dialog med innbyggerne?",
    "Hvilke elektroniske tjenester tilbys på nett?",
    "Er kommunens elektroniske tjenester for..",
    "Hvilke tjenester omfattes av tilknytningen?",
    "Utveksles elektroniske meldinger mellom:",
    "I hvilken grad er følgende utfordringer viktige for å komme i gang med elektronisk "
    "meldingsutveksling?",
    "Andre utfordringer:",
    "Er mobile enheter (f.eks. PDA) tatt i bruk i hjemmesykepleie/hjemmetjeneste?",
    "Har kommunen utviklet en egen IKT–strategi for skolene?",
    "Har kommunen tatt i bruk digital(e) læringsplattform(er)?",
    "Har kommunen lagt til rette for uthenting av geografisk informasjon via sine nettsider?",
    "Elektronisk handel:",
    "Har kommunen etablert rutiner for registrering av følgende type henvendelser?",
    "Har kommunen etablert sikkerhetsrutiner for behandling og lagring av elektronisk informasjon?",
    "Har kommunen utarbeidet en beskrivelse av egen IKT-arkitektur?",
    "Understøtter IKT-arkitekturen kommunens overordnede mål og strategier?",
    "Er kommunens beskrivelse i henhold til prinsippene om tjenesteorientert arkitektur i "
    "FAKS rapporten?",
    "Har kommunen tatt i bruk IKT-løsninger som sikrer integrasjon mellom sak- / "
    "arkivsystemer, fagsystemer og/eller skjemaløsninger?",
    "Innenfor hvilke av følgende tjenesteområder har kommunen integrerte IKT-løsninger?",
    "Blant virksomheter med bredbåndstilknytning – vurderer du kapasiteten som tilstrekkelig "
    "for følgende områder?",
    "I hvilken grad har kommunen lagt til rette for bredbåndsutbygging?",
    "Samarbeider kommunen med andre tilsvarende enheter på IKT-området i dag?",
    "Omfatter samarbeidet noen av følgende områder?",
    "Har kommunen utarbeidet en eKommuneplan?",
    "Hvis ikke, er det planer om det?",
    "Bruker kommunen systematiske metoder for å dokumentere gevinster?",
    "Har kommunen kartlagt sine ansattes IKT-kompetanse?",
    "Har kommunen gjennomført tiltak for kompetanseutvikling på IKT-området for noen av de "
    "følgende?",
    "Har kommunen gjennomført kompetansehevingstiltak knyttet til strategisk IKT-ledelse for "
    "noen av de følgende?",
]

# Slide titles of the source without a question: the file words a question for each.
SOURCE_TOPICS_WITH_OUR_WORDING = {
    "facebook_bruk": "Facebook",
    "epj_bruk": "elektronisk pasientjournal (EPJ)",
    "nhn_tilknytning": "Norsk Helsenett (NHN)",
    "sikkerhetslosning": "sikkerhetsløsning",
    "risikoanalyse": "risikoanalyse",
    "normen": "Normen",
    "referansekatalogen": "Referansekatalogen",
    "gronn_it_strategi": "grønn IT",
}

BASE = """\
format: 1
wave:
  slug: testrunde
  title: "Testrunde"
  year: 2011
  register_year: 2011
  target_kinds: [kommune, fylkeskommune]
  opens_at: 2011-03-14T08:00:00+01:00
  closes_at: 2011-05-06T16:00:00+02:00
  help_contact: "KS"
  intro: |
    Første avsnitt.

    Andre avsnitt.
  vision: |
    Visjonen.
sections:
  - key: forste
    title: "Første del"
    intro: "Om første del."
    questions:
      - key: plan
        type: single_choice
        text: "Har kommunen en plan?"
        required: true
        choices: yes_no_unsure
      - key: planer
        type: single_choice
        text: "Hvis ikke, er det planer om det?"
        show_if: {question: plan, equals: nei}
        choices:
          - {code: ja, label: "Ja", weight: 1}
          - {code: nei, label: "Nei"}
      - key: omrader
        type: multiple_choice
        text: "Hvilke områder?"
        choices:
          - {code: skole, label: "Skole", weight: 1.5}
          - {code: helse, label: "Helse"}
          - {code: annet, label: "Annet, spesifiser", other: true}
          - {code: ingen, label: "Ingen av disse", exclusive: true}
  - key: andre
    title: "Andre del"
    applies_to: [kommune]
    show_if: {question: omrader, includes: skole}
    questions:
      - key: kanaler
        type: matrix
        text: "I hvilken grad brukes kanalene?"
        rows:
          - {code: e_post, label: "E-post"}
          - {code: sms, label: "SMS"}
        scale:
          - {code: stor_grad, label: "I stor grad", weight: 2}
          - {code: liten_grad, label: "I liten grad"}
      - key: stjerner
        type: rating
        text: "Antall stjerner?"
        labels: {min_label: "1 stjerne", max_label: "6 stjerner"}
      - key: ansatte
        type: integer
        text: "Antall ansatte?"
        min: 0
        max: 100000
        unit: "personer"
      - key: budsjett
        type: decimal
        text: "IKT-budsjett?"
        min: 0
        decimals: 1
        unit: "mill. kr"
      - key: andel
        type: percentage
        text: "Andel på nett?"
      - key: navn
        type: short_text
        text: "Navn på planen?"
        applies_to: [kommune]
      - key: kommentar
        type: long_text
        text: "Kommentar"
        help: "Skriv fritt."
        show_if: {question: plan, in: [ja, vet_ikke]}
"""


@pytest.fixture
def edition():
    return make_edition(year=2011)


def base_document() -> dict[str, Any]:
    return yaml.safe_load(BASE)


def write(tmp_path: Path, document: dict[str, Any] | str, name: str = "testrunde.yaml") -> Path:
    path = tmp_path / name
    text = (
        document
        if isinstance(document, str)
        else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> str:
    out = io.StringIO()
    call_command("load_questionnaire", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def load_failing(path: Path) -> list[str]:
    """Load a file that must be refused; return the problem lines."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="ingenting er endret"):
        call_command("load_questionnaire", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def db_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Wave, Section, Question, Choice, MatrixRow, Answer)
    }


def snapshot(slug: str) -> dict[str, Any]:
    """The questionnaire as stored, without ids and timestamps, for comparisons."""
    wave = Wave.objects.get(slug=slug)
    fields = ["title", "year", "edition_id", "target_kinds", "opens_at", "closes_at"]
    fields += ["help_contact", "intro", "vision", "status", "translations"]
    return {
        "wave": {name: getattr(wave, name) for name in fields},
        "sections": [
            {
                "key": section.key,
                "position": section.position,
                "title": section.title,
                "intro": section.intro,
                "applies_to": section.applies_to,
                "condition": section.condition,
                "translations": section.translations,
                "questions": [
                    {
                        "key": q.key,
                        "position": q.position,
                        "kind": q.kind,
                        "text": q.text,
                        "help_text": q.help_text,
                        "required": q.required,
                        "applies_to": q.applies_to,
                        "condition": q.condition,
                        "options": q.options,
                        "translations": q.translations,
                        "choices": [
                            (
                                c.code,
                                c.label,
                                c.position,
                                c.exclusive,
                                c.is_other,
                                c.weight,
                                c.translations,
                            )
                            for c in q.choices.order_by("position")
                        ],
                        "rows": [
                            (r.code, r.label, r.position, r.translations)
                            for r in q.rows.order_by("position")
                        ],
                    }
                    for q in section.questions.order_by("position")
                ],
            }
            for section in wave.sections.order_by("position")
        ],
    }


def question(key: str, slug: str = "testrunde") -> Question:
    return Question.objects.get(wave__slug=slug, key=key)


# --- the bundled 2011 wave -------------------------------------------------------------------


def test_loading_the_bundled_file_gives_all_16_sections_in_the_source_order(edition):
    output = load(EKOMMUNE_2011)

    wave = Wave.objects.get(slug="ekommune-2011")
    assert list(wave.sections.order_by("position").values_list("title", flat=True)) == (
        SOURCE_SECTIONS
    )
    assert wave.questions.count() == 42
    assert "16 deler, 42 spørsmål" in output
    assert wave.status == Wave.Status.DRAFT
    assert wave.edition == edition


def test_loading_the_bundled_file_gives_every_question_wording_of_the_source(edition):
    load(EKOMMUNE_2011)

    texts = list(
        Question.objects.filter(wave__slug="ekommune-2011")
        .order_by("section__position", "position")
        .values_list("text", flat=True)
    )
    missing = [wording for wording in SOURCE_QUESTIONS if wording not in texts]
    assert missing == []
    # ... and in the source's order.
    positions = [texts.index(wording) for wording in SOURCE_QUESTIONS]
    assert positions == sorted(positions)
    for key, topic in SOURCE_TOPICS_WITH_OUR_WORDING.items():
        assert topic.lower() in question(key, "ekommune-2011").text.lower()


def test_bundled_wave_carries_background_vision_and_dates(edition):
    load(EKOMMUNE_2011)

    wave = Wave.objects.get(slug="ekommune-2011")
    assert wave.intro.startswith("Bakgrunn for kartleggingen:")
    assert "• Spørreskjema sendt samtlige kommuner før påske" in wave.intro
    assert not wave.intro.endswith("\n")
    assert wave.vision == (
        "Norske kommuner og fylkeskommuner skal være blant de fremste i verden på elektronisk "
        "innbyggerdialog, digitale tjenester og effektiv e-forvaltning"
    )
    assert wave.target_kinds == ["kommune", "fylkeskommune"]
    assert wave.opens_at.isoformat() == "2011-03-14T07:00:00+00:00"
    assert wave.closes_at.isoformat() == "2011-05-06T14:00:00+00:00"


def test_bundled_wave_has_the_conditional_follow_up_and_kommune_only_health_section(edition):
    load(EKOMMUNE_2011)

    follow_up = question("ekommuneplan_planer", "ekommune-2011")
    assert follow_up.condition == {"question": "ekommuneplan", "equals": "nei"}
    assert list(follow_up.choices.values_list("code", "label")) == [
        ("ja", "Ja"),
        ("nei", "Nei"),
        ("vet_ikke", "Usikker/Vet ikke"),
    ]
    health = Section.objects.get(wave__slug="ekommune-2011", key="helse_samhandling")
    assert health.applies_to == ["kommune"]
    stars = question("norge_no_stjerner_2010", "ekommune-2011")
    assert stars.kind == Question.Kind.RATING
    assert stars.options == {
        "min": 1,
        "max": 6,
        "labels": {"min_label": "1 stjerne", "max_label": "6 stjerner"},
    }


def test_check_option_validates_without_writing(edition):
    out = io.StringIO()
    call_command("load_questionnaire", str(EKOMMUNE_2011), "--check", stdout=out)

    assert "Filen er i orden: 16 deler, 42 spørsmål" in out.getvalue()
    assert Wave.objects.count() == 0


# --- what a load stores --------------------------------------------------------------------


def test_every_question_kind_and_its_settings_are_stored(tmp_path, edition):
    load(write(tmp_path, base_document()))

    assert question("plan").required is True
    assert list(question("plan").choices.values_list("code", "label")) == [
        ("ja", "Ja"),
        ("nei", "Nei"),
        ("vet_ikke", "Usikker/Vet ikke"),
    ]
    assert question("planer").condition == {"question": "plan", "equals": "nei"}
    choices = {c.code: c for c in question("omrader").choices.all()}
    assert choices["skole"].weight == Decimal("1.5")
    assert choices["annet"].is_other and not choices["annet"].exclusive
    assert choices["ingen"].exclusive
    kanaler = question("kanaler")
    assert list(kanaler.rows.values_list("code", flat=True)) == ["e_post", "sms"]
    assert list(kanaler.choices.values_list("code", flat=True)) == ["stor_grad", "liten_grad"]
    assert question("stjerner").options["min"] == 1 and question("stjerner").options["max"] == 6
    assert question("ansatte").options == {"min": 0, "max": 100000, "unit": "personer"}
    assert question("budsjett").options == {"min": 0, "decimals": 1, "unit": "mill. kr"}
    assert question("andel").options == {"min": 0, "max": 100, "decimals": 0}
    assert question("navn").options == {"max_length": 500}
    assert question("navn").applies_to == ["kommune"]
    assert question("kommentar").options == {"max_length": 5000}
    assert question("kommentar").help_text == "Skriv fritt."
    assert question("kommentar").condition == {"question": "plan", "in": ["ja", "vet_ikke"]}
    section = Section.objects.get(key="andre")
    assert section.applies_to == ["kommune"]
    assert section.condition == {"question": "omrader", "includes": "skole"}
    wave = Wave.objects.get(slug="testrunde")
    assert wave.intro == "Første avsnitt.\n\nAndre avsnitt."
    assert wave.vision == "Visjonen."


def test_a_datetime_without_offset_is_read_as_norwegian_time(tmp_path, edition):
    document = base_document()
    document["wave"]["opens_at"] = "2011-03-14 08:00"
    document["wave"]["closes_at"] = "2011-06-14T08:00:00"
    load(write(tmp_path, document))

    wave = Wave.objects.get(slug="testrunde")
    assert wave.opens_at.isoformat() == "2011-03-14T07:00:00+00:00"
    assert wave.closes_at.isoformat() == "2011-06-14T06:00:00+00:00"


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["bundled", "every kind"])
def test_export_then_load_gives_the_same_wave(tmp_path, edition, source):
    path = EKOMMUNE_2011 if source == "bundled" else write(tmp_path, base_document())
    load(path)
    slug = Wave.objects.get().slug
    before = snapshot(slug)
    exported = io.StringIO()
    call_command("export_questionnaire", slug, stdout=exported)

    Wave.objects.all().delete()
    load(write(tmp_path, exported.getvalue(), name="exported.yaml"))

    assert snapshot(slug) == before


def test_exporting_twice_gives_identical_text_and_reloading_it_changes_nothing(edition):
    load(EKOMMUNE_2011)
    wave = Wave.objects.get(slug="ekommune-2011")

    first = export_definition(wave)
    second = export_definition(wave)

    assert first == second
    assert first.startswith("# Questionnaire definition, format 1")
    # yes_no_unsure, expanded with its nynorsk and English labels
    assert "choices:\n          - {code: ja, label: {nb: Ja, nn: Ja, en: 'Yes'}}" in first
    assert "  intro:\n    nb: |-\n      Bakgrunn for kartleggingen:\n\n      • Kartlegge" in first
    assert "opens_at: 2011-03-14T08:00:00+01:00" in first
    assert "Grønn IT" in first  # unicode as is, not escaped


def test_export_command_writes_a_file(tmp_path, edition):
    load(EKOMMUNE_2011)
    target = tmp_path / "ut.yaml"

    call_command("export_questionnaire", "ekommune-2011", "-o", str(target), stderr=io.StringIO())

    assert target.read_text(encoding="utf-8") == export_definition(
        Wave.objects.get(slug="ekommune-2011")
    )


def test_export_of_an_unknown_slug_names_the_known_ones(edition):
    load(EKOMMUNE_2011)

    with pytest.raises(CommandError, match="Fant ingen runde «ekommune-2099».*ekommune-2011"):
        call_command("export_questionnaire", "ekommune-2099", stdout=io.StringIO())


# --- validation --------------------------------------------------------------------------------


def _set(*path: Any, value: Any) -> Callable[[dict], None]:
    def mutate(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(*path: Any) -> Callable[[dict], None]:
    def mutate(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def _both(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(document: dict) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


Q0 = ("sections", 0, "questions")
Q1 = ("sections", 1, "questions")

MALFORMED = [
    (
        "unknown type",
        _set(*Q0, 0, "type", value="singel_choice"),
        "sections[0].questions[0].type (key 'plan')",
        "ukjent type 'singel_choice' (kjente typer: single_choice, multiple_choice, matrix,",
    ),
    (
        "unknown type suggestion",
        _set(*Q0, 0, "type", value="singel_choice"),
        "sections[0].questions[0].type (key 'plan')",
        "(mente du 'single_choice'?)",
    ),
    (
        "duplicate question key",
        _set(*Q1, 1, "key", value="plan"),
        "sections[1].questions[1].key (key 'plan')",
        "spørsmålet 'plan' finnes allerede i sections[0].questions[0]",
    ),
    (
        "duplicate section key",
        _set("sections", 1, "key", value="forste"),
        "sections[1].key (key 'forste')",
        "delen 'forste' finnes allerede i sections[0]",
    ),
    (
        "condition on an unknown question",
        _set(*Q0, 1, "show_if", "question", value="plna"),
        "sections[0].questions[1].show_if.question (key 'planer')",
        "ukjent spørsmål 'plna' (mente du 'plan'?)",
    ),
    (
        "condition on a later question",
        _set(*Q0, 0, "show_if", value={"question": "omrader", "includes": "skole"}),
        "sections[0].questions[0].show_if.question (key 'plan')",
        "spørsmålet 'omrader' kommer ikke før dette",
    ),
    (
        "condition on the question itself",
        _set(*Q0, 0, "show_if", value={"question": "plan", "answered": True}),
        "sections[0].questions[0].show_if.question (key 'plan')",
        "spørsmålet 'plan' kommer ikke før dette",
    ),
    (
        "section condition on a question of the same section",
        _set("sections", 1, "show_if", value={"question": "kanaler", "answered": True}),
        "sections[1].show_if.question (key 'andre')",
        "spørsmålet 'kanaler' kommer ikke før dette",
    ),
    (
        "condition code that is not a code of the question",
        _set(*Q0, 1, "show_if", "equals", value="kanskje"),
        "sections[0].questions[1].show_if.equals (key 'planer')",
        "'kanskje' er ikke en kode i spørsmålet 'plan' (koder: ja, nei, vet_ikke)",
    ),
    (
        "condition codes in a list",
        _set(*Q1, 6, "show_if", "in", value=["ja", "tja"]),
        "sections[1].questions[6].show_if.in (key 'kommentar')",
        "'tja' er ikke en kode i spørsmålet 'plan'",
    ),
    (
        "condition operator that does not fit the question type",
        _set("sections", 1, "show_if", value={"question": "omrader", "equals": "skole"}),
        "sections[1].show_if.equals (key 'andre')",
        "'equals' krever et spørsmål av typen single_choice; 'omrader' er multiple_choice",
    ),
    (
        "condition without operator",
        _set(*Q0, 1, "show_if", value={"question": "plan"}),
        "sections[0].questions[1].show_if (key 'planer')",
        "skal ha nøyaktig ett av feltene equals, in, includes, answered, ikke 0",
    ),
    (
        "choice without code",
        _delete(*Q0, 2, "choices", 0, "code"),
        "sections[0].questions[2].choices[0] (key 'omrader')",
        "mangler feltet 'code'",
    ),
    (
        "duplicate choice code",
        _set(*Q0, 2, "choices", 1, "code", value="skole"),
        "sections[0].questions[2].choices[1].code (key 'omrader')",
        "koden 'skole' finnes allerede i sections[0].questions[2].choices[0]",
    ),
    (
        "duplicate matrix row code",
        _set(*Q1, 0, "rows", 1, "code", value="e_post"),
        "sections[1].questions[0].rows[1].code (key 'kanaler')",
        "koden 'e_post' finnes allerede i sections[1].questions[0].rows[0]",
    ),
    (
        "matrix without rows",
        _delete(*Q1, 0, "rows"),
        "sections[1].questions[0] (key 'kanaler')",
        "mangler feltet 'rows'",
    ),
    (
        "matrix with an empty list of rows",
        _set(*Q1, 0, "rows", value=[]),
        "sections[1].questions[0].rows (key 'kanaler')",
        "skal være en liste med minst én rad",
    ),
    (
        "matrix without scale",
        _delete(*Q1, 0, "scale"),
        "sections[1].questions[0] (key 'kanaler')",
        "mangler feltet 'scale'",
    ),
    (
        "single choice with only one choice",
        _set(*Q0, 1, "choices", value=[{"code": "ja", "label": "Ja"}]),
        "sections[0].questions[1].choices (key 'planer')",
        "trenger minst 2 svaralternativer",
    ),
    (
        "min greater than max",
        _both(_set(*Q1, 2, "min", value=10), _set(*Q1, 2, "max", value=5)),
        "sections[1].questions[2].min (key 'ansatte')",
        "min (10) skal være mindre enn max (5)",
    ),
    (
        "bound that is not a number",
        _set(*Q1, 2, "max", value="mange"),
        "sections[1].questions[2].max (key 'ansatte')",
        "skal være et heltall, ikke 'mange'",
    ),
    (
        "decimal bound written the Norwegian way",
        _set(*Q1, 3, "min", value="0,5"),
        "sections[1].questions[3].min (key 'budsjett')",
        "skal være et tall (med punktum som desimaltegn), ikke '0,5'",
    ),
    (
        "rating beyond ten stars",
        _set(*Q1, 1, "max", value=12),
        "sections[1].questions[1].max (key 'stjerner')",
        "en vurderingsskala går fra 0 til 10",
    ),
    (
        "percentage above 100",
        _set(*Q1, 4, "max", value=120),
        "sections[1].questions[4].max (key 'andel')",
        "en prosent ligger mellom 0 og 100",
    ),
    (
        "unknown organisation kind",
        _set(*Q1, 5, "applies_to", value=["kommuner"]),
        "sections[1].questions[5].applies_to[0] (key 'navn')",
        "ukjent organisasjonstype 'kommuner' (kjente typer: kommune, fylkeskommune) "
        "(mente du 'kommune'?)",
    ),
    (
        "question for a kind its section does not apply to",
        _set(*Q1, 5, "applies_to", value=["fylkeskommune"]),
        "sections[1].questions[5].applies_to (key 'navn')",
        "'fylkeskommune' er ikke blant organisasjonstypene til delen (kommune)",
    ),
    (
        "unknown target kind of the wave",
        _set("wave", "target_kinds", value=["kommune", "fylke"]),
        "wave.target_kinds[1]",
        "ukjent organisasjonstype 'fylke'",
    ),
    (
        "missing question text",
        _delete(*Q0, 0, "text"),
        "sections[0].questions[0] (key 'plan')",
        "mangler feltet 'text'",
    ),
    (
        "missing section title",
        _delete("sections", 0, "title"),
        "sections[0] (key 'forste')",
        "mangler feltet 'title'",
    ),
    (
        "missing wave slug",
        _delete("wave", "slug"),
        "wave",
        "mangler feltet 'slug'",
    ),
    (
        "empty question text",
        _set(*Q0, 0, "text", value="  "),
        "sections[0].questions[0].text (key 'plan')",
        "kan ikke være tom",
    ),
    (
        "unknown field (a typo)",
        _set(*Q1, 6, "hlep", value="Skriv fritt."),
        "sections[1].questions[6] (key 'kommentar')",
        "ukjent felt 'hlep' (mente du 'help'?)",
    ),
    (
        "unknown field of a choice",
        _set(*Q0, 2, "choices", 3, "exlusive", value=True),
        "sections[0].questions[2].choices[3] (key 'omrader')",
        "ukjent felt 'exlusive' (mente du 'exclusive'?)",
    ),
    (
        "field of another type",
        _set(*Q1, 1, "choices", value="yes_no_unsure"),
        "sections[1].questions[1] (key 'stjerner')",
        "feltet 'choices' hører ikke til typen 'rating'",
    ),
    (
        "exclusive choice in a single choice question",
        _set(*Q0, 1, "choices", 1, "exclusive", value=True),
        "sections[0].questions[1].choices[1].exclusive (key 'planer')",
        "gjelder bare for multiple_choice",
    ),
    (
        "two other choices",
        _set(*Q0, 2, "choices", 1, "other", value=True),
        "sections[0].questions[2].choices (key 'omrader')",
        "bare ett svaralternativ kan være «annet» (other: true), ikke helse, annet",
    ),
    (
        "weight with too many decimals",
        _set(*Q0, 2, "choices", 0, "weight", value=0.125),
        "sections[0].questions[2].choices[0].weight (key 'omrader')",
        "skal være et tall med høyst to desimaler, ikke 0.125",
    ),
    (
        "required that is not a boolean",
        _set(*Q0, 0, "required", value="ja"),
        "sections[0].questions[0].required (key 'plan')",
        "skal være true eller false, ikke 'ja'",
    ),
    (
        "wrong format version",
        _set("format", value=2),
        "format",
        "formatversjon 2 støttes ikke (denne versjonen leser format: 1)",
    ),
    (
        "missing format",
        _delete("format"),
        "(dokument)",
        "mangler feltet 'format'",
    ),
    (
        "unknown register year",
        _set("wave", "register_year", value=1999),
        "wave.register_year",
        "det finnes ingen registerutgave for 1999 (last registeret først; "
        "registerutgaver i databasen: 2011)",
    ),
    (
        "bad slug",
        _set("wave", "slug", value="Test Runde"),
        "wave.slug",
        "ugyldig verdi 'Test Runde': små bokstaver a-z, sifre og bindestrek, høyst 80 tegn",
    ),
    (
        "bad question key",
        _set(*Q0, 0, "key", value="Plan-1"),
        "sections[0].questions[0].key (key 'Plan-1')",
        "ugyldig verdi 'Plan-1': små bokstaver a-z, sifre og understrek, første tegn en bokstav",
    ),
    (
        "bad choice code",
        _set(*Q0, 1, "choices", 0, "code", value="Ja!"),
        "sections[0].questions[1].choices[0].code (key 'planer')",
        "ugyldig verdi 'Ja!'",
    ),
    (
        "YAML reads an unquoted no as false",
        _set(*Q0, 1, "choices", 1, "label", value=False),
        "sections[0].questions[1].choices[1].label (key 'planer')",
        "skal være tekst, ikke false (YAML leser yes/no/on/off som sann/usann",
    ),
    (
        "bad datetime",
        _set("wave", "opens_at", value="i morgen"),
        "wave.opens_at",
        "ugyldig tidspunkt 'i morgen': skriv dato og klokkeslett som 2011-03-14T08:00:00+01:00",
    ),
    (
        "date without time",
        _set("wave", "closes_at", value="2011-05-06"),
        "wave.closes_at",
        "ugyldig tidspunkt '2011-05-06'",
    ),
    (
        "closing before opening",
        _set("wave", "closes_at", value="2011-03-01T08:00:00+01:00"),
        "wave.closes_at",
        "stenger før eller samtidig med at den åpner",
    ),
    (
        "section without questions",
        _set("sections", 0, "questions", value=[]),
        "sections[0].questions (key 'forste')",
        "skal være en liste med minst ett spørsmål",
    ),
]


@pytest.mark.parametrize(
    "mutate, where, message",
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_file_is_rejected_with_a_message_that_points_at_the_problem(
    tmp_path, edition, mutate, where, message
):
    document = base_document()
    mutate(document)

    problems = load_failing(write(tmp_path, document))

    expected_start = f"testrunde.yaml: {where}: "
    assert any(line.startswith(expected_start) and message in line for line in problems), problems
    assert db_counts() == dict.fromkeys(db_counts(), 0)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, edition):
    document = base_document()
    document["sections"][0]["questions"][0]["type"] = "ja_nei"
    document["sections"][1]["questions"][2]["min"] = "null"
    document["wave"]["register_year"] = 1999

    problems = load_failing(write(tmp_path, document))

    assert len(problems) == 3
    assert problems[0].startswith("testrunde.yaml: wave.register_year: ")
    assert problems[1].startswith("testrunde.yaml: sections[0].questions[0]")
    assert problems[2].startswith("testrunde.yaml: sections[1].questions[2].min (key 'ansatte')")


def test_a_field_given_twice_is_reported_with_its_line(tmp_path, edition):
    text = BASE.replace(
        '        text: "Antall ansatte?"\n',
        '        text: "Antall ansatte?"\n        text: "Antall årsverk?"\n',
    )

    problems = load_failing(write(tmp_path, text))

    line = text.splitlines().index('        text: "Antall årsverk?"') + 1
    assert problems == [
        f"testrunde.yaml: sections[1].questions[2] (key 'ansatte'): "
        f"feltet 'text' står flere ganger (linje {line})"
    ]


def test_invalid_yaml_is_reported_with_line_and_column(tmp_path, edition):
    text = BASE.replace('title: "Første del"', 'title: "Første del" oops: x')

    problems = load_failing(write(tmp_path, text))

    line = text.splitlines().index('    title: "Første del" oops: x') + 1
    assert len(problems) == 1
    assert problems[0].startswith(f"testrunde.yaml: linje {line}, kolonne ")
    assert "ikke gyldig YAML" in problems[0]


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, edition):
    problems = load_failing(write(tmp_path, "- bare\n- en liste\n"))

    assert problems == [
        "testrunde.yaml: (dokument): filen skal inneholde feltene format, wave og sections, "
        "ikke en liste"
    ]


def test_a_missing_file_is_refused(tmp_path, edition):
    problems = load_failing(tmp_path / "finnes-ikke.yaml")

    assert problems == [f"{tmp_path / 'finnes-ikke.yaml'}: filen finnes ikke"]


def test_a_broken_reload_leaves_the_existing_wave_unchanged(tmp_path, edition):
    load(write(tmp_path, base_document()))
    before = snapshot("testrunde")
    document = base_document()
    document["wave"]["title"] = "Ny tittel"
    document["sections"][0]["questions"][0]["text"] = "Ny ordlyd?"
    document["sections"][1]["questions"][6]["type"] = "langtekst"

    load_failing(write(tmp_path, document))

    assert snapshot("testrunde") == before


# --- reloading a wave that has answers -------------------------------------------------------


@pytest.fixture
def answered(tmp_path, edition):
    """The base wave loaded, with answers from one kommune to several questions."""
    load(write(tmp_path, base_document()))
    answer_set = make_answer_set(wave=Wave.objects.get(slug="testrunde"))
    answers = {
        "plan": make_answer(answer_set=answer_set, question=question("plan"), value="nei"),
        "omrader": make_answer(
            answer_set=answer_set,
            question=question("omrader"),
            value=["skole", "annet"],
            other_text="Kultur",
        ),
        "kanaler": make_answer(
            answer_set=answer_set, question=question("kanaler"), value={"sms": "stor_grad"}
        ),
        "ansatte": make_answer(answer_set=answer_set, question=question("ansatte"), value=250),
    }
    return answers


def answers_as_stored() -> list[tuple]:
    return list(
        Answer.objects.order_by("pk").values_list("pk", "question_id", "value", "other_text")
    )


def test_reload_changes_wording_order_and_adds_questions_in_place_keeping_answers(
    tmp_path, answered
):
    before = answers_as_stored()
    plan_id = question("plan").pk
    document = base_document()
    first = document["sections"][0]["questions"]
    first[0]["text"] = "Har kommunen en vedtatt plan?"
    first[0]["required"] = False
    first[2]["choices"][0]["weight"] = 3
    first[2]["choices"].insert(1, {"code": "kultur", "label": "Kultur"})
    first.insert(0, {"key": "ny", "type": "short_text", "text": "Nytt spørsmål?"})
    first[1], first[2] = first[2], first[1]  # "planer" now before "plan"...
    del first[1]["show_if"]  # ... so its condition on "plan" must go

    output = load(write(tmp_path, document))

    assert "Oppdaterte runden «testrunde»" in output
    plan = question("plan")
    assert plan.pk == plan_id
    assert plan.text == "Har kommunen en vedtatt plan?" and plan.required is False
    assert list(
        Question.objects.filter(section__key="forste")
        .order_by("position")
        .values_list("key", flat=True)
    ) == ["ny", "planer", "plan", "omrader"]
    assert list(question("omrader").choices.values_list("code", "weight")) == [
        ("skole", Decimal("3.00")),
        ("kultur", None),
        ("helse", None),
        ("annet", None),
        ("ingen", None),
    ]
    assert answers_as_stored() == before


def test_reloading_the_same_file_changes_nothing(tmp_path, answered):
    before = snapshot("testrunde")

    output = load(write(tmp_path, base_document()))

    assert "Runden «testrunde» er uendret" in output
    assert snapshot("testrunde") == before


def test_reload_refuses_removing_an_answered_question(tmp_path, answered):
    before = (snapshot("testrunde"), answers_as_stored())
    document = base_document()
    del document["sections"][1]["questions"][2]  # ansatte

    problems = load_failing(write(tmp_path, document))

    assert problems == [
        "testrunde.yaml: sections (key 'ansatte'): spørsmålet «Antall ansatte?» mangler i "
        "filen, men har 1 svar i runden 'testrunde' og kan ikke fjernes"
    ]
    assert (snapshot("testrunde"), answers_as_stored()) == before


def test_reload_refuses_removing_a_question_that_has_only_history(tmp_path, answered):
    answer = answered["ansatte"]
    AnswerChange.objects.create(
        answer_set=answer.answer_set,
        question=answer.question,
        action=AnswerChange.Action.CLEARED,
        previous_value=250,
        value=None,
        changed_at=answer.changed_at,
    )
    answer.delete()
    document = base_document()
    del document["sections"][1]["questions"][2]

    problems = load_failing(write(tmp_path, document))

    assert "sections (key 'ansatte')" in problems[0] and "kan ikke fjernes" in problems[0]
    assert Question.objects.filter(key="ansatte").exists()


def test_reload_removes_unanswered_questions_and_sections(tmp_path, answered):
    before = answers_as_stored()
    document = base_document()
    second = document["sections"].pop(1)
    # The answered questions move to the first section; the others go.
    document["sections"][0]["questions"] += [second["questions"][0], second["questions"][2]]

    load(write(tmp_path, document))

    assert not Section.objects.filter(key="andre").exists()
    assert not Question.objects.filter(key="stjerner").exists()  # unanswered: removed
    assert question("kanaler").section.key == "forste"
    assert question("ansatte").section.key == "forste"
    assert answers_as_stored() == before


def test_reload_refuses_changing_the_type_of_an_answered_question(tmp_path, answered):
    before = snapshot("testrunde")
    document = base_document()
    document["sections"][1]["questions"][2]["type"] = "decimal"

    problems = load_failing(write(tmp_path, document))

    assert problems == [
        "testrunde.yaml: sections[1].questions[2].type (key 'ansatte'): typen kan ikke endres "
        "fra integer til decimal: spørsmålet har 1 svar"
    ]
    assert snapshot("testrunde") == before


def test_reload_changes_the_type_of_an_unanswered_question(tmp_path, answered):
    document = base_document()
    document["sections"][0]["questions"][1] = {
        "key": "planer",
        "type": "long_text",
        "text": "Beskriv planene",
    }

    load(write(tmp_path, document))

    planer = question("planer")
    assert planer.kind == Question.Kind.LONG_TEXT
    assert planer.options == {"max_length": 5000}
    assert planer.choices.count() == 0


@pytest.mark.parametrize(
    "mutate, where, message",
    [
        (
            _both(
                _set(
                    *Q0,
                    0,
                    "choices",
                    value=[
                        {"code": "ja", "label": "Ja"},
                        {"code": "vet_ikke", "label": "Vet ikke"},
                    ],
                ),
                _set(*Q0, 1, "show_if", "equals", value="vet_ikke"),
            ),
            "sections[0].questions[0].choices (key 'plan')",
            "svaralternativet 'nei' er brukt i 1 svar og kan ikke fjernes",
        ),
        (
            lambda d: d["sections"][0]["questions"][2]["choices"].pop(2),
            "sections[0].questions[2].choices (key 'omrader')",
            "svaralternativet 'annet' er brukt i 1 svar og kan ikke fjernes",
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["rows"].pop(1),
            "sections[1].questions[0].rows (key 'kanaler')",
            "raden 'sms' er brukt i 1 svar og kan ikke fjernes",
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["scale"].__setitem__(
                0, {"code": "x", "label": "X"}
            ),
            "sections[1].questions[0].scale (key 'kanaler')",
            "svaralternativet 'stor_grad' er brukt i 1 svar og kan ikke fjernes",
        ),
    ],
    ids=["single choice", "multiple choice", "matrix row", "matrix scale step"],
)
def test_reload_refuses_removing_a_code_that_answers_use(
    tmp_path, answered, mutate, where, message
):
    before = (snapshot("testrunde"), answers_as_stored())
    document = base_document()
    mutate(document)

    problems = load_failing(write(tmp_path, document))

    assert problems == [f"testrunde.yaml: {where}: {message}"]
    assert (snapshot("testrunde"), answers_as_stored()) == before


def test_reload_removes_codes_that_no_answer_uses(tmp_path, answered):
    document = base_document()
    choices = document["sections"][0]["questions"][2]["choices"]
    choices.pop(1)  # helse: nobody chose it
    document["sections"][1]["questions"][0]["rows"].pop(0)  # e_post: no answer has that row
    before = answers_as_stored()

    load(write(tmp_path, document))

    assert list(question("omrader").choices.values_list("code", flat=True)) == [
        "skole",
        "annet",
        "ingen",
    ]
    assert list(question("kanaler").rows.values_list("code", flat=True)) == ["sms"]
    assert answers_as_stored() == before


def test_reload_refuses_moving_an_answered_wave_to_another_register_edition(tmp_path, answered):
    make_edition(year=2024)
    document = base_document()
    document["wave"]["register_year"] = 2024

    problems = load_failing(write(tmp_path, document))

    assert problems == [
        "testrunde.yaml: wave.register_year: runden 'testrunde' har svar fra organisasjonene i "
        "registerutgaven 2011 og kan ikke flyttes til 2024"
    ]


def test_reload_of_an_opened_wave_keeps_the_dates_set_by_the_operator(tmp_path, edition):
    load(write(tmp_path, base_document()))
    wave = Wave.objects.get(slug="testrunde")
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN, closes_at="2099-01-01T00:00Z")
    document = base_document()
    document["wave"]["title"] = "Ny tittel"

    output = load(write(tmp_path, document))

    wave.refresh_from_db()
    assert wave.title == "Ny tittel"
    assert wave.closes_at.year == 2099
    assert "opens_at/closes_at i filen er ikke brukt" in output


# --- demo data -------------------------------------------------------------------------------


def test_demo_loader_skips_the_questionnaire_without_the_2011_register(db):
    out = io.StringIO()

    load_demo_surveys(out)

    assert "registerutgaven for 2011 er ikke lastet" in out.getvalue()
    assert Wave.objects.count() == 0


def test_demo_loader_loads_the_bundled_wave_and_can_run_again(edition):
    first, second = io.StringIO(), io.StringIO()

    load_demo_surveys(first)
    before = snapshot("ekommune-2011")
    load_demo_surveys(second)

    assert "«ekommune-2011»: 16 deler, 42 spørsmål (opprettet)" in first.getvalue()
    assert "(uendret)" in second.getvalue()
    assert snapshot("ekommune-2011") == before


def test_export_keeps_texts_that_look_like_yaml_syntax(tmp_path, edition):
    tricky = [
        'Annet: "sitat" # ikke en kommentar',
        "- ser ut som en liste",
        "yes",
        "1.0",
        "{ikke: en samling}",
        "Linje én\n  innrykket linje\nsiste linje",
        "@ og ` og % og & og * og ! og | og >",
    ]
    document = base_document()
    omrader = document["sections"][0]["questions"][2]
    omrader["choices"] = [{"code": "skole", "label": "Skole"}] + [
        {"code": f"c{index}", "label": label.replace("\n", " ")}
        for index, label in enumerate(tricky)
    ]
    document["sections"][1]["questions"][6]["help"] = tricky[5]
    document["sections"][1]["questions"][6]["text"] = tricky[0]
    load(write(tmp_path, document))
    before = snapshot("testrunde")
    exported = export_definition(Wave.objects.get(slug="testrunde"))

    Wave.objects.all().delete()
    load(write(tmp_path, exported, name="exported.yaml"))

    assert snapshot("testrunde") == before
    assert question("kommentar").help_text == tricky[5]


@pytest.mark.parametrize(
    "mutate",
    [
        _set(*Q0, 0, "type", value=["single_choice"]),
        _set(*Q0, 0, "key", value={"a": 1}),
        _set(*Q0, 0, "text", value=["a", "b"]),
        _set(*Q0, 1, "show_if", value={"question": ["plan"], "equals": "nei"}),
        _set(*Q0, 1, "show_if", value="plan = nei"),
        _set(*Q0, 1, "show_if", "equals", value=["nei"]),
        _set(*Q0, 1, "choices", value=[1, "ja"]),
        _set(*Q0, 1, "choices", value={"ja": "Ja"}),
        _set(*Q1, 0, "rows", value="e_post, sms"),
        _set(*Q1, 1, "labels", value="1 til 6"),
        _set(*Q1, 2, "min", value=[0]),
        _set(*Q1, 2, "unit", value={"a": 1}),
        _set(*Q0, 0, "applies_to", value={"kommune": True}),
        _set("sections", value={"forste": {}}),
        _set("sections", 0, value="forste"),
        _set("sections", 0, "questions", 0, value=None),
        _set("wave", value=["testrunde"]),
        _set("wave", "opens_at", value=[2011]),
        _set("wave", "year", value="2011"),
    ],
)
def test_odd_shapes_anywhere_are_reported_not_crashed_on(tmp_path, edition, mutate):
    document = base_document()
    mutate(document)

    problems = load_failing(write(tmp_path, document))

    assert problems and all(line.startswith("testrunde.yaml: ") for line in problems)
    assert Wave.objects.count() == 0


def test_a_reload_reaches_the_questionnaire_cache(tmp_path, edition):
    """Processes cache loaded questionnaires: a reload must still show up at once, also
    for choices the loader writes with bulk_create (no model signals)."""
    from surveys.form_engine import Questionnaire

    document = base_document()
    load(write(tmp_path, document))
    wave = Wave.objects.get(slug="testrunde")
    labels = [c.label for c in Questionnaire.for_wave(wave).question("omrader").choice_list]
    assert "Kultur" not in labels

    questions = document["sections"][0]["questions"]
    omrader = next(question for question in questions if question["key"] == "omrader")
    # Only a new last choice: the other choices keep their positions.
    omrader["choices"].append({"code": "kultur", "label": "Kultur"})
    load(write(tmp_path, document))

    reloaded = Questionnaire.for_wave(Wave.objects.get(slug="testrunde")).question("omrader")
    assert [choice.label for choice in reloaded.choice_list][-1] == "Kultur"
