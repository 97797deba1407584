"""The benchmark generator writes in bulk exactly the rows the respondent services write."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks import generator
from municipalities.models import Contact, Organisation, OrganisationKind, SizeClass
from surveys.answering.services import (
    SectionEdit,
    response_get_or_create,
    response_save_section,
    response_submit,
)
from surveys.form_engine import Questionnaire
from surveys.models import Answer, AnswerChange, AnswerSet


@pytest.fixture
def bench_wave(db):
    edition = generator._register(100, seed=7)
    return generator.load_wave(slug="bench-test", edition=edition)


def _rows(answer_set: AnswerSet, contact: Contact) -> dict:
    """Everything stored for one answer set, without ids and creation times; the contact
    differs between organisations and shows as "contact"."""
    answer_set.refresh_from_db()

    def who(contact_id: int | None) -> str | None:
        return "contact" if contact_id == contact.pk else contact_id

    return {
        "set": (answer_set.status, answer_set.submitted_at, who(answer_set.submitted_by_id)),
        "answers": sorted(
            (
                a.question.key,
                repr(a.value),
                a.other_text,
                a.revision,
                a.changed_at,
                who(a.changed_by_id),
            )
            for a in Answer.objects.filter(answer_set=answer_set).select_related("question")
        ),
        "changes": sorted(
            (
                c.question.key if c.question else "",
                c.action,
                repr(c.previous_value),
                repr(c.value),
                c.other_text,
                c.changed_at,
                who(c.changed_by_id),
                c.changed_by_user_id,
            )
            for c in AnswerChange.objects.filter(answer_set=answer_set).select_related("question")
        ),
    }


@pytest.mark.parametrize("kind", [OrganisationKind.KOMMUNE, OrganisationKind.FYLKESKOMMUNE])
@pytest.mark.parametrize("complete", [True, False])
def test_bulk_rows_equal_the_rows_of_the_respondent_services(bench_wave, kind, complete):
    questionnaire = Questionnaire.load(bench_wave)
    by_services, in_bulk = Organisation.objects.filter(edition=bench_wave.edition, kind=kind)[:2]
    # The same answers for both organisations: the same seed plans the same values.
    plans = [
        generator.plan_answers(questionnaire, kind, random.Random(seed), complete=complete)
        for seed in ("same", "same")
    ]
    start = timezone.now().replace(microsecond=0) - timedelta(days=3)
    times, submitted_at = generator.save_times(plans[0], start)

    contact = Contact.objects.get(organisation=by_services)
    answer_set = response_get_or_create(wave=bench_wave, organisation=by_services)
    for (section, answers), moment in zip(plans[0].sections, times, strict=True):
        result = response_save_section(
            answer_set=answer_set,
            section=section,
            edit=SectionEdit(answers=answers),
            contact=contact,
            now=moment,
        )
        assert not result.conflicts
    if complete:
        assert response_submit(answer_set=answer_set, contact=contact, now=submitted_at)

    bulk_contact = Contact.objects.get(organisation=in_bulk)
    item = generator.answer_rows(
        wave=bench_wave,
        organisation=in_bulk,
        contact_id=bulk_contact.pk,
        questionnaire=questionnaire,
        planned=plans[1],
        start=start,
    )
    generator.write_answer_sets([item])

    expected = _rows(answer_set, contact)
    actual = _rows(AnswerSet.objects.get(wave=bench_wave, organisation=in_bulk), bulk_contact)
    assert actual == expected
    assert len(expected["answers"]) > 10
    assert any(change[1] == "submitted" for change in expected["changes"]) == complete


def test_generated_register_has_every_size_class_and_unique_numbers(db):
    edition = generator._register(100, seed=1)
    kommuner = Organisation.objects.filter(edition=edition, kind=OrganisationKind.KOMMUNE)
    assert set(kommuner.values_list("size_class", flat=True)) == set(SizeClass.values)
    assert Organisation.objects.filter(edition=edition).count() == 100
    fylkeskommuner = Organisation.objects.filter(edition=edition, kind="fylkeskommune")
    # Norway's 15 counties; Oslo has no fylkeskommune.
    assert edition.counties.count() == 15
    assert fylkeskommuner.count() == edition.counties.count() - 1
    assert Contact.objects.filter(organisation__edition=edition).count() == 100


def test_register_numbers_stay_within_their_columns_at_a_hundred_thousand():
    numbers = {generator._code(i, 4) for i in range(1, 100_001)}
    assert len(numbers) == 100_000
    assert {len(number) for number in numbers} == {4}
    counties = {generator._code(i, 2) for i in range(1, 1001)}
    assert len(counties) == 1000
    assert {len(number) for number in counties} == {2}


def test_generation_is_deterministic_and_accepted_by_the_form_engine(bench_wave):
    counts = generator.generate_answers(bench_wave, seed=3, check_sample=1000, log=lambda _: None)
    first = sorted(
        Answer.objects.filter(answer_set__wave=bench_wave).values_list(
            "answer_set__organisation__number", "question__key", "value", "other_text"
        )
    )
    AnswerChange.objects.filter(answer_set__wave=bench_wave).delete()
    Answer.objects.filter(answer_set__wave=bench_wave).delete()
    AnswerSet.objects.filter(wave=bench_wave).delete()
    assert generator.generate_answers(bench_wave, seed=3, log=lambda _: None) == counts
    again = sorted(
        Answer.objects.filter(answer_set__wave=bench_wave).values_list(
            "answer_set__organisation__number", "question__key", "value", "other_text"
        )
    )
    assert again == first
    assert 0 < counts["submitted"] < counts["answer_sets"] < 100
