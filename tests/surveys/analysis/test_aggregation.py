"""The results counted in the database agree with an independent count in Python of every
submitted answer, for every question kind and every breakdown (run on SQLite and PostgreSQL)."""

import random
import statistics
from collections import Counter, defaultdict

import pytest

from municipalities.models import County, OrganisationKind
from surveys.analysis.aggregation import CHOICE_KINDS, NUMBER_KINDS, TEXT_KINDS
from surveys.analysis.results import collect_wave_results, wave_results
from surveys.models import Answer, AnswerSet, Question
from tests import builders
from tests.surveys.results_data import build_wave, synthetic_value

pytestmark = pytest.mark.django_db

POPULATIONS = [700, 1800, 2600, 4400, 7000, 12000, 19000, 33000, 52000, 90000, 650000]


@pytest.fixture
def data():
    """The results wave plus 60 random organisations in three counties, of both kinds, some
    with empty lists, empty matrices, "Annet" texts, whitespace and decimal strings."""
    data = build_wave()
    rng = random.Random(15)
    edition = data.wave.edition
    counties = list(County.objects.filter(edition=edition)) + [
        builders.make_county(edition=edition, number="18", name="Nordland")
    ]
    questions = list(Question.objects.filter(wave=data.wave).prefetch_related("choices", "rows"))
    for index in range(60):
        county = counties[index % 3]
        fylkeskommune = index % 10 == 9
        organisation = builders.make_organisation(
            edition=edition,
            county=county,
            kind=OrganisationKind.FYLKESKOMMUNE if fylkeskommune else OrganisationKind.KOMMUNE,
            number=f"7{index:03d}" if not fylkeskommune else f"F{index}",
            name=f"Tilfeldig {rng.randint(1, 20):02d}",
            population=rng.choice(POPULATIONS),
        )
        status = AnswerSet.Status.SUBMITTED if index % 7 else AnswerSet.Status.IN_PROGRESS
        answer_set = builders.make_answer_set(
            wave=data.wave, organisation=organisation, status=status
        )
        for question in questions:
            if rng.random() < 0.15:
                continue  # not answered
            value = synthetic_value(question, rng)
            other = ""
            if question.kind == Question.Kind.MULTIPLE_CHOICE and rng.random() < 0.1:
                value = []
            if question.kind == Question.Kind.MATRIX and rng.random() < 0.1:
                value = {}
            if question.kind == Question.Kind.MULTIPLE_CHOICE and "annet" in value:
                other = rng.choice(["Felles nettside", "Chat", ""])
            if question.kind == Question.Kind.LONG_TEXT and rng.random() < 0.2:
                value = rng.choice(["", "   ", None])
            if question.kind == Question.Kind.INTEGER and rng.random() < 0.1:
                value = None
            builders.make_answer(
                answer_set=answer_set, question=question, value=value, other_text=other
            )
    return data


def independent_counts(wave):
    """Every submitted answer read one by one, counted per group."""
    answers = Answer.objects.filter(
        answer_set__wave=wave, answer_set__status=AnswerSet.Status.SUBMITTED
    ).select_related("answer_set__organisation")
    by_question = defaultdict(list)
    for answer in answers:
        organisation = answer.answer_set.organisation
        groups = {
            ("all", None),
            ("size_class", organisation.size_class),
            ("county", organisation.county_id),
            ("kind", organisation.kind),
        }
        by_question[answer.question_id].append((groups, answer))
    return by_question


def group_label_values(result, key):
    return result.breakdown(key).groups if result.breakdown(key) else []


def test_counting_in_the_database_agrees_with_counting_every_answer(data):
    counted = {result.question.id: result for result in collect_wave_results(data.wave)}
    expected = independent_counts(data.wave)
    kinds_seen = set()
    for question_id, result in counted.items():
        question = result.question
        kinds_seen.add(question.kind)
        answers = expected[question_id]
        if question.kind in CHOICE_KINDS | {Question.Kind.MULTIPLE_CHOICE}:
            check_choices(result, answers)
        if question.kind == Question.Kind.MATRIX:
            check_matrix(result, answers)
        if question.kind in NUMBER_KINDS:
            check_numbers(result, answers)
        if question.kind in TEXT_KINDS or any(c.is_other for c in question.choices.all()):
            check_texts(result, answers)
    assert kinds_seen >= {
        Question.Kind.SINGLE_CHOICE,
        Question.Kind.MULTIPLE_CHOICE,
        Question.Kind.MATRIX,
        Question.Kind.RATING,
        Question.Kind.INTEGER,
        Question.Kind.DECIMAL,
        Question.Kind.LONG_TEXT,
    }


