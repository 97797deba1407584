"""Races between colleagues, proven with real threads and connections where locks are real."""

import time

from django.db import transaction

from surveys.answering import services
from surveys.models import Answer, AnswerChange, AnswerSet
from tests.concurrency import postgresql_only, run_together

pytestmark = postgresql_only


def test_two_colleagues_opening_at_once_get_one_answer_set(survey):
    def open_while_the_other_is_inserting():
        with transaction.atomic():
            answer_set = services.response_get_or_create(
                wave=survey.wave, organisation=survey.organisation
            )
            # Hold the uncommitted insert so the other thread's insert must wait on the
            # unique index and then lose.
            time.sleep(0.3)
        return answer_set.pk

    def open_now():
        return services.response_get_or_create(
            wave=survey.wave, organisation=survey.organisation
        ).pk

    results = run_together(open_while_the_other_is_inserting, open_now, open_now)

    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == 1
    assert AnswerSet.objects.count() == 1


def test_a_double_submit_submits_once(survey, respondent):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    services.response_save_section(
        answer_set=answer_set,
        section=survey.general,
        edit=services.SectionEdit(answers={"plan": ("nei", "")}, revisions={}),
        contact=respondent,
    )

    def submit():
        return services.response_submit(answer_set=answer_set, contact=respondent)

    results = run_together(submit, submit, submit)

    assert [r.newly_submitted for r in results].count(True) == 1, results
    assert AnswerChange.objects.filter(action=AnswerChange.Action.SUBMITTED).count() == 1


def test_two_editors_saving_the_same_question_at_once_never_overwrite_silently(
    survey, respondent, colleague
):
    answer_set = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)

    def save(value, contact):
        return lambda: services.response_save_section(
            answer_set=answer_set,
            section=survey.general,
            edit=services.SectionEdit(
                answers={"employees": (value, "")}, revisions={"employees": 0}
            ),
            contact=contact,
        )

    first, second = run_together(save(5, respondent), save(9, colleague))

    outcomes = sorted([bool(first.conflicts), bool(second.conflicts)])
    assert outcomes == [False, True], (first, second)
    winner = first if not first.conflicts else second
    loser = second if winner is first else first
    stored = Answer.objects.get(question=survey.employees).value
    assert loser.conflicts[0].theirs == (stored, "")
    assert loser.conflicts[0].mine != (stored, "")
    assert winner.saved == ["employees"]


def test_a_save_racing_a_submit_lands_before_the_snapshot_or_is_refused(survey, respondent):
    for attempt in range(5):
        AnswerSet.objects.all().delete()
        answer_set = services.response_get_or_create(
            wave=survey.wave, organisation=survey.organisation
        )
        services.response_save_section(
            answer_set=answer_set,
            section=survey.general,
            edit=services.SectionEdit(answers={"plan": ("nei", "")}, revisions={}),
        )

        def submit(answer_set=answer_set):
            return services.response_submit(answer_set=answer_set, contact=respondent)

        def save(answer_set=answer_set, attempt=attempt):
            return services.response_save_section(
                answer_set=answer_set,
                section=survey.general,
                edit=services.SectionEdit(
                    answers={"employees": (attempt + 1, "")}, revisions={"employees": 0}
                ),
            )

        submitted, saved = run_together(submit, save)

        assert submitted.newly_submitted
        snapshot = AnswerChange.objects.get(
            answer_set=answer_set, action=AnswerChange.Action.SUBMITTED
        ).value
        stored = {
            a.question.key: [a.value, a.other_text]
            for a in Answer.objects.filter(answer_set=answer_set).select_related("question")
        }
        # Whatever the order, what is stored is exactly what was submitted.
        assert stored == snapshot
        if isinstance(saved, services.ServiceError):
            assert saved.code == "submitted"
            assert "employees" not in snapshot
        else:
            assert snapshot["employees"] == [attempt + 1, ""]


def test_organisations_saving_at_once_do_not_wait_for_each_other(survey, respondent):
    """A save locks its own answer set, not the wave: while one organisation's save is still
    in its transaction, another organisation's save goes through without waiting."""
    import threading

    from django.db import connection, connections

    mine = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    theirs = services.response_get_or_create(
        wave=survey.wave, organisation=survey.other_organisation
    )
    locked, done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def slow_save():
        try:
            with transaction.atomic():
                services.response_save_section(
                    answer_set=mine,
                    section=survey.general,
                    edit=services.SectionEdit(answers={"plan": ("ja", "")}, revisions={}),
                )
                locked.set()
                done.wait(timeout=10)  # still inside the transaction: its locks are held
        finally:
            connections.close_all()

    def other_save():
        try:
            locked.wait(timeout=10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Waiting for any lock would end in an error instead of a late success.
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                outcome["result"] = services.response_save_section(
                    answer_set=theirs,
                    section=survey.general,
                    edit=services.SectionEdit(answers={"plan": ("nei", "")}, revisions={}),
                )
        except Exception as error:  # noqa: BLE001 - the assertion shows it
            outcome["result"] = error
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=slow_save), threading.Thread(target=other_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(outcome["result"], services.SectionSaveResult), outcome["result"]
    assert outcome["result"].saved == ["plan"]
    assert set(Answer.objects.values_list("value", flat=True)) == {"ja", "nei"}
