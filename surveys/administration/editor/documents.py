"""A wave's questionnaire as a definition document (the parsed YAML) and edits to it.

A text in a document is either a plain bokmål string or a mapping {nb, nn, en}.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import yaml
from django.utils.translation import gettext as _

from surveys.definitions import DefinitionError, export_definition
from surveys.definitions.schema import QUESTIONNAIRE_LANGUAGES, TRANSLATED_LANGUAGES
from surveys.definitions.values import DefinitionLoader
from surveys.models import Wave

Document = dict[str, Any]

# Texts of each level of a document, with the name they have in `translations` when stored.
WAVE_TEXTS = ("title", "intro", "vision", "help_contact")
SECTION_TEXTS = ("title", "intro")
QUESTION_TEXTS = ("text", "help", "unit")


def read_document(text: str) -> Document:
    return yaml.load(text, Loader=DefinitionLoader)  # noqa: S506 - a SafeLoader subclass


def wave_document(wave: Wave) -> Document:
    """The wave as the exporter writes it, read back into plain data."""
    return read_document(export_definition(wave))


def text_parts(value: Any) -> dict[str, str]:
    """{"nb": ..., "nn": ..., "en": ...} of a text ("" where there is none)."""
    if isinstance(value, dict):
        return {language: str(value.get(language) or "") for language in QUESTIONNAIRE_LANGUAGES}
    return {"nb": "" if value is None else str(value), "nn": "", "en": ""}


def text_value(parts: dict[str, str]) -> str | dict[str, str]:
    """The inverse of `text_parts`: a plain string when there is no translation."""
    nb = (parts.get("nb") or "").strip()
    translated = {
        language: (parts.get(language) or "").strip()
        for language in TRANSLATED_LANGUAGES
        if (parts.get(language) or "").strip()
    }
    if not translated:
        return nb
    return {"nb": nb, **translated}


def questions(document: Document) -> Iterator[tuple[dict, dict]]:
    """(section, question) pairs in questionnaire order."""
    for section in document.get("sections") or []:
        for question in section.get("questions") or []:
            yield section, question


def find_section(document: Document, key: str) -> dict:
    for section in document.get("sections") or []:
        if section.get("key") == key:
            return section
    raise DefinitionError([_("Delen «%(key)s» finnes ikke i skjemaet.") % {"key": key}])


def find_question(document: Document, key: str) -> tuple[dict, dict]:
    for section, question in questions(document):
        if question.get("key") == key:
            return section, question
    raise DefinitionError([_("Spørsmålet «%(key)s» finnes ikke i skjemaet.") % {"key": key}])


def earlier_question_keys(document: Document, key: str | None, section_key: str) -> list[str]:
    """Keys of the questions before question `key` (or, for a new question, before the end of
    section `section_key`): the ones a condition may look at."""
    keys: list[str] = []
    for _section, question in questions(document):
        if question.get("key") == key:
            return keys
        keys.append(question.get("key"))
    if key is None:
        keys = []
        for section in document.get("sections") or []:
            keys.extend(q.get("key") for q in section.get("questions") or [])
            if section.get("key") == section_key:
                break
    return keys


# --- edits: each returns a changed copy, the document given is left as it was -------------------


def with_question(
    document: Document, *, section_key: str, old_key: str | None, question: dict
) -> Document:
    """The question saved: in place of `old_key`, or appended to the section."""
    document = copy.deepcopy(document)
    if old_key is None:
        find_section(document, section_key).setdefault("questions", []).append(question)
        return document
    section, existing = find_question(document, old_key)
    items = section["questions"]
    items[items.index(existing)] = question
    return document


def without_question(document: Document, key: str) -> Document:
    document = copy.deepcopy(document)
    section, question = find_question(document, key)
    section["questions"].remove(question)
    return document


def with_question_moved(document: Document, key: str, step: int) -> Document:
    """One place up (step -1) or down (+1); past the end of a section, into the next one."""
    document = copy.deepcopy(document)
    sections = document["sections"]
    section, question = find_question(document, key)
    items = section["questions"]
    index = items.index(question)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        return document
    neighbour = sections.index(section) + step
    if 0 <= neighbour < len(sections):
        items.remove(question)
        other = sections[neighbour].setdefault("questions", [])
        other.insert(len(other) if step < 0 else 0, question)
    return document


def with_section_moved(document: Document, key: str, step: int) -> Document:
    document = copy.deepcopy(document)
    sections = document["sections"]
    section = find_section(document, key)
    index = sections.index(section)
    target = index + step
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
    return document


def with_wave_texts(document: Document, texts: dict[str, Any]) -> Document:
    """The wave's texts (title, intro, vision, help contact) changed; an empty one removed."""
    document = copy.deepcopy(document)
    wave = document["wave"]
    for name, value in texts.items():
        if value:
            wave[name] = value
        else:
            wave.pop(name, None)
    return document


def with_new_section(document: Document, section: dict) -> Document:
    """A new section at the end (it needs at least one question, as in a file)."""
    document = copy.deepcopy(document)
    document["sections"].append(section)
    return document


def without_section(document: Document, key: str) -> Document:
    """The section and its questions removed (answered questions are refused on save)."""
    document = copy.deepcopy(document)
    document["sections"].remove(find_section(document, key))
    return document


def with_section_texts(
    document: Document, *, key: str, new_key: str, texts: dict[str, Any]
) -> Document:
    """A section's key and texts (title, intro) changed; an empty text is removed."""
    document = copy.deepcopy(document)
    section = find_section(document, key)
    section["key"] = new_key
    for name, value in texts.items():
        if value:
            section[name] = value
        else:
            section.pop(name, None)
    return document
