"""Validate a whole definition file: structure, keys, types, bounds, choices, conditions.

This module walks the document (wave, sections, questions); `question_settings.py` checks the
settings of each question's type and `condition_checks.py` the conditions.

Validation never stops at the first problem: it walks the whole file and collects every
problem, so that an editor can fix them all in one go. Only a file without problems becomes a
`Definition`, the plain data the loader writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _

from municipalities.models import RegisterEdition
from surveys.definitions.condition_checks import ConditionReader
from surveys.definitions.question_settings import QuestionSettingsReader
from surveys.definitions.schema import (
    ALL_TYPE_FIELDS,
    FORMAT_VERSION,
    QUESTION_KEY_RE,
    QUESTION_OPTIONAL,
    QUESTION_REQUIRED,
    SECTION_KEY_RE,
    SECTION_OPTIONAL,
    SECTION_REQUIRED,
    TYPE_FIELDS,
    WAVE_OPTIONAL,
    WAVE_REQUIRED,
    WAVE_SLUG_RE,
    ChoiceDef,
    Definition,
    DefinitionError,
    Kind,
    QuestionDef,
    SectionDef,
    WaveDef,
)
from surveys.definitions.values import DefinitionLoader, describe, suggest
from surveys.models import Question


def parse_definition(text: str, *, filename: str) -> Definition:
    """Parse and validate a definition file's text; raise DefinitionError with every problem."""
    try:
        data = yaml.load(text, Loader=DefinitionLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("linje %(line)s, kolonne %(column)s")
            % {"line": mark.line + 1, "column": mark.column + 1}
            if mark
            else "(dokument)"
        )
        detail = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(
            [f"{filename}: {where}: " + _("ikke gyldig YAML: %(detail)s") % {"detail": detail}]
        ) from exc
    validator = _Validator(filename)
    definition = validator.document(data)
    if validator.problems or definition is None:
        raise DefinitionError(validator.problems)
    return definition


def definition_from_data(data: Any, *, filename: str) -> Definition:
    """Validate an already parsed document (as `yaml.safe_load` of a definition file gives it)
    by the same rules and with the same messages as a file."""
    validator = _Validator(filename)
    definition = validator.document(data)
    if validator.problems or definition is None:
        raise DefinitionError(validator.problems)
    return definition


