"""Reading single values of a definition file, with a problem message for every bad one.

`ValueReader` knows nothing about waves or questions; `validation.py` walks the document with it
(and `question_settings.py` and `condition_checks.py` extend it).
Every problem is reported as `FILE: path.to[3].item (key 'x'): problem`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from typing import Any

import yaml
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import OrganisationKind
from surveys.definitions.schema import (
    ALL_TYPE_FIELDS,
    MAX_KEY_LENGTH,
    SOURCE_LANGUAGE,
    TRANSLATED_LANGUAGES,
)

# --- YAML reading --------------------------------------------------------------------------


class Mapping(dict):
    """A YAML mapping that remembers fields given twice (PyYAML silently keeps the last)."""

    duplicates: list[tuple[Any, int]]


class DefinitionLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: DefinitionLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | type(None)):
            key = str(key)
        if key in mapping:
            mapping.duplicates.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


DefinitionLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def suggest(word: Any, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return _(" (mente du '%(word)s'?)") % {"word": close[0]} if close else ""


def is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


class ValueReader:
    """Collects problems; each method reads one field and reports what is wrong with it."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []

    # --- reporting ---

    def problem(self, path: str, message: str, key: Any = None) -> None:
        where = f"{path} (key '{key}')" if key not in (None, "") else path
        # Without a file name (checks of admin edits) the message starts at the path.
        prefix = f"{self.filename}: " if self.filename else ""
        self.problems.append(f"{prefix}{where}: {message}")

    def fields(
        self,
        data: Any,
        path: str,
        key: Any,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        *,
        type_name: str | None = None,
    ) -> bool:
        """Check that `data` is a mapping with all required and no unknown fields."""
        if not isinstance(data, dict):
            self.problem(
                path,
                _("skal være en samling felt (for eksempel «%(example)s: ...»), ikke %(value)s")
                % {"example": (*required, *optional, "key")[0], "value": describe(data)},
                key,
            )
            return False
        for name, line in getattr(data, "duplicates", []):
            self.problem(
                path,
                _("feltet '%(field)s' står flere ganger (linje %(line)s)")
                % {"field": name, "line": line},
                key,
            )
        for name in required:
            if name not in data:
                self.problem(path, _("mangler feltet '%(field)s'") % {"field": name}, key)
        known = set(required) | set(optional)
        for name in data:
            if name in known:
                continue
            if type_name and name in ALL_TYPE_FIELDS:
                self.problem(
                    path,
                    _("feltet '%(field)s' hører ikke til typen '%(type)s'")
                    % {"field": name, "type": type_name},
                    key,
                )
            else:
                self.problem(
                    path,
                    _("ukjent felt '%(field)s'") % {"field": name} + suggest(name, known),
                    key,
                )
        return True

    # --- values ---

    def text(
        self,
        data: dict,
        name: str,
        path: str,
        key: Any,
        *,
        max_length: int | None = None,
        required: bool = True,
        translations: dict[str, dict[str, str]] | None = None,
        store_as: str | None = None,
    ) -> str:
        """A text field; returns the bokmål text.

        With `translations`, the field may also be a mapping of language codes to texts
        (`{nb: ..., nn: ..., en: ...}`): the nynorsk and English texts go into
        `translations[language][store_as or name]`.
        """
        value = data.get(name)
        if value is None:
            return ""  # a missing required field is reported by fields()
        if isinstance(value, dict) and translations is not None:
            return self._translated_text(
                value,
                name,
                path,
                key,
                max_length=max_length,
                required=required,
                translations=translations,
                store_as=store_as or name,
            )
        if isinstance(value, bool):
            self.problem(
                f"{path}.{name}",
                _(
                    "skal være tekst, ikke %(value)s (YAML leser yes/no/on/off som sann/usann: "
                    "sett teksten i anførselstegn)"
                )
                % {"value": describe(value)},
                key,
            )
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(
                f"{path}.{name}",
                _("skal være tekst, ikke %(value)s") % {"value": describe(value)},
                key,
            )
            return ""
        value = value.strip()
        if required and not value:
            self.problem(f"{path}.{name}", _("kan ikke være tom"), key)
        if max_length is not None and len(value) > max_length:
            self.problem(
                f"{path}.{name}",
                _("er for lang (%(length)s tegn, høyst %(max)s)")
                % {"length": len(value), "max": max_length},
                key,
            )
        return value

    def _translated_text(
        self,
        value: dict,
        name: str,
        path: str,
        key: Any,
        *,
        max_length: int | None,
        required: bool,
        translations: dict[str, dict[str, str]],
        store_as: str,
    ) -> str:
        field_path = f"{path}.{name}"
        if not self.fields(value, field_path, key, (SOURCE_LANGUAGE,), TRANSLATED_LANGUAGES):
            return ""
        text = self.text(value, SOURCE_LANGUAGE, field_path, key, max_length=max_length)
        if not required and not text:
            return ""
        for language in TRANSLATED_LANGUAGES:
            translated = self.text(
                value, language, field_path, key, max_length=max_length, required=False
            )
            if translated:
                translations.setdefault(language, {})[store_as] = translated
        return text

    def identifier(
        self, data: dict, name: str, path: str, key: Any, pattern: re.Pattern, rule: str
    ) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not pattern.match(value) or len(value) > MAX_KEY_LENGTH:
            self.problem(
                f"{path}.{name}",
                _("ugyldig verdi %(value)s: %(rule)s, høyst %(max)s tegn")
                % {"value": describe(value), "rule": rule, "max": MAX_KEY_LENGTH},
                key,
            )
            return ""
        return value

    def boolean(self, data: dict, name: str, path: str, key: Any) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.problem(
                f"{path}.{name}",
                _("skal være true eller false, ikke %(value)s") % {"value": describe(value)},
                key,
            )
            return False
        return value

    def integer(self, data: dict, name: str, path: str, key: Any) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(
                f"{path}.{name}",
                _("skal være et heltall, ikke %(value)s") % {"value": describe(value)},
                key,
            )
            return None
        return value

    def number(self, data: dict, name: str, path: str, key: Any) -> int | float | None:
        value = data.get(name)
        if value is None:
            return None
        if not is_number(value):
            self.problem(
                f"{path}.{name}",
                _("skal være et tall (med punktum som desimaltegn), ikke %(value)s")
                % {"value": describe(value)},
                key,
            )
            return None
        return value

    def kinds(self, data: dict, name: str, path: str, key: Any) -> list[str]:
        value = data.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(
                f"{path}.{name}",
                _("skal være en liste med organisasjonstyper (%(kinds)s)")
                % {"kinds": ", ".join(OrganisationKind.values)},
                key,
            )
            return []
        kinds: list[str] = []
        for index, kind in enumerate(value):
            if kind not in OrganisationKind.values:
                self.problem(
                    f"{path}.{name}[{index}]",
                    _("ukjent organisasjonstype %(value)s (kjente typer: %(kinds)s)")
                    % {"value": describe(kind), "kinds": ", ".join(OrganisationKind.values)}
                    + suggest(kind, OrganisationKind.values),
                    key,
                )
            elif kind in kinds:
                self.problem(
                    f"{path}.{name}[{index}]",
                    _("organisasjonstypen '%(kind)s' står flere ganger") % {"kind": kind},
                    key,
                )
            else:
                kinds.append(kind)
        return kinds

    def moment(self, data: dict, name: str, path: str) -> dt.datetime | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                # A date alone is refused: "closes 6 May" is ambiguous about the hour.
                value = dt.datetime.fromisoformat(value.strip()) if ":" in value else None
            except ValueError:
                value = None
        if not isinstance(value, dt.datetime):
            self.problem(
                f"{path}.{name}",
                _(
                    "ugyldig tidspunkt %(value)s: skriv dato og klokkeslett som "
                    "2011-03-14T08:00:00+01:00"
                )
                % {"value": describe(data.get(name))},
            )
            return None
        if timezone.is_naive(value):
            # Without an offset the time is read as Norwegian local time.
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value


def describe(value: Any) -> str:
    """A value as an editor would recognise it in the file."""
    if value is None:
        return _("ingenting")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return _("en samling felt")
    if isinstance(value, list):
        return _("en liste")
    return str(value)
