"""Write a wave back as a definition file, in the layout a person would write by hand.

The output is deterministic (exporting twice gives the same text) and loads back into an
equivalent wave. Comments of the original file cannot be kept: they are not in the database.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from typing import Any

import yaml
from django.db.models import Prefetch
from django.utils import timezone

from surveys.definitions.schema import FORMAT_VERSION, SOURCE_LANGUAGE, TRANSLATED_LANGUAGES
from surveys.models import Question, Section, Wave

OPTION_ORDER = ("min", "max", "decimals", "unit", "max_length", "labels")


class _Flow(dict):
    """A mapping written on one line: choices, rows, conditions."""


class _FlowList(list):
    """A short list written on one line: organisation kinds."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML.
        return super().increase_indent(flow, False)


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper: _Dumper, value: dt.datetime) -> yaml.ScalarNode:
    # ISO 8601 with the Norwegian offset of that date, as in the hand-written files.
    return dumper.represent_scalar(
        "tag:yaml.org,2002:timestamp", timezone.localtime(value).isoformat()
    )


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(
    _Flow,
    lambda dumper, value: dumper.represent_mapping(
        "tag:yaml.org,2002:map", dict(value), flow_style=True
    ),
)
_Dumper.add_representer(
    _FlowList,
    lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", list(value), flow_style=True
    ),
)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,  # one line per text: folded lines are hard to edit
    )


def _number(value: Decimal | int | float) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _condition(condition: dict[str, Any] | None) -> _Flow | None:
    if not condition:
        return None
    return _Flow(
        {
            name: _FlowList(value) if isinstance(value, list) else value
            for name, value in condition.items()
        }
    )


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if value not in (None, "", [], False)}


def _text(item: Any, name: str, source: str | None = None) -> str | dict[str, str]:
    """A text as written: plain bokmål, or {nb, nn, en} when it has translations."""
    text = getattr(item, name) if source is None else source
    if not text:
        return text
    versions = {
        language: (item.translations or {}).get(language, {}).get(name)
        for language in TRANSLATED_LANGUAGES
    }
    if not any(versions.values()):
        return text
    return {SOURCE_LANGUAGE: text} | {lang: value for lang, value in versions.items() if value}


def wave_document(wave: Wave) -> dict[str, Any]:
    """The wave's header as it appears under `wave:`."""
    return _without_empty(
        {
            "slug": wave.slug,
            "title": _text(wave, "title"),
            "year": wave.year,
            "register_year": wave.edition.year,
            "target_kinds": _FlowList(wave.target_kinds),
            "opens_at": wave.opens_at,
            "closes_at": wave.closes_at,
            "help_contact": _text(wave, "help_contact"),
            "intro": _text(wave, "intro"),
            "vision": _text(wave, "vision"),
        }
    )


def section_document(section: Section) -> dict[str, Any]:
    return _without_empty(
        {
            "key": section.key,
            "title": _text(section, "title"),
            "intro": _text(section, "intro"),
            "applies_to": _FlowList(section.applies_to) if section.applies_to else None,
            "show_if": _condition(section.condition),
        }
    )


def question_document(question: Question) -> dict[str, Any]:
    data = _without_empty(
        {
            "key": question.key,
            "type": question.kind,
            "text": _text(question, "text"),
            "help": _text(question, "help_text"),
            "required": question.required,
            "applies_to": _FlowList(question.applies_to) if question.applies_to else None,
            "show_if": _condition(question.condition),
        }
    )
    choices = [_choice_document(choice) for choice in question.choices.all()]
    if question.kind == Question.Kind.MATRIX:
        data["rows"] = [
            _Flow(code=row.code, label=_text(row, "label")) for row in question.rows.all()
        ]
        data["scale"] = choices
    elif question.kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
        data["choices"] = choices
    options = question.options or {}
    for name in (*OPTION_ORDER, *sorted(set(options) - set(OPTION_ORDER))):
        if name in options:
            value = options[name]
            if name == "labels":
                value = {label: _text(question, label, text) for label, text in value.items()}
            elif name == "unit":
                value = _text(question, "unit", value)
            data[name] = _Flow(value) if isinstance(value, dict) else value
    return data


def _choice_document(choice: Any) -> _Flow:
    data = _Flow(code=choice.code, label=_text(choice, "label"))
    if choice.exclusive:
        data["exclusive"] = True
    if choice.is_other:
        data["other"] = True
    if choice.weight is not None:
        data["weight"] = _number(choice.weight)
    return data


def export_definition(wave: Wave) -> str:
    """The wave as definition file text (docs/questionnaire-format.md)."""
    wave = Wave.objects.select_related("edition").get(pk=wave.pk)
    questions = Question.objects.order_by("position", "pk").prefetch_related("choices", "rows")
    sections = (
        Section.objects.filter(wave=wave)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    parts = [
        f"# Questionnaire definition, format {FORMAT_VERSION}: see docs/questionnaire-format.md.\n"
        f"# Written by `python manage.py export_questionnaire {wave.slug}`.\n",
        _dump({"format": FORMAT_VERSION}),
        _dump({"wave": wave_document(wave)}),
        "sections:\n",
    ]
    for section in sections:
        head = _dump([section_document(section)])
        parts.append("\n" + textwrap.indent(head, "  ") + "    questions:\n")
        for question in section.questions.all():
            parts.append("\n" + textwrap.indent(_dump([question_document(question)]), "      "))
    return "\n".join(parts[:3]) + "\n" + "".join(parts[3:])
