"""Questionnaire definition files: parse and validate, load into the database, export.

The format is documented in docs/questionnaire-format.md. Typical use:

    definition = read_definition(path)      # DefinitionError lists every problem
    report = load_definition(definition)    # atomic; refuses changes that touch answers
    text = export_definition(report.wave)
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from surveys.definitions.exporter import export_definition
from surveys.definitions.loader import (
    LoadReport,
    answer_counts,
    load_definition,
    reload_problems,
    used_codes,
)
from surveys.definitions.schema import (
    FORMAT_VERSION,
    YES_NO_UNSURE,
    YES_NO_UNSURE_CHOICES,
    Definition,
    DefinitionError,
)
from surveys.definitions.validation import definition_from_data, parse_definition


def read_definition(path: str | Path) -> Definition:
    """Read and validate a definition file; messages name the file by its base name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DefinitionError([f"{path}: " + _("filen finnes ikke")]) from exc
    except UnicodeDecodeError as exc:
        raise DefinitionError([f"{path.name}: " + _("filen er ikke UTF-8-tekst")]) from exc
    except OSError as exc:
        raise DefinitionError([f"{path}: {exc.strerror}"]) from exc
    return parse_definition(text, filename=path.name)


def load_questionnaire_file(path: str | Path) -> LoadReport:
    """Validate a definition file and load it atomically."""
    return load_definition(read_definition(path))


__all__ = [
    "FORMAT_VERSION",
    "YES_NO_UNSURE",
    "YES_NO_UNSURE_CHOICES",
    "Definition",
    "DefinitionError",
    "LoadReport",
    "answer_counts",
    "definition_from_data",
    "export_definition",
    "load_definition",
    "load_questionnaire_file",
    "parse_definition",
    "read_definition",
    "reload_problems",
    "used_codes",
]