def _codes(answer):
    value = answer.value
    if isinstance(value, list):
        return set(map(str, value))
    if value is None or value == "":
        return set()
    return {str(value)}


def check_choices(result, answers):
    n, counts = Counter(), defaultdict(Counter)
    for groups, answer in answers:
        codes = _codes(answer)
        if not codes:
            continue
        for group in groups:
            n[group] += 1
            counts[group].update(codes)
    assert result.n == n[("all", None)]
    assert {s.code: s.count for s in result.overall.shares if s.count} == dict(
        counts[("all", None)]
    )
    for key in ("size_class", "county", "kind"):
        labels = {label: value for value, label in _group_values(result, key)}
        for group in group_label_values(result, key):
            value = labels[group.label]
            assert group.n == n[(key, value)]
            assert {s.code: s.count for s in group.shares if s.count} == dict(counts[(key, value)])
        # Fylkeskommuner have no size class: they are in no size-class group.
        groups = [g for g in n if g[0] == key and g[1] is not None and n[g]]
        assert len(group_label_values(result, key)) == len(groups)


def _group_values(result, key):
    from municipalities.models import SizeClass

    if key == "size_class":
        return list(SizeClass.choices)
    if key == "kind":
        return list(OrganisationKind.choices)
    return [(c.id, c.name) for c in County.objects.filter(edition=result.question.wave.edition)]


def check_matrix(result, answers):
    rows, by_size = defaultdict(Counter), defaultdict(Counter)
    for groups, answer in answers:
        size_class = next(value for key, value in groups if key == "size_class")
        for row_code, scale in (answer.value or {}).items():
            rows[row_code][str(scale)] += 1
            by_size[(row_code, size_class)][str(scale)] += 1
    from municipalities.models import SizeClass

    labels = dict((label, value) for value, label in SizeClass.choices)
    for row in result.matrix_rows:
        assert {s.code: s.count for s in row.overall.shares if s.count} == dict(rows[row.code])
        assert row.overall.n == sum(rows[row.code].values())
        for group in row.by_size_class:
            expected = by_size[(row.code, labels[group.label])]
            assert {s.code: s.count for s in group.shares if s.count} == dict(expected)


def check_numbers(result, answers):
    values = defaultdict(list)
    for groups, answer in answers:
        value = answer.value
        if value is None or value == "" or isinstance(value, bool):
            continue
        for group in groups:
            if group[0] != "county":
                values[group].append(float(value))
    summaries = {summary.label: summary for summary in result.numbers}
    overall = values[("all", None)]
    assert result.n == len(overall)
    assert_summary(summaries["Alle"], overall)
    groups = [g for g in values if g[0] in {"size_class", "kind"} and g[1] is not None]
    assert len(result.numbers) == 1 + len(groups)
    for key in ("size_class", "kind"):
        for value, label in _group_values(result, key):
            if (key, value) in values:
                assert_summary(summaries[str(label)], values[(key, value)])


def assert_summary(summary, values):
    q1, median, q3 = (
        statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    )
    assert summary.n == len(values)
    assert summary.mean == pytest.approx(statistics.fmean(values))
    assert (summary.q1, summary.median, summary.q3) == pytest.approx((q1, median, q3))
    assert (summary.minimum, summary.maximum) == (min(values), max(values))


def check_texts(result, answers):
    texts = []
    for _groups, answer in answers:
        organisation = answer.answer_set.organisation
        if answer.other_text:
            texts.append((organisation.name, organisation.number, answer.pk, answer.other_text))
        elif isinstance(answer.value, str) and answer.value.strip():
            texts.append((organisation.name, organisation.number, answer.pk, answer.value))
    texts.sort()
    assert result.text_count == len(texts)
    shown = [(text.organisation, text.number, text.text) for text in result.texts]
    assert shown == [(name, number, text) for name, number, _pk, text in texts[:10]]


def test_results_are_counted_once_per_data_version_and_again_after_a_submit(
    data, django_assert_num_queries
):
    before = {r.question.key: r.n for r in wave_results(data.wave)}
    with django_assert_num_queries(1):  # the data version; the results come from the cache
        assert {r.question.key: r.n for r in wave_results(data.wave)} == before

    answer_set = builders.make_answer_set(
        wave=data.wave,
        organisation=builders.make_organisation(edition=data.wave.edition, number="6001"),
        status=AnswerSet.Status.SUBMITTED,
    )
    builders.make_answer(answer_set=answer_set, question=data.yes_no, value="ja")

    after = {r.question.key: r.n for r in wave_results(data.wave)}
    assert after[data.yes_no.key] == before[data.yes_no.key] + 1
