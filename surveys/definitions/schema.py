"""The definition file format in code: field names, limits and the validated data classes.

docs/questionnaire-format.md describes the same format for people.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from municipalities.models import RegisterEdition
from surveys.models import Question

FORMAT_VERSION = 1
Kind = Question.Kind

# The source document's yes/no scale; `choices: yes_no_unsure` expands to it.
YES_NO_UNSURE = "yes_no_unsure"
YES_NO_UNSURE_CHOICES: tuple[tuple[str, str], ...] = (
    ("ja", "Ja"),
    ("nei", "Nei"),
    ("vet_ikke", "Usikker/Vet ikke"),
)

# Every text may carry nynorsk and English versions next to the bokmål one; see
# docs/questionnaire-format.md ("Translations").
SOURCE_LANGUAGE = "nb"
TRANSLATED_LANGUAGES = ("nn", "en")
QUESTIONNAIRE_LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATED_LANGUAGES)
# The shorthand's labels in the translated languages, by code.
YES_NO_UNSURE_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "ja": {"nn": {"label": "Ja"}, "en": {"label": "Yes"}},
    "nei": {"nn": {"label": "Nei"}, "en": {"label": "No"}},
    "vet_ikke": {"nn": {"label": "Usikker/Veit ikkje"}, "en": {"label": "Unsure/Don't know"}},
}

MAX_KEY_LENGTH = 80  # the SlugFields of the models
WAVE_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
# Question keys become form field names and CSV column names: letters, digits, underscore.
QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")

WAVE_REQUIRED = ("slug", "title", "year", "register_year", "target_kinds")
WAVE_OPTIONAL = ("opens_at", "closes_at", "help_contact", "intro", "vision")
SECTION_REQUIRED = ("key", "title", "questions")
SECTION_OPTIONAL = ("intro", "applies_to", "show_if")
QUESTION_REQUIRED = ("key", "type", "text")
QUESTION_OPTIONAL = ("help", "required", "applies_to", "show_if")
# Per type: (required fields, optional fields).
TYPE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Kind.SINGLE_CHOICE: (("choices",), ()),
    Kind.MULTIPLE_CHOICE: (("choices",), ()),
    Kind.MATRIX: (("rows", "scale"), ()),
    Kind.RATING: ((), ("min", "max", "labels")),
    Kind.INTEGER: ((), ("min", "max", "unit")),
    Kind.DECIMAL: ((), ("min", "max", "decimals", "unit")),
    Kind.PERCENTAGE: ((), ("min", "max", "decimals")),
    Kind.SHORT_TEXT: ((), ("max_length",)),
    Kind.LONG_TEXT: ((), ("max_length",)),
}
ALL_TYPE_FIELDS = {name for req, opt in TYPE_FIELDS.values() for name in (*req, *opt)}
CHOICE_REQUIRED = ("code", "label")
CHOICE_OPTIONAL = ("exclusive", "other", "weight")
ROW_FIELDS = ("code", "label")
CONDITION_OPERATORS = ("equals", "in", "includes", "answered")
RATING_LABELS = ("min_label", "max_label")

# Defaults stored in Question.options, so that the form engine never has to guess.
RATING_BOUNDS = (0, 10)
RATING_DEFAULT = (1, 6)
DECIMALS_DEFAULT = {Kind.DECIMAL: 2, Kind.PERCENTAGE: 0}
MAX_DECIMALS = 6
MAX_LENGTH_DEFAULT = {Kind.SHORT_TEXT: 500, Kind.LONG_TEXT: 5000}
MAX_LENGTH_LIMIT = {Kind.SHORT_TEXT: 1000, Kind.LONG_TEXT: 50000}
WEIGHT_LIMIT = Decimal("1000000")  # Choice.weight: max_digits=8, decimal_places=2


class DefinitionError(Exception):
    """A definition file that cannot be loaded; `problems` lists every reason, one a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ChoiceDef:
    code: str
    label: str
    exclusive: bool = False
    is_other: bool = False
    weight: Decimal | None = None
    # {"nn": {"label": ...}, "en": {...}}; the same shape on every definition class.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class RowDef:
    code: str
    label: str
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class QuestionDef:
    key: str
    kind: str
    text: str
    path: str
    help_text: str = ""
    required: bool = False
    applies_to: list[str] = field(default_factory=list)
    condition: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    choices: list[ChoiceDef] = field(default_factory=list)
    rows: list[RowDef] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class SectionDef:
    key: str
    title: str
    path: str
    intro: str = ""
    applies_to: list[str] = field(default_factory=list)
    condition: dict[str, Any] | None = None
    questions: list[QuestionDef] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class WaveDef:
    slug: str
    title: str
    year: int
    edition: RegisterEdition
    target_kinds: list[str]
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    help_contact: str = ""
    intro: str = ""
    vision: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Definition:
    filename: str
    wave: WaveDef
    sections: list[SectionDef]

    def questions(self) -> Iterable[QuestionDef]:
        for section in self.sections:
            yield from section.questions
