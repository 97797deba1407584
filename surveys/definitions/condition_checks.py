"""Checking a condition (`show_if`) of a question or section against the questions before it.

A condition names an earlier question and one test (docs/questionnaire-format.md): `answered`
on any question, `equals`/`in` on a single choice, `includes` on a multiple choice, with codes
the question offers. The reader remembers the questions validated so far, so a condition on a
later or unknown question is told apart, and one on a question that has problems of its own is
not reported again.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from surveys.definitions.schema import CONDITION_OPERATORS, Kind, QuestionDef
from surveys.definitions.values import ValueReader, describe, suggest


class ConditionReader(ValueReader):
    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        # Every question key of the file in order, to tell "later" from "unknown" in conditions.
        self.all_question_keys: dict[str, int] = {}
        # Questions validated so far (earlier in the file), by key.
        self.earlier: dict[str, QuestionDef] = {}
        # Earlier questions with problems of their own: conditions on them are not checked
        # (one mistake, one message).
        self.invalid_earlier: set[str] = set()

    def condition(
        self, data: Any, path: str, key: Any, own_key: str | None = None
    ) -> dict[str, Any] | None:
        """The checked condition, or None when there is none or it has problems."""
        if data is None:
            return None
        if not self.fields(data, path, key, ("question",), CONDITION_OPERATORS):
            return None
        operators = [name for name in CONDITION_OPERATORS if name in data]
        if len(operators) != 1:
            self.problem(
                path,
                _("skal ha nøyaktig ett av feltene %(operators)s, ikke %(count)s")
                % {"operators": ", ".join(CONDITION_OPERATORS), "count": len(operators)},
                key,
            )
            return None
        if "question" not in data:
            return None  # reported by fields()
        target = self._condition_target(data.get("question"), path, key, own_key)
        if target is None:
            return None
        return self._condition_test(target, operators[0], data[operators[0]], path, key)

    def _condition_target(
        self, target_key: Any, path: str, key: Any, own_key: str | None
    ) -> QuestionDef | None:
        """The earlier question a condition names; a problem if it is later or unknown."""
        if not isinstance(target_key, str):
            self.problem(
                f"{path}.question",
                _("skal være nøkkelen til et tidligere spørsmål, ikke %(value)s")
                % {"value": describe(target_key)},
                key,
            )
            return None
        target = self.earlier.get(target_key)
        if target is not None or target_key in self.invalid_earlier:
            return target
        if target_key == own_key or target_key in self.all_question_keys:
            self.problem(
                f"{path}.question",
                _(
                    "spørsmålet '%(target)s' kommer ikke før dette; et vilkår kan bare "
                    "vise til et tidligere spørsmål"
                )
                % {"target": target_key},
                key,
            )
        else:
            self.problem(
                f"{path}.question",
                _("ukjent spørsmål %(target)s") % {"target": describe(target_key)}
                + suggest(target_key, self.earlier),
                key,
            )
        return None

    def _condition_test(
        self, target: QuestionDef, operator: str, value: Any, path: str, key: Any
    ) -> dict[str, Any] | None:
        """The test fits the target question's type and names only codes it offers."""
        if operator == "answered":
            if value is not True:
                self.problem(f"{path}.answered", _("kan bare være true"), key)
                return None
            return {"question": target.key, "answered": True}
        needed = Kind.MULTIPLE_CHOICE if operator == "includes" else Kind.SINGLE_CHOICE
        if target.kind != needed:
            self.problem(
                f"{path}.{operator}",
                _("'%(operator)s' krever et spørsmål av typen %(needed)s; '%(target)s' er %(kind)s")
                % {
                    "operator": operator,
                    "needed": needed,
                    "target": target.key,
                    "kind": target.kind,
                },
                key,
            )
            return None
        if operator == "in" and (not isinstance(value, list) or not value):
            self.problem(f"{path}.in", _("skal være en liste med koder"), key)
            return None
        codes = [choice.code for choice in target.choices]
        unknown = [code for code in (value if operator == "in" else [value]) if code not in codes]
        for code in unknown:
            self.problem(
                f"{path}.{operator}",
                _("%(code)s er ikke en kode i spørsmålet '%(target)s' (koder: %(codes)s)")
                % {"code": describe(code), "target": target.key, "codes": ", ".join(codes)},
                key,
            )
        if unknown:
            return None
        return {"question": target.key, operator: value}
