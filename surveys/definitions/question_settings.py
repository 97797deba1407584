"""Checking the settings that depend on a question's type: choices and their codes, the rows
and scale of a matrix, the bounds of a number or rating, decimals, text lengths and units.

Each setting is read with its default (docs/questionnaire-format.md) into the question's
`choices`, `rows` and `options`; every problem is reported and reading goes on.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from surveys.definitions.schema import (
    CHOICE_OPTIONAL,
    CHOICE_REQUIRED,
    CODE_RE,
    DECIMALS_DEFAULT,
    MAX_DECIMALS,
    MAX_LENGTH_DEFAULT,
    MAX_LENGTH_LIMIT,
    RATING_BOUNDS,
    RATING_DEFAULT,
    RATING_LABELS,
    ROW_FIELDS,
    WEIGHT_LIMIT,
    YES_NO_UNSURE,
    YES_NO_UNSURE_CHOICES,
    YES_NO_UNSURE_TRANSLATIONS,
    ChoiceDef,
    Kind,
    QuestionDef,
    RowDef,
)
from surveys.definitions.values import ValueReader, describe, is_number


class QuestionSettingsReader(ValueReader):
    def kind_settings(self, question: QuestionDef, data: dict, path: str, key: Any) -> bool:
        """Read the settings of the question's type into it; True if they have no problems."""
        before = len(self.problems)
        kind = question.kind
        if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
            question.choices = self.choices(data, "choices", path, key, kind)
        elif kind == Kind.MATRIX:
            question.rows = self.rows(data, path, key)
            question.choices = self.choices(data, "scale", path, key, kind)
        elif kind == Kind.RATING:
            question.options = self._rating_options(data, path, key, question.translations)
        elif kind == Kind.INTEGER:
            question.options = self.bounds(data, path, key, integer=True)
        elif kind in (Kind.DECIMAL, Kind.PERCENTAGE):
            question.options = self._decimal_options(data, path, key, kind)
        elif kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
            question.options = {"max_length": self._max_length(data, path, key, kind)}
        if kind in (Kind.INTEGER, Kind.DECIMAL):
            unit = self.text(
                data,
                "unit",
                path,
                key,
                max_length=30,
                required=False,
                translations=question.translations,
            )
            if unit:
                question.options["unit"] = unit
        return len(self.problems) == before

    def _rating_options(
        self,
        data: dict,
        path: str,
        key: Any,
        translations: dict[str, dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        options = self.bounds(data, path, key, integer=True, default=RATING_DEFAULT)
        low, high = RATING_BOUNDS
        self._bounds_within(
            options,
            low,
            high,
            path,
            key,
            _("en vurderingsskala går fra %(low)s til %(high)s") % {"low": low, "high": high},
        )
        labels = self.rating_labels(data, path, key, translations)
        if labels:
            options["labels"] = labels
        return options

    def _decimal_options(self, data: dict, path: str, key: Any, kind: str) -> dict[str, Any]:
        default = (0, 100) if kind == Kind.PERCENTAGE else (None, None)
        options = self.bounds(data, path, key, integer=False, default=default)
        if kind == Kind.PERCENTAGE:
            self._bounds_within(options, 0, 100, path, key, _("en prosent ligger mellom 0 og 100"))
        decimals = self.integer(data, "decimals", path, key)
        if decimals is None:
            decimals = DECIMALS_DEFAULT[kind]
        elif not 0 <= decimals <= MAX_DECIMALS:
            self.problem(
                f"{path}.decimals",
                _("antall desimaler skal være fra 0 til %(max)s") % {"max": MAX_DECIMALS},
                key,
            )
        options["decimals"] = decimals
        return options

    def _max_length(self, data: dict, path: str, key: Any, kind: str) -> int:
        max_length = self.integer(data, "max_length", path, key)
        if max_length is None:
            return MAX_LENGTH_DEFAULT[kind]
        if not 1 <= max_length <= MAX_LENGTH_LIMIT[kind]:
            self.problem(
                f"{path}.max_length",
                _("skal være fra 1 til %(max)s") % {"max": MAX_LENGTH_LIMIT[kind]},
                key,
            )
        return max_length

    def _bounds_within(
        self, options: dict[str, Any], low: int, high: int, path: str, key: Any, message: str
    ) -> None:
        for name in ("min", "max"):
            value = options.get(name)
            if value is not None and not low <= value <= high:
                self.problem(f"{path}.{name}", message, key)

    def bounds(
        self,
        data: dict,
        path: str,
        key: Any,
        *,
        integer: bool,
        default: tuple[int | None, int | None] = (None, None),
    ) -> dict[str, Any]:
        read = self.integer if integer else self.number
        low = read(data, "min", path, key)
        high = read(data, "max", path, key)
        low = default[0] if low is None and "min" not in data else low
        high = default[1] if high is None and "max" not in data else high
        if low is not None and high is not None and low >= high:
            self.problem(
                f"{path}.min",
                _("min (%(min)s) skal være mindre enn max (%(max)s)") % {"min": low, "max": high},
                key,
            )
        options: dict[str, Any] = {}
        if low is not None:
            options["min"] = low
        if high is not None:
            options["max"] = high
        return options

    def rating_labels(
        self,
        data: dict,
        path: str,
        key: Any,
        translations: dict[str, dict[str, str]] | None = None,
    ) -> dict[str, str]:
        """The rating's end labels; their translations go into `translations` as
        `min_label` and `max_label`."""
        value = data.get("labels")
        if value is None:
            return {}
        label_path = f"{path}.labels"
        if not self.fields(value, label_path, key, (), RATING_LABELS):
            return {}
        labels = {}
        for name in RATING_LABELS:
            text = self.text(
                value,
                name,
                label_path,
                key,
                max_length=100,
                required=False,
                translations=translations,
            )
            if text:
                labels[name] = text
        return labels

    def choices(self, data: dict, name: str, path: str, key: Any, kind: str) -> list[ChoiceDef]:
        value = data.get(name)
        list_path = f"{path}.{name}"
        if value is None:
            return []
        if value == YES_NO_UNSURE:
            return [
                ChoiceDef(
                    code=code,
                    label=label,
                    translations=copy.deepcopy(YES_NO_UNSURE_TRANSLATIONS[code]),
                )
                for code, label in YES_NO_UNSURE_CHOICES
            ]
        if not isinstance(value, list):
            self.problem(
                list_path,
                _("skal være en liste med svaralternativer eller '%(shorthand)s', ikke %(value)s")
                % {"shorthand": YES_NO_UNSURE, "value": describe(value)},
                key,
            )
            return []
        minimum = 1 if kind == Kind.MULTIPLE_CHOICE else 2
        if len(value) < minimum:
            self.problem(
                list_path,
                _("trenger minst %(count)s svaralternativer") % {"count": minimum},
                key,
            )
        choices: list[ChoiceDef] = []
        codes: dict[str, int] = {}
        for index, item in enumerate(value):
            item_path = f"{list_path}[{index}]"
            if not self.fields(item, item_path, key, CHOICE_REQUIRED, CHOICE_OPTIONAL):
                continue
            code = self.identifier(
                item, "code", item_path, key, CODE_RE, _("små bokstaver a-z, sifre og understrek")
            )
            translations: dict[str, dict[str, str]] = {}
            label = self.text(
                item, "label", item_path, key, max_length=300, translations=translations
            )
            exclusive = self.boolean(item, "exclusive", item_path, key)
            is_other = self.boolean(item, "other", item_path, key)
            if exclusive and kind != Kind.MULTIPLE_CHOICE:
                self.problem(
                    f"{item_path}.exclusive",
                    _("gjelder bare for multiple_choice"),
                    key,
                )
            if is_other and kind == Kind.MATRIX:
                self.problem(f"{item_path}.other", _("en skala kan ikke ha «annet»"), key)
            weight = self.weight(item, item_path, key)
            if not self._new_code(code, codes, index, list_path, key):
                continue
            choices.append(
                ChoiceDef(
                    code=code,
                    label=label,
                    exclusive=exclusive,
                    is_other=is_other,
                    weight=weight,
                    translations=translations,
                )
            )
        others = [choice.code for choice in choices if choice.is_other]
        if len(others) > 1:
            self.problem(
                list_path,
                _("bare ett svaralternativ kan være «annet» (other: true), ikke %(codes)s")
                % {"codes": ", ".join(others)},
                key,
            )
        return choices

    def weight(self, item: dict, path: str, key: Any) -> Decimal | None:
        value = item.get("weight")
        if value is None:
            return None
        try:
            if not is_number(value):
                raise InvalidOperation
            weight = Decimal(str(value))
            if abs(weight) >= WEIGHT_LIMIT or weight != weight.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            self.problem(
                f"{path}.weight",
                _("skal være et tall med høyst to desimaler, ikke %(value)s")
                % {"value": describe(value)},
                key,
            )
            return None
        return weight

    def rows(self, data: dict, path: str, key: Any) -> list[RowDef]:
        value = data.get("rows")
        list_path = f"{path}.rows"
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.problem(list_path, _("skal være en liste med minst én rad"), key)
            return []
        rows: list[RowDef] = []
        codes: dict[str, int] = {}
        for index, item in enumerate(value):
            item_path = f"{list_path}[{index}]"
            if not self.fields(item, item_path, key, ROW_FIELDS, ()):
                continue
            code = self.identifier(
                item, "code", item_path, key, CODE_RE, _("små bokstaver a-z, sifre og understrek")
            )
            translations = {}
            label = self.text(
                item, "label", item_path, key, max_length=300, translations=translations
            )
            if not self._new_code(code, codes, index, list_path, key):
                continue
            rows.append(RowDef(code=code, label=label, translations=translations))
        return rows

    def _new_code(
        self, code: str | None, codes: dict[str, int], index: int, list_path: str, key: Any
    ) -> bool:
        """Remember the code of item `index`; False, with a problem, if an earlier item has it."""
        if code and code in codes:
            self.problem(
                f"{list_path}[{index}].code",
                _("koden '%(code)s' finnes allerede i %(path)s[%(index)s]")
                % {"code": code, "path": list_path, "index": codes[code]},
                key,
            )
            return False
        if code:
            codes[code] = index
        return True
