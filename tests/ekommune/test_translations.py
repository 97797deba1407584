"""Nynorsk and English catalogs: complete, compiled, and really used by the pages.

After `make messages` adds new bokmål strings, the catalog tests below fail and list every entry
that still needs a translation (empty or fuzzy), a .mo that was not recompiled, or a translation
that lost a placeholder, an HTML tag or its final punctuation.
"""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from surveys.models import Question
from surveys.numbers import NumberFormatError, parse_decimal
from tests.builders import make_question, make_section, make_staff, make_wave
from tests.surveys.htmltools import attr, find, find_all, parse, text

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED_LANGUAGES = [
    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))

# %(name)s / %(byte)02X / %s / %d (not "%%"), {name}, and HTML tags.
PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TAGS = re.compile(r"</?[A-Za-z][^>]*>")
FINAL_PUNCTUATION = ".:?!;…"


def catalog_id(path: Path) -> str:
    return str(path.relative_to(LOCALE_DIR))


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalog if not entry.obsolete]


def pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) for each form; plural forms beyond the second compare to plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, form)
        for index, form in sorted(entry.msgstr_plural.items())
    ]


def shape_problems(source: str, translated: str) -> list[str]:
    problems = []
    for name, pattern in (("placeholders", PRINTF), ("placeholders", BRACES), ("HTML", TAGS)):
        if sorted(pattern.findall(source)) != sorted(pattern.findall(translated)):
            problems.append(f"{name} {pattern.findall(source)} vs {pattern.findall(translated)}")
    if source != source.lstrip() and translated[:1] != source[:1]:
        problems.append("leading space/newline")
    if source != source.rstrip() and translated[-1:] != source[-1:]:
        problems.append("trailing space/newline")
    end = source.rstrip()[-1:]
    if end and end in FINAL_PUNCTUATION and translated.rstrip()[-1:] != end:
        problems.append(f"final {end!r}")
    return problems


def describe(entry: polib.POEntry) -> str:
    where = entry.occurrences[0][0] + ":" + entry.occurrences[0][1] if entry.occurrences else ""
    return f"{entry.msgid!r} ({where})"


def test_every_language_besides_bokmaal_has_a_catalog_and_a_compiled_file():
    assert {"nn", "en"} <= set(TRANSLATED_LANGUAGES)
    for language in TRANSLATED_LANGUAGES:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file()
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").is_file()


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalog = load(path)
    assert live_entries(catalog), "empty catalog"
    assert not catalog.metadata_is_fuzzy, "the header is marked fuzzy"
    untranslated = [describe(entry) for entry in catalog.untranslated_entries()]
    fuzzy = [describe(entry) for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check, fix, drop the flag):\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_translations_keep_placeholders_html_and_final_punctuation(path):
    problems = [
        f"{describe(entry)}: {problem}"
        for entry in live_entries(load(path))
        if entry.translated()
        for source, translated in pairs(entry)
        for problem in shape_problems(source, translated)
    ]
    assert not problems, "\n".join(problems)


def test_the_shape_check_notices_a_lost_placeholder_tag_or_full_stop():
    assert shape_problems("Del %(number)s av %(count)s", "Section %(number)s of %(count)s") == []
    assert shape_problems("Del %(number)s av %(count)s", "Section %(number)s") != []
    assert shape_problems("Merket med <span>*</span>.", "Marked with *.") != []
    assert shape_problems("Skriv inn et tall.", "Enter a number") != []
    assert shape_problems(" eller ", "or") != []


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_the_compiled_catalog_matches_the_po_file(path):
    """The committed .mo holds exactly the .po's translations (run `make messages` if not)."""
    expected = {}
    for entry in live_entries(load(path)):
        if not entry.translated():
            continue  # msgfmt leaves untranslated and fuzzy entries out
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, form in entry.msgstr_plural.items():
                expected[(key, int(index))] = form
        else:
            expected[key] = entry.msgstr
    with path.with_suffix(".mo").open("rb") as compiled:
        # The parsed catalog is only reachable through this attribute; it maps exactly as above.
        actual = dict(gettext.GNUTranslations(compiled)._catalog)
    actual.pop("", None)  # the header

    stale = sorted(str(key) for key in expected.keys() - actual.keys())
    extra = sorted(str(key) for key in actual.keys() - expected.keys())
    changed = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not (stale or extra or changed), (
        f"{path.with_suffix('.mo').name} is out of date; run `make messages`.\n"
        f"not in the .mo: {stale[:10]}\n"
        f"in the .mo but not translated in the .po: {extra[:10]}\n"
        f"changed: {changed[:10]}"
    )


# --- the translations in use ------------------------------------------------------------------


