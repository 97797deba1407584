"""What changed between two definition documents, in lines a person reads: per question, per
section and for the wave's header. Used for the versions and for the diff of an upload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from surveys.administration.editor.documents import Document, questions, text_parts

LANGUAGE_NAMES = {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"}
ITEM_LISTS = ("choices", "rows", "scale")


@dataclass
class Change:
    """The changes to one question (or section, or the wave's header)."""

    kind: str  # "question" | "section" | "wave"
    key: str
    status: str  # "added" | "removed" | "changed"
    lines: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "status": self.status, "lines": self.lines}


def _show(value: Any) -> str:
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    text = str(value)
    return f"«{text if len(text) <= 120 else text[:119] + '…'}»"


def _text_lines(name: str, old: Any, new: Any) -> list[str]:
    before, after = text_parts(old), text_parts(new)
    lines = []
    for language, label in LANGUAGE_NAMES.items():
        if before[language] != after[language]:
            lines.append(f"{name} ({label}): {_show(before[language])} → {_show(after[language])}")
    return lines


def _item_lines(name: str, old: list | None, new: list | None) -> list[str]:
    """Choices, rows or scale steps compared by code."""
    if isinstance(old, str) or isinstance(new, str):  # the yes_no_unsure shorthand
        return [] if old == new else [f"{name}: {_show(old)} → {_show(new)}"]
    before = {item.get("code"): item for item in old or [] if isinstance(item, dict)}
    after = {item.get("code"): item for item in new or [] if isinstance(item, dict)}
    lines = []
    for code in after.keys() - before.keys():
        lines.append(
            _("%(list)s: ny kode %(code)s %(label)s")
            % {
                "list": name,
                "code": code,
                "label": _show(text_parts(after[code].get("label"))["nb"]),
            }
        )
    for code in before.keys() - after.keys():
        lines.append(_("%(list)s: fjernet kode %(code)s") % {"list": name, "code": code})
    for code in after.keys() & before.keys():
        old_item, new_item = before[code], after[code]
        for part in sorted(set(old_item) | set(new_item)):
            if part == "label":
                lines.extend(
                    _text_lines(f"{name} {code}", old_item.get("label"), new_item.get("label"))
                )
            elif old_item.get(part) != new_item.get(part):
                old_value, new_value = _show(old_item.get(part)), _show(new_item.get(part))
                lines.append(f"{name} {code} {part}: {old_value} → {new_value}")
    if not lines and [i.get("code") for i in old or []] != [i.get("code") for i in new or []]:
        lines.append(_("%(list)s: ny rekkefølge") % {"list": name})
    return sorted(lines)


def _field_lines(old: dict, new: dict, texts: tuple[str, ...]) -> list[str]:
    lines = []
    for name in [*dict.fromkeys([*old, *new])]:
        if name in ("key", "questions"):
            continue
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name in texts:
            lines.extend(_text_lines(name, before, after))
        elif name in ITEM_LISTS:
            lines.extend(_item_lines(name, before, after))
        else:
            lines.append(f"{name}: {_show(before)} → {_show(after)}")
    return lines


def document_changes(old: Document, new: Document) -> list[Change]:
    """Every difference, keyed by question key (and section key), in the new order."""
    changes: list[Change] = []
    header = _field_lines(old.get("wave") or {}, new.get("wave") or {}, WAVE_TEXTS_FIELDS)
    if header:
        changes.append(Change("wave", "wave", "changed", header))
    old_sections = {s.get("key"): s for s in old.get("sections") or []}
    new_sections = {s.get("key"): s for s in new.get("sections") or []}
    old_order = list(old_sections)
    new_order = list(new_sections)
    for key, section in new_sections.items():
        if key not in old_sections:
            changes.append(
                Change("section", key, "added", _text_lines("title", None, section.get("title")))
            )
            continue
        lines = _field_lines(old_sections[key], section, ("title", "intro"))
        kept_before = [k for k in old_order if k in new_sections]
        kept_after = [k for k in new_order if k in old_sections]
        if kept_before.index(key) != kept_after.index(key):
            lines.append(_("flyttet"))
        if lines:
            changes.append(Change("section", key, "changed", lines))
    for key in old_sections.keys() - new_sections.keys():
        changes.append(Change("section", key, "removed"))
    changes.extend(question_changes(old, new))
    return changes


WAVE_TEXTS_FIELDS = ("title", "intro", "vision", "help_contact")


def question_changes(old: Document, new: Document) -> list[Change]:
    before = {q.get("key"): (s.get("key"), q) for s, q in questions(old)}
    after = {q.get("key"): (s.get("key"), q) for s, q in questions(new)}
    order_before = [k for k in before if k in after]
    order_after = [k for k in after if k in before]
    changes = []
    for key, (section_key, question) in after.items():
        if key not in before:
            text = text_parts(question.get("text"))["nb"]
            changes.append(
                Change(
                    "question",
                    key,
                    "added",
                    [
                        _("nytt spørsmål i delen %(section)s: %(text)s")
                        % {"section": section_key, "text": _show(text)}
                    ],
                )
            )
            continue
        old_section, old_question = before[key]
        lines = _field_lines(old_question, question, ("text", "help", "unit"))
        if old_section != section_key:
            lines.append(
                _("flyttet fra delen %(old)s til %(new)s")
                % {"old": old_section, "new": section_key}
            )
        elif order_before.index(key) != order_after.index(key):
            lines.append(_("flyttet"))
        if lines:
            changes.append(Change("question", key, "changed", lines))
    for key, (_section, question) in before.items():
        if key not in after:
            text = text_parts(question.get("text"))["nb"]
            changes.append(
                Change("question", key, "removed", [_("fjernet: %(text)s") % {"text": _show(text)}])
            )
    return changes