class _Validator(QuestionSettingsReader, ConditionReader):
    """Walks the document: the wave, its sections and their questions, in file order. The
    settings of each question's type and the conditions have readers of their own."""

    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.target_kinds: list[str] = []

    # --- the document ---

    def document(self, data: Any) -> Definition | None:
        if not isinstance(data, dict):
            self.problem(
                "(dokument)",
                _("filen skal inneholde feltene format, wave og sections, ikke %(value)s")
                % {"value": describe(data)},
            )
            return None
        self.fields(data, "(dokument)", None, ("format", "wave", "sections"), ())
        if "format" in data and data["format"] != FORMAT_VERSION:
            self.problem(
                "format",
                _("formatversjon %(value)s støttes ikke (denne versjonen leser format: %(ok)s)")
                % {"value": describe(data["format"]), "ok": FORMAT_VERSION},
            )
        wave = self.wave(data.get("wave"))
        sections = self.sections(data.get("sections"))
        if wave is None or sections is None:
            return None
        return Definition(filename=self.filename, wave=wave, sections=sections)

    def wave(self, data: Any) -> WaveDef | None:
        path = "wave"
        if data is None:
            return None
        if not self.fields(data, path, None, WAVE_REQUIRED, WAVE_OPTIONAL):
            return None
        slug = self.identifier(
            data, "slug", path, None, WAVE_SLUG_RE, _("små bokstaver a-z, sifre og bindestrek")
        )
        translations: dict[str, dict[str, str]] = {}
        title = self.text(data, "title", path, None, max_length=200, translations=translations)
        year = self.integer(data, "year", path, None)
        if year is not None and not 1990 <= year <= 2100:
            self.problem(f"{path}.year", _("urimelig år %(year)s") % {"year": year})
        register_year = self.integer(data, "register_year", path, None)
        edition = None
        if register_year is not None:
            edition = RegisterEdition.objects.filter(year=register_year).first()
            if edition is None:
                known = list(
                    RegisterEdition.objects.order_by("year").values_list("year", flat=True)
                )
                self.problem(
                    f"{path}.register_year",
                    _(
                        "det finnes ingen registerutgave for %(year)s (last registeret først; "
                        "registerutgaver i databasen: %(known)s)"
                    )
                    % {"year": register_year, "known": ", ".join(map(str, known)) or _("ingen")},
                )
        self.target_kinds = self.kinds(data, "target_kinds", path, None)
        opens_at = self.moment(data, "opens_at", path)
        closes_at = self.moment(data, "closes_at", path)
        if opens_at and closes_at and closes_at <= opens_at:
            self.problem(f"{path}.closes_at", _("stenger før eller samtidig med at den åpner"))
        help_contact = self.text(
            data,
            "help_contact",
            path,
            None,
            max_length=200,
            required=False,
            translations=translations,
        )
        intro = self.text(data, "intro", path, None, required=False, translations=translations)
        vision = self.text(data, "vision", path, None, required=False, translations=translations)
        if not (slug and title and year is not None and edition and self.target_kinds):
            return None
        return WaveDef(
            slug=slug,
            title=title,
            year=year,
            edition=edition,
            target_kinds=self.target_kinds,
            opens_at=opens_at,
            closes_at=closes_at,
            help_contact=help_contact,
            intro=intro,
            vision=vision,
            translations=translations,
        )

    def sections(self, data: Any) -> list[SectionDef] | None:
        if data is None:
            return None
        if not isinstance(data, list) or not data:
            self.problem("sections", _("skal være en liste med minst én del"))
            return None
        self._collect_question_keys(data)
        sections: list[SectionDef] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(data):
            path = f"sections[{index}]"
            section = self.section(item, path)
            if section is None:
                continue
            if section.key in seen:
                self.problem(
                    f"{path}.key",
                    _("delen '%(key)s' finnes allerede i %(other)s")
                    % {"key": section.key, "other": seen[section.key]},
                    section.key,
                )
                continue
            seen[section.key] = path
            sections.append(section)
        return sections

    def _collect_question_keys(self, sections: list) -> None:
        position = 0
        for section in sections:
            questions = section.get("questions") if isinstance(section, dict) else None
            for question in questions if isinstance(questions, list) else []:
                key = question.get("key") if isinstance(question, dict) else None
                if isinstance(key, str) and key not in self.all_question_keys:
                    self.all_question_keys[key] = position
                position += 1

    def section(self, data: Any, path: str) -> SectionDef | None:
        raw_key = data.get("key") if isinstance(data, dict) else None
        if not self.fields(data, path, raw_key, SECTION_REQUIRED, SECTION_OPTIONAL):
            return None
        key = self.identifier(
            data,
            "key",
            path,
            raw_key,
            SECTION_KEY_RE,
            _("små bokstaver a-z, sifre, understrek og bindestrek, første tegn en bokstav"),
        )
        translations: dict[str, dict[str, str]] = {}
        title = self.text(data, "title", path, raw_key, max_length=300, translations=translations)
        intro = self.text(data, "intro", path, raw_key, required=False, translations=translations)
        applies_to = self.applies_to(data, path, raw_key, self.target_kinds, _("runden"))
        # A section's condition may only look at questions of earlier sections.
        condition = self.condition(data.get("show_if"), f"{path}.show_if", raw_key)
        questions = self.questions(data.get("questions"), path, raw_key, applies_to)
        if not (key and title) or questions is None:
            return None
        return SectionDef(
            key=key,
            title=title,
            path=path,
            intro=intro,
            applies_to=applies_to,
            condition=condition,
            questions=questions,
            translations=translations,
        )

    def applies_to(
        self, data: dict, path: str, key: Any, allowed: list[str], owner: str
    ) -> list[str]:
        kinds = self.kinds(data, "applies_to", path, key)
        for kind in kinds:
            if allowed and kind not in allowed:
                self.problem(
                    f"{path}.applies_to",
                    _("'%(kind)s' er ikke blant organisasjonstypene til %(owner)s (%(allowed)s)")
                    % {"kind": kind, "owner": owner, "allowed": ", ".join(allowed)},
                    key,
                )
        return kinds

    def questions(
        self, data: Any, section_path: str, section_key: Any, section_kinds: list[str]
    ) -> list[QuestionDef] | None:
        if data is None:
            return None
        if not isinstance(data, list) or not data:
            self.problem(
                f"{section_path}.questions",
                _("skal være en liste med minst ett spørsmål"),
                section_key,
            )
            return None
        questions: list[QuestionDef] = []
        for index, item in enumerate(data):
            path = f"{section_path}.questions[{index}]"
            question = self.question(
                item,
                path,
                section_kinds or self.target_kinds,
                _("delen") if section_kinds else _("runden"),
            )
            if question is None:
                if isinstance(item, dict) and isinstance(item.get("key"), str):
                    self.invalid_earlier.add(item["key"])
                continue
            if question.key in self.earlier:
                self.problem(
                    f"{path}.key",
                    _("spørsmålet '%(key)s' finnes allerede i %(other)s")
                    % {"key": question.key, "other": self.earlier[question.key].path},
                    question.key,
                )
                continue
            # A question's condition may look at questions before it, in this section too.
            self.earlier[question.key] = question
            questions.append(question)
        return questions

    def question(
        self, data: Any, path: str, allowed_kinds: list[str], owner: str
    ) -> QuestionDef | None:
        raw_key = data.get("key") if isinstance(data, dict) else None
        kind = data.get("type") if isinstance(data, dict) else None
        known_kind = isinstance(kind, str) and kind in TYPE_FIELDS
        type_required, type_optional = TYPE_FIELDS[kind] if known_kind else ((), ())
        if not known_kind and isinstance(data, dict):
            # Unknown type: do not also complain about the type's own fields.
            type_optional = tuple(sorted(ALL_TYPE_FIELDS))
        if not self.fields(
            data,
            path,
            raw_key,
            QUESTION_REQUIRED + type_required,
            QUESTION_OPTIONAL + type_optional,
            type_name=kind if known_kind else None,
        ):
            return None
        if kind is not None and not known_kind:
            self.problem(
                f"{path}.type",
                _("ukjent type %(value)s (kjente typer: %(kinds)s)")
                % {"value": describe(kind), "kinds": ", ".join(Kind.values)}
                + suggest(kind, Kind.values),
                raw_key,
            )
        key = self.identifier(
            data,
            "key",
            path,
            raw_key,
            QUESTION_KEY_RE,
            _("små bokstaver a-z, sifre og understrek, første tegn en bokstav"),
        )
        translations: dict[str, dict[str, str]] = {}
        text = self.text(data, "text", path, raw_key, translations=translations)
        help_text = self.text(
            data,
            "help",
            path,
            raw_key,
            required=False,
            translations=translations,
            store_as="help_text",
        )
        required = self.boolean(data, "required", path, raw_key)
        applies_to = self.applies_to(data, path, raw_key, allowed_kinds, owner)
        condition = self.condition(data.get("show_if"), f"{path}.show_if", raw_key, own_key=key)
        if not known_kind:
            return None
        question = QuestionDef(
            key=key,
            kind=kind,
            text=text,
            path=path,
            help_text=help_text,
            required=required,
            applies_to=applies_to,
            condition=condition,
            translations=translations,
        )
        ok = self.kind_settings(question, data, path, raw_key)
        if not (key and text and ok):
            return None
        return question


