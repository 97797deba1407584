"""One organisation's report: its own answers next to its size class, its county and the
country, computed here again straight from the answers and compared."""

from decimal import Decimal

import pytest

from municipalities.models import Correspondence, CorrespondenceLink, OrganisationKind
from surveys.analysis.organisation_report import MIN_OTHERS, organisation_report
from surveys.models import AnswerSet, Choice, Question
from tests import builders

pytestmark = pytest.mark.django_db

CHANNELS = [("web", "Nettside"), ("app", "App"), ("sms", "SMS")]
STEPS = [("ikke", "Ikke"), ("noe", "Noe"), ("mye", "Mye")]


class Setup:
    """Halden (31,000 people, Østfold) and kommuner around it with known answers."""

    def __init__(self, *, county_others: int = 6) -> None:
        self.edition = builders.make_edition(year=2024)
        self.wave = builders.make_wave(edition=self.edition, year=2024, slug="ekommune-2024")
        self.ostfold = builders.make_county(edition=self.edition, number="31", name="Østfold")
        self.vestland = builders.make_county(edition=self.edition, number="46", name="Vestland")
        first = builders.make_section(wave=self.wave, key="strategi", position=1, title="Strategi")
        second = builders.make_section(wave=self.wave, key="tjenester", position=2, title="Tj")
        self.plan = builders.make_question(section=first, key="plan", position=1)
        Choice.objects.filter(question=self.plan, code="ja").update(weight=Decimal(2))
        self.channels = builders.make_question(
            section=second,
            key="channels",
            position=1,
            kind=Question.Kind.MULTIPLE_CHOICE,
            choices=CHANNELS,
        )
        self.matrix = builders.make_question(
            section=second,
            key="maturity",
            position=2,
            kind=Question.Kind.MATRIX,
            choices=STEPS,
            rows=[("byggesak", "Byggesak"), ("skole", "Skole")],
        )
        self.employees = builders.make_question(
            section=first, key="employees", position=2, kind=Question.Kind.INTEGER
        )
        # (organisation, {question key: value}) of every submitted answer set.
        self.answers: list = []
        self.halden = self.kommune(
            "Halden kommune", 31000, self.ostfold, "ja", ["web", "app"], {"byggesak": "mye"}
        )
        plans = ["ja", "nei", "vet_ikke", "nei", "ja", "nei", "ja", "nei"]
        # Same county, other size classes; same size class, other county; small ones elsewhere.
        for index in range(county_others):
            self.kommune(
                f"Østfold {index}", 3000, self.ostfold, plans[index], ["web"], {"skole": "noe"}
            )
        for index in range(7):
            self.kommune(
                f"Vestland {index}",
                25000,
                self.vestland,
                plans[index],
                [CHANNELS[index % 3][0]],
                {"byggesak": STEPS[index % 3][0], "skole": "mye"},
            )
        # Not counted: a fylkeskommune, and a kommune that has not submitted.
        self.fylke = self.kommune(
            "Østfold fylkeskommune", 300000, self.ostfold, "nei", ["sms"], {}, kind="fylkeskommune"
        )
        self.unsent = self.kommune(
            "Usendt kommune", 31000, self.ostfold, "nei", ["sms"], {}, status="in_progress"
        )

    def kommune(self, name, population, county, plan, channels, matrix, **options):
        kind = options.get("kind", OrganisationKind.KOMMUNE)
        status = options.get("status", AnswerSet.Status.SUBMITTED)
        organisation = builders.make_organisation(
            edition=self.edition, county=county, name=name, population=population, kind=kind
        )
        answer_set = builders.make_answer_set(
            wave=self.wave, organisation=organisation, status=status
        )
        values = {"plan": plan, "channels": channels, "maturity": matrix}
        for question in (self.plan, self.channels, self.matrix):
            builders.make_answer(
                answer_set=answer_set, question=question, value=values[question.key]
            )
        if status == AnswerSet.Status.SUBMITTED and kind == OrganisationKind.KOMMUNE:
            self.answers.append((organisation, values))
        return organisation


def expected_percent(setup: Setup, group, key: str, code: str, row: str | None = None):
    """The share of `code` among the kommuner of `group` that answered, from the answers."""
    answered = []
    for organisation, values in setup.answers:
        if not group(organisation):
            continue
        value = values[key]
        if row is not None:
            value = value.get(row)
        if value in (None, "", []):
            continue
        answered.append(value)
    hits = sum(
        1 for value in answered if (code in value if isinstance(value, list) else value == code)
    )
    return hits * 100 / len(answered), len(answered)


def groups_of(item):
    return {group.key: group for group in item.groups}


def find(report, key):
    return next(item for _s, items in report.sections for item in items if item.question.key == key)


def test_the_report_follows_the_questionnaires_section_order_with_the_title_naming_the_groups():
    setup = Setup()

    report = organisation_report(setup.wave, setup.halden)

    assert report.title == (
        "Halden kommune sammenlignet med kommuner i samme størrelsesklasse, i Østfold og i landet"
    )
    assert [[item.question.key for item in items] for _s, items in report.sections] == [
        ["plan", "employees"],
        ["channels", "maturity"],
    ]


