"""What the editor's pages read: untranslated texts, versions and a comparison of two waves."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from surveys.administration.editor.changes import Change, question_changes
from surveys.administration.editor.documents import (
    QUESTION_TEXTS,
    SECTION_TEXTS,
    WAVE_TEXTS,
    Document,
    questions,
    text_parts,
)
from surveys.definitions.schema import TRANSLATED_LANGUAGES
from surveys.models import QuestionnaireVersion, Wave


@dataclass
class Untranslated:
    where: str  # "wave", a section key or a question key, with the field
    bokmal: str
    section_key: str = ""
    question_key: str = ""


def _texts(document: Document):
    """(where, text, section key, question key) of every text in a document."""
    wave = document.get("wave") or {}
    for name in WAVE_TEXTS:
        yield f"wave.{name}", wave.get(name), "", ""
    for section in document.get("sections") or []:
        key = section.get("key", "")
        for name in SECTION_TEXTS:
            yield f"{key}.{name}", section.get(name), key, ""
    for section, question in questions(document):
        skey, qkey = section.get("key", ""), question.get("key", "")
        for name in QUESTION_TEXTS:
            yield f"{qkey}.{name}", question.get(name), skey, qkey
        labels = question.get("labels") or {}
        for name, value in labels.items():
            yield f"{qkey}.labels.{name}", value, skey, qkey
        for listname in ("choices", "scale", "rows"):
            items = question.get(listname)
            for item in items if isinstance(items, list) else []:
                yield f"{qkey}.{listname}.{item.get('code')}", item.get("label"), skey, qkey


def untranslated_texts(document: Document) -> dict[str, list[Untranslated]]:
    """Per translated language, every text that has only a bokmål version."""
    missing: dict[str, list[Untranslated]] = {language: [] for language in TRANSLATED_LANGUAGES}
    for where, value, section_key, question_key in _texts(document):
        parts = text_parts(value)
        if not parts["nb"]:
            continue
        for language in TRANSLATED_LANGUAGES:
            if not parts[language]:
                missing[language].append(
                    Untranslated(where, parts["nb"], section_key, question_key)
                )
    return missing


def text_count(document: Document) -> int:
    return sum(1 for _where, value, _s, _q in _texts(document) if text_parts(value)["nb"])


def wave_versions(wave: Wave) -> QuerySet[QuestionnaireVersion]:
    return wave.versions.select_related("created_by").order_by("-number")


def comparable_waves(wave: Wave) -> QuerySet[Wave]:
    """The other waves, last year's first."""
    return Wave.objects.exclude(pk=wave.pk).order_by("-year", "slug")


def last_years_wave(wave: Wave) -> Wave | None:
    return (
        Wave.objects.exclude(pk=wave.pk)
        .filter(year__lt=wave.year)
        .order_by("-year", "slug")
        .first()
    )


@dataclass
class Comparison:
    """Question keys added, removed and reworded from the other wave to this one."""

    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    reworded: list[Change] = field(default_factory=list)
    unchanged: int = 0


def compare_documents(older: Document, newer: Document) -> Comparison:
    comparison = Comparison()
    moved = _("flyttet")
    for change in question_changes(older, newer):
        if change.status == "added":
            comparison.added.append(change)
        elif change.status == "removed":
            comparison.removed.append(change)
        else:
            # Only what changes the meaning of the answers: wording in bokmål, type,
            # choices and rows; moves and translations do not break a comparison.
            lines = [
                line
                for line in change.lines
                if "(nynorsk)" not in line
                and "(engelsk)" not in line
                and not line.startswith(moved)
            ]
            if lines:
                change.lines = lines
                comparison.reworded.append(change)
    keys_new = {q.get("key") for _s, q in questions(newer)}
    keys_old = {q.get("key") for _s, q in questions(older)}
    comparison.unchanged = len((keys_new & keys_old) - {c.key for c in comparison.reworded})
    return comparison
