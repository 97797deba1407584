"""eKommune prize candidates: a maturity score per organisation and a ranking per size class.

The score is the sum, over the questions whose choices carry weights in the questionnaire file,
of the chosen choices' weights: a single choice counts its choice, a multiple choice the sum of
the chosen options, a matrix the sum over its rows of the chosen scale step. A question may
scale its contribution with `options["weight"]` (default 1). Only submitted answer sets count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from municipalities.models import OrganisationKind, SizeClass
from surveys.analysis import cache
from surveys.models import Answer, AnswerSet, Question, Wave

ZERO = Decimal(0)


@dataclass(frozen=True)
class QuestionWeights:
    kind: str
    multiplier: Decimal
    weights: dict[str, Decimal]
    exclusive: frozenset[str] = frozenset()
    rows: int = 0

    @property
    def maximum(self) -> Decimal:
        """The most this question can contribute."""
        if not self.weights:
            return ZERO
        best = max(max(self.weights.values()), ZERO)
        if self.kind == Question.Kind.MULTIPLE_CHOICE:
            inclusive = sum(
                (w for code, w in self.weights.items() if code not in self.exclusive and w > 0),
                ZERO,
            )
            best = max(inclusive, best)
        elif self.kind == Question.Kind.MATRIX:
            best *= self.rows
        return best * self.multiplier

    def score(self, value: Any) -> Decimal:
        """What one answer contributes."""
        if self.kind == Question.Kind.MULTIPLE_CHOICE and isinstance(value, list):
            total = sum((self.weights.get(str(code), ZERO) for code in set(value)), ZERO)
        elif self.kind == Question.Kind.MATRIX and isinstance(value, dict):
            total = sum((self.weights.get(str(step), ZERO) for step in value.values()), ZERO)
        elif isinstance(value, str):
            total = self.weights.get(value, ZERO)
        else:
            total = ZERO
        return total * self.multiplier


@dataclass
class PrizeScore:
    organisation_id: int
    number: str
    name: str
    kind: str
    county: str
    size_class: int | None
    score: Decimal
    maximum: Decimal
    rank: int = 0

    @property
    def percent(self) -> float:
        return float(self.score * 100 / self.maximum) if self.maximum else 0.0


@dataclass
class PrizeGroup:
    key: str
    label: str
    scores: list[PrizeScore] = field(default_factory=list)


def _decimal(value: Any, default: Decimal) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default


def weighted_questions(wave: Wave) -> dict[int, QuestionWeights]:
    """The wave's questions that count towards the score, with their weights (two queries)."""
    table: dict[int, QuestionWeights] = {}
    questions = (
        Question.objects.filter(wave=wave, choices__weight__isnull=False)
        .distinct()
        .prefetch_related("choices", "rows")
    )
    for question in questions:
        choices = [choice for choice in question.choices.all() if choice.weight is not None]
        table[question.id] = QuestionWeights(
            kind=question.kind,
            multiplier=_decimal((question.options or {}).get("weight", 1), Decimal(1)),
            weights={choice.code: choice.weight for choice in choices},
            exclusive=frozenset(choice.code for choice in choices if choice.exclusive),
            rows=len(question.rows.all()),
        )
    return table


def prize_scores(wave: Wave) -> list[PrizeScore]:
    """Every submitted organisation's maturity score, highest first (four queries)."""
    table = weighted_questions(wave)
    maximum = sum((weights.maximum for weights in table.values()), ZERO)
    answer_sets = (
        AnswerSet.objects.filter(wave=wave, status=AnswerSet.Status.SUBMITTED)
        .values_list(
            "id",
            "organisation_id",
            "organisation__number",
            "organisation__name",
            "organisation__kind",
            "organisation__county__name",
            "organisation__size_class",
        )
        .order_by("organisation__number")
    )
    scores = {row[0]: PrizeScore(*row[1:], score=ZERO, maximum=maximum) for row in answer_sets}
    answers = Answer.objects.filter(
        answer_set__wave=wave,
        answer_set__status=AnswerSet.Status.SUBMITTED,
        question_id__in=list(table),
    ).values_list("answer_set_id", "question_id", "value")
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for answer_set_id, question_id, value in answers:
        totals[answer_set_id] += table[question_id].score(value)
    for answer_set_id, score in scores.items():
        score.score = totals[answer_set_id]
    return sorted(scores.values(), key=lambda item: (-item.score, item.number))


def _rank(scores: list[PrizeScore]) -> list[PrizeScore]:
    """Competition ranking ("1, 2, 2, 4"): equal scores share a rank."""
    previous: Decimal | None = None
    rank = 0
    for position, item in enumerate(scores, start=1):
        if item.score != previous:
            rank = position
            previous = item.score
        item.rank = rank
    return scores


def prize_ranking(wave: Wave) -> list[PrizeGroup]:
    """The ranking within each size class (kommuner), then the fylkeskommuner."""
    groups = {
        value: PrizeGroup(key=f"size-{value}", label=label) for value, label in SizeClass.choices
    }
    county_level = PrizeGroup(key="fylkeskommuner", label=_("Fylkeskommuner"))
    # Scored once per data version, like the results (surveys.analysis.cache).
    for item in cache.for_version(wave, "prize", lambda: prize_scores(wave)):
        if item.kind == OrganisationKind.FYLKESKOMMUNE or item.size_class is None:
            county_level.scores.append(item)
        else:
            groups[item.size_class].scores.append(item)
    ordered = [*groups.values(), county_level]
    for group in ordered:
        _rank(group.scores)
    return [group for group in ordered if group.scores]