def test_single_and_multiple_choice_shares_match_the_answers_in_each_group():
    setup = Setup()
    halden = setup.halden
    groups = {
        "size_class": lambda org: org.size_class == halden.size_class,
        "county": lambda org: org.county_id == halden.county_id,
        "country": lambda org: True,
    }

    report = organisation_report(setup.wave, halden)

    plan, channels = find(report, "plan"), find(report, "channels")
    assert plan.own_text == "Ja"
    assert channels.own_text == "Nettside, App"
    assert channels.own_codes == {"web", "app"}
    for key, group in groups.items():
        for code, _label in [("ja", ""), ("nei", ""), ("vet_ikke", "")]:
            percent, n = expected_percent(setup, group, "plan", code)
            assert groups_of(plan)[key].n == n
            assert groups_of(plan)[key].percent(code) == pytest.approx(percent), (key, code)
        for code, _label in CHANNELS:
            percent, _n = expected_percent(setup, group, "channels", code)
            assert groups_of(channels)[key].percent(code) == pytest.approx(percent), (key, code)


def test_matrix_rows_compare_the_chosen_step_per_row():
    setup = Setup()
    halden = setup.halden

    report = organisation_report(setup.wave, halden)

    rows = {row.code: row for row in find(report, "maturity").rows}
    assert rows["byggesak"].own_label == "Mye"
    assert rows["skole"].own == ""
    country = {group.key: group for group in rows["byggesak"].groups}["country"]
    percent, n = expected_percent(setup, lambda org: True, "maturity", "mye", row="byggesak")
    assert country.n == n
    assert country.percent("mye") == pytest.approx(percent)


def test_a_fylkeskommune_and_unsubmitted_answers_are_never_in_a_kommunes_groups():
    setup = Setup()

    report = organisation_report(setup.wave, setup.halden)

    country = groups_of(find(report, "channels"))["country"]
    # Only the fylkeskommune and the unsent kommune ticked "sms".
    assert country.n == len(setup.answers)
    assert country.percent("sms") == pytest.approx(
        expected_percent(setup, lambda org: True, "channels", "sms")[0]
    )


@pytest.mark.parametrize(("others", "shown"), [(MIN_OTHERS - 1, False), (MIN_OTHERS, True)])
def test_a_group_share_needs_five_other_organisations(others, shown):
    setup = Setup(county_others=others)

    report = organisation_report(setup.wave, setup.halden)

    county = groups_of(find(report, "plan"))["county"]
    assert county.others == others
    assert county.suppressed is not shown
    assert (county.percent("ja") is not None) is shown
    # The size class here is Halden and the 7 Vestland kommuner: always shown.
    assert not groups_of(find(report, "plan"))["size_class"].suppressed


def test_the_maturity_score_is_ranked_within_the_size_class():
    setup = Setup()

    report = organisation_report(setup.wave, setup.halden)

    # Only "ja" to the plan weighs (2): in the size class Halden and the Vestland kommuner
    # 0, 4 and 6 said "ja".
    assert report.maturity.score == Decimal(2)
    assert report.maturity.rank == 1
    assert report.maturity.of == 8


def test_earlier_waves_show_the_own_answer_and_each_predecessors_answer():
    setup = Setup()
    old_edition = builders.make_edition(year=2011)
    old_wave = builders.make_wave(edition=old_edition, year=2011, slug="ekommune-2011")
    old_section = builders.make_section(wave=old_wave, key="strategi", position=1)
    old_plan = builders.make_question(section=old_section, key="plan", position=1)
    old_county = builders.make_county(edition=old_edition, number="01", name="Østfold")
    correspondence = Correspondence.objects.create(earlier=old_edition, later=setup.edition)
    for name, answer in [("Halden kommune", "nei"), ("Aremark kommune", "vet_ikke")]:
        old = builders.make_organisation(edition=old_edition, county=old_county, name=name)
        CorrespondenceLink.objects.create(
            correspondence=correspondence,
            earlier=old,
            later=setup.halden,
            change="merged",
            population_share=Decimal("1.00"),
        )
        answer_set = builders.make_answer_set(wave=old_wave, organisation=old, status="submitted")
        builders.make_answer(answer_set=answer_set, question=old_plan, value=answer)

    report = organisation_report(setup.wave, setup.halden)

    earlier = [(item.label, item.text) for item in find(report, "plan").earlier]
    assert sorted(earlier) == [("Aremark 2011", "Usikker/Vet ikke"), ("Halden 2011", "Nei")]
    assert find(report, "channels").earlier == []


def test_the_groups_are_counted_once_per_data_version(django_assert_max_num_queries):
    setup = Setup()
    organisation_report(setup.wave, setup.halden)

    # Another kommune's report reuses the cached cells and ranking.
    with django_assert_max_num_queries(14):
        organisation_report(setup.wave, setup.answers[3][0])