@dataclass
class SettingsCheck:
    """The outcome of checking a question's settings edited outside a file (the admin)."""

    options: dict[str, Any]
    condition: dict[str, Any] | None
    problems: list[str]


CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.MATRIX)


def check_settings(
    *,
    kind: str,
    options: Any,
    condition: Any,
    earlier: Iterable[Question],
    later_keys: Iterable[str] = (),
    own_key: str | None = None,
) -> SettingsCheck:
    """Check `options` (for `kind`) and a `condition` by the rules of the file format.

    `earlier` are the questions (with choices) before the edited question or section, and
    `later_keys` the keys after it. Messages start at the path: `options.min: ...`.
    """
    validator = _Validator("")
    for question in earlier:
        validator.earlier[question.key] = QuestionDef(
            key=question.key,
            kind=question.kind,
            text=question.text,
            path="",
            choices=[ChoiceDef(code=c.code, label=c.label) for c in question.choices.all()],
        )
    validator.all_question_keys = dict.fromkeys([*validator.earlier, *later_keys], 0)
    settings = QuestionDef(key=own_key or "", kind=kind, text="", path="")
    if kind in TYPE_FIELDS:
        data = options if options is not None else {}
        if validator.fields(data, "options", None, (), TYPE_FIELDS[kind][1]):
            if kind not in CHOICE_KINDS:
                validator.kind_settings(settings, data, "options", None)
    checked_condition = validator.condition(condition, "condition", None, own_key=own_key)
    return SettingsCheck(
        options=settings.options, condition=checked_condition, problems=validator.problems
    )