def get_in(client, language: str, url: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["Velkommen", "Logg inn for KS-ansatte", "Hopp til hovedinnholdet"]),
        ("nn", ["Velkomen", "Logg inn for KS-tilsette", "Hopp til hovudinnhaldet"]),
        ("en", ["Welcome", "Log in for KS staff", "Skip to main content"]),
    ],
)
def test_the_home_page_speaks_the_chosen_language(client, language, expected):
    html = get_in(client, language, reverse("home")).content.decode()
    assert f'<html lang="{language}">' in html
    for phrase in expected:
        assert phrase in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("nn", ["Brukarnamn", "Passord"]), ("en", ["Username", "Password"])],
)
def test_the_admin_login_page_is_translated(client, language, expected):
    html = get_in(client, language, reverse("admin:login")).content.decode()
    assert f'lang="{language}"' in html
    for phrase in expected:
        assert phrase in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("nn", ["Undersøkingar", "Undersøkingsrundar", "Organisasjonar"], "Undersøkelser"),
        ("en", ["Surveys", "Survey waves", "Organisations", "Municipality register"], "Undersøk"),
    ],
)
def test_the_admin_index_shows_our_app_and_model_names_translated(
    client, language, expected, absent
):
    client.force_login(make_staff(is_superuser=True))
    html = get_in(client, language, reverse("admin:index")).content.decode()
    for phrase in expected:
        assert phrase in html
    assert absent not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nn", ["Opna valde rundar (til stengjetida)", "Steng valde rundar", "Førehandsvis"]),
        ("en", ["Open selected waves (until the closing time)", "Close selected waves", "Preview"]),
    ],
)
def test_the_wave_list_in_the_admin_offers_translated_actions(client, language, expected):
    make_wave(slug="ekommune-2011")
    client.force_login(make_staff(is_superuser=True))
    html = get_in(client, language, reverse("admin:surveys_wave_changelist")).content.decode()
    for phrase in expected:
        assert phrase in html


@pytest.fixture
def preview_url(db):
    wave = make_wave(slug="ekommune-2011", title="eKommune 2012 – lokal digital agenda")
    make_section(wave=wave, key="lokaldemokrati", position=1, title="Lokaldemokrati")
    section = make_section(wave=wave, key="ikt_ledelse", position=2, title="Strategisk IKT-ledelse")
    make_question(
        section=section,
        key="ekommuneplan",
        position=1,
        text="Har kommunen utarbeidet en eKommuneplan?",
        required=True,
    )
    make_question(
        section=section,
        key="ansatte",
        position=2,
        kind=Question.Kind.INTEGER,
        text="Hvor mange årsverk arbeider med IKT?",
        options={"min": 0, "max": 500},
    )
    make_section(wave=wave, key="kompetanse", position=3, title="Kompetanseutvikling")
    return reverse("surveys:staff_section_preview", args=["ekommune-2011", "ikt_ledelse"])


@pytest.mark.parametrize(
    ("language", "banner", "position", "legend", "hint", "buttons"),
    [
        (
            "nn",
            "Førehandsvising",
            "Del 2 av 3",
            "Har kommunen utarbeidet en eKommuneplan? * (obligatorisk)",
            "Skriv eit tal frå 0 til 500.",
            ["Lagra", "Lagra og gå vidare"],
        ),
        (
            "en",
            "Preview",
            "Section 2 of 3",
            "Har kommunen utarbeidet en eKommuneplan? * (required)",
            "Enter a number from 0 to 500.",
            ["Save", "Save and continue"],
        ),
    ],
    ids=["nn", "en"],
)
def test_the_section_preview_is_translated_but_the_questionnaire_wording_is_not(
    client, preview_url, language, banner, position, legend, hint, buttons
):
    client.force_login(make_staff())
    html = get_in(client, language, preview_url).content.decode()
    page = parse(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])

    assert text(find(page, "div", role="note")).startswith(banner)
    assert position in html
    assert text(find_all(page, "legend")[0]) == legend
    assert hint in text(find(page, "p", class_="form-text format-hint mt-0"))
    form = find(page, "form", novalidate="")
    assert [text(button) for button in find_all(form, "button", type="submit")] == buttons
    assert "Hvor mange årsverk arbeider med IKT?" in html  # data, quoted from the source


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "«2.000» kan leses på to måter. Skriv 2000 hvis du mener et helt tall"),
        ("nn", "«2.000» kan lesast på to måtar. Skriv 2000 viss du meiner eit heilt tal"),
        ("en", "“2.000” can be read in two ways. Write 2000 if you mean a whole number"),
    ],
)
def test_a_mistyped_number_is_explained_in_the_users_language(language, message):
    with translation.override(language), pytest.raises(NumberFormatError) as error:
        parse_decimal("2.000")
    assert str(error.value.message).startswith(message)
    assert "2,000" in str(error.value.message)  # the other reading, Norwegian style


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "questions", "answer_sets"),
    [("nn", "Spørsmål", "Svarsett"), ("en", "Questions", "Answer sets")],
)
def test_the_wave_list_counts_questions_and_answer_sets_under_plural_headings(
    client, language, questions, answer_sets
):
    make_wave(slug="ekommune-2011")
    client.force_login(make_staff(is_superuser=True))
    html = get_in(client, language, reverse("admin:surveys_wave_changelist")).content.decode()
    page = parse(html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0])
    headings = {
        css_class: text(th)
        for th in find_all(page, "th", scope="col")
        for css_class in (attr(th, "class") or "").split()
        if css_class.startswith("column-")
    }
    assert headings["column-question_count"] == questions
    assert headings["column-answer_set_count"] == answer_sets
