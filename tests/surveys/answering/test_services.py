"""Respondent writes: links, the shared answer set, saving with conflicts, submit and reopen."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.answering import links, services
from surveys.models import Answer, AnswerChange, AnswerSet, MailKind, OutboundMessage
from surveys.outreach import services as mailing
from tests import builders


def save(answer_set, section, answers, *, revisions=None, contact=None, hidden=(), now=None):
    questions = list(section.questions.all())
    if revisions is None:
        revisions = services.answer_revisions(answer_set=answer_set, questions=questions)
    return services.response_save_section(
        answer_set=answer_set,
        section=section,
        edit=services.SectionEdit(
            answers={key: (value, "") for key, value in answers.items()},
            revisions=revisions,
            hidden=hidden,
        ),
        contact=contact,
        now=now,
    )


@pytest.fixture
def answer_set(survey):
    return services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)


def test_colleagues_share_one_answer_set(survey):
    first = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    second = services.response_get_or_create(wave=survey.wave, organisation=survey.organisation)

    assert first.pk == second.pk
    assert AnswerSet.objects.count() == 1


def test_saving_records_who_changed_what_and_keeps_history(survey, answer_set, respondent):
    save(answer_set, survey.general, {"plan": "nei", "employees": 4}, contact=respondent)
    save(answer_set, survey.general, {"plan": "ja"}, contact=respondent)

    plan = Answer.objects.get(answer_set=answer_set, question=survey.plan)
    assert plan.value == "ja"
    assert plan.changed_by == respondent
    assert plan.revision == 2
    history = list(
        AnswerChange.objects.filter(question=survey.plan).values_list("previous_value", "value")
    )
    assert history == [(None, "nei"), ("nei", "ja")]


def test_a_save_writes_only_what_this_person_changed(survey, answer_set, respondent, colleague):
    save(answer_set, survey.general, {"plan": "nei", "employees": 4}, contact=respondent)
    loaded = services.answer_revisions(
        answer_set=answer_set, questions=[survey.plan, survey.employees]
    )
    # The colleague changes "employees" after the respondent loaded the page...
    save(answer_set, survey.general, {"employees": 9}, contact=colleague)

    # ...and the respondent, who only changed "plan", saves the whole page as loaded.
    result = save(
        answer_set,
        survey.general,
        {"plan": "ja", "employees": 4},
        revisions=loaded,
        contact=respondent,
    )

    assert result.conflicts == []
    values = dict(answer_set.answers.values_list("question__key", "value"))
    assert values == {"plan": "ja", "employees": 9}


def test_two_editors_of_the_same_question_get_a_conflict_not_an_overwrite(
    survey, answer_set, respondent, colleague
):
    save(answer_set, survey.general, {"employees": 4}, contact=respondent)
    loaded = services.answer_revisions(answer_set=answer_set, questions=[survey.employees])
    save(answer_set, survey.general, {"employees": 9}, contact=colleague)

    result = save(
        answer_set, survey.general, {"employees": 5}, revisions=loaded, contact=respondent
    )

    assert [c.question.key for c in result.conflicts] == ["employees"]
    conflict = result.conflicts[0]
    assert conflict.mine == (5, "")
    assert conflict.theirs == (9, "")
    assert conflict.changed_by == colleague.name
    assert Answer.objects.get(question=survey.employees).value == 9

    # Choosing "keep mine" saves against the revision the person has now seen.
    again = save(
        answer_set,
        survey.general,
        {"employees": 5},
        revisions={"employees": conflict.theirs_revision},
        contact=respondent,
    )
    assert again.conflicts == []
    assert Answer.objects.get(question=survey.employees).value == 5


def test_a_question_cleared_by_a_colleague_is_a_conflict_too(survey, answer_set, respondent):
    save(answer_set, survey.general, {"employees": 4})
    loaded = services.answer_revisions(answer_set=answer_set, questions=[survey.employees])
    save(answer_set, survey.general, {"employees": None})

    result = save(answer_set, survey.general, {"employees": 7}, revisions=loaded)

    assert result.conflicts and result.conflicts[0].theirs == (None, "")
    assert not Answer.objects.filter(question=survey.employees).exists()


def test_a_hidden_conditional_answer_is_not_kept(survey, answer_set):
    save(answer_set, survey.general, {"plan": "ja"})
    save(answer_set, survey.general, {"plan_note": "Vi har en plan"})

    save(answer_set, survey.general, {"plan": "nei"}, hidden=["plan_note"])

    assert not Answer.objects.filter(question=survey.plan_note).exists()
    cleared = AnswerChange.objects.get(
        question=survey.plan_note, action=AnswerChange.Action.CLEARED
    )
    assert cleared.previous_value == "Vi har en plan"


def test_answers_to_another_section_or_wave_are_ignored(survey, answer_set):
    other_wave_question = builders.make_question(key="annen")

    save(answer_set, survey.general, {"comment": "fra feil del", "annen": "ja", "plan": "ja"})

    assert list(answer_set.answers.values_list("question__key", flat=True)) == ["plan"]
    assert not Answer.objects.filter(question=other_wave_question).exists()


def test_a_save_after_closing_time_is_refused(survey, answer_set):
    with pytest.raises(services.ServiceError) as error:
        save(answer_set, survey.general, {"plan": "ja"}, now=survey.wave.closes_at)
    assert error.value.code == "closed"
    assert not Answer.objects.exists()


def test_submit_needs_every_required_applicable_question(survey, answer_set):
    with pytest.raises(services.ServiceError) as error:
        services.response_submit(answer_set=answer_set)
    assert error.value.code == "incomplete"
    answer_set.refresh_from_db()
    assert not answer_set.is_submitted


def test_a_repeated_submit_submits_once_and_mails_once(
    survey, answer_set, respondent, mailoutbox, django_capture_on_commit_callbacks
):
    save(answer_set, survey.general, {"plan": "nei"})

    with django_capture_on_commit_callbacks(execute=True):
        first = services.response_submit(answer_set=answer_set, contact=respondent)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.response_submit(answer_set=answer_set, contact=respondent)

    assert first.newly_submitted and not second.newly_submitted
    assert AnswerChange.objects.filter(action=AnswerChange.Action.SUBMITTED).count() == 1
    send_queued_mail()
    send_queued_mail()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [respondent.email]
    assert "Har kommunen en plan?" in mailoutbox[0].body and "Nei" in mailoutbox[0].body


def test_after_submit_answers_cannot_be_saved(survey, answer_set):
    save(answer_set, survey.general, {"plan": "nei"})
    services.response_submit(answer_set=answer_set)

    with pytest.raises(services.ServiceError) as error:
        save(answer_set, survey.general, {"plan": "ja"})
    assert error.value.code == "submitted"


def test_a_contact_can_reopen_while_open_and_it_is_logged(survey, answer_set, respondent):
    save(answer_set, survey.general, {"plan": "nei"})
    services.response_submit(answer_set=answer_set)

    services.response_reopen(answer_set=answer_set, contact=respondent)

    answer_set.refresh_from_db()
    assert answer_set.status == AnswerSet.Status.IN_PROGRESS
    log = AnswerChange.objects.get(action=AnswerChange.Action.REOPENED)
    assert log.changed_by == respondent


def test_a_contact_cannot_reopen_after_closing_but_an_administrator_can(
    survey, answer_set, respondent, staff_user
):
    save(answer_set, survey.general, {"plan": "nei"})
    services.response_submit(answer_set=answer_set)
    after = survey.wave.closes_at + timedelta(hours=1)

    with pytest.raises(services.ServiceError):
        services.response_reopen(answer_set=answer_set, contact=respondent, now=after)
    services.response_reopen(answer_set=answer_set, user=staff_user, now=after)

    answer_set.refresh_from_db()
    assert not answer_set.is_submitted
    assert AnswerChange.objects.get(action="reopened").changed_by_user == staff_user


def test_a_contact_of_another_organisation_cannot_reopen(survey, answer_set, other_respondent):
    save(answer_set, survey.general, {"plan": "nei"})
    services.response_submit(answer_set=answer_set)

    with pytest.raises(services.ServiceError):
        services.response_reopen(answer_set=answer_set, contact=other_respondent)


def test_inviting_a_colleague_adds_a_contact_and_mails_a_working_link(
    survey, respondent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        colleague = services.colleague_invite(
            inviter=respondent,
            wave=survey.wave,
            email=" Ny.Kollega@Example.invalid ",
            name="Ny\r\nBcc: evil@example.invalid",
        )

    assert colleague.organisation == survey.organisation
    assert colleague.email == "ny.kollega@example.invalid"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ny.kollega@example.invalid"]
    assert "\n" not in mail.subject
    link = next(word for word in mail.body.split() if "/i/" in word)
    raw = link.rsplit("/i/", 1)[1].strip("/")
    assert links.access_token_use(raw_token=raw).contact == colleague


def test_inviting_needs_a_valid_address(survey, respondent):
    with pytest.raises(services.ServiceError) as error:
        services.colleague_invite(inviter=respondent, wave=survey.wave, email="ikke-en-adresse")
    assert error.value.code == "invalid_email"


def test_timestamps_are_those_passed_in(survey, answer_set):
    when = timezone.now() - timedelta(hours=1)
    save(answer_set, survey.general, {"plan": "ja"}, now=when)
    assert Answer.objects.get(question=survey.plan).changed_at == when


def test_a_person_does_not_conflict_with_their_own_earlier_save(survey, answer_set, respondent):
    loaded = services.answer_revisions(answer_set=answer_set, questions=[survey.comment])
    # An autosave lands while the person keeps typing, then they press Save on the old page.
    save(answer_set, survey.comments, {"comment": "Hei"}, revisions=loaded, contact=respondent)

    result = save(
        answer_set,
        survey.comments,
        {"comment": "Hei på deg"},
        revisions=loaded,
        contact=respondent,
    )

    assert result.conflicts == []
    assert Answer.objects.get(question=survey.comment).value == "Hei på deg"


def test_a_colleague_change_between_own_saves_is_still_a_conflict(
    survey, answer_set, respondent, colleague
):
    loaded = services.answer_revisions(answer_set=answer_set, questions=[survey.comment])
    save(answer_set, survey.comments, {"comment": "Hei"}, revisions=loaded, contact=respondent)
    save(answer_set, survey.comments, {"comment": "Hallo"}, contact=colleague)

    result = save(
        answer_set,
        survey.comments,
        {"comment": "Hei på deg"},
        revisions=loaded,
        contact=respondent,
    )

    assert [c.question.key for c in result.conflicts] == ["comment"]
    assert Answer.objects.get(question=survey.comment).value == "Hallo"


def test_the_receipt_mail_escapes_free_text_in_html(
    survey, answer_set, respondent, mailoutbox, django_capture_on_commit_callbacks
):
    save(answer_set, survey.general, {"plan": "ja"})
    save(answer_set, survey.general, {"plan_note": "<script>alert(1)</script>"})

    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(answer_set=answer_set, contact=respondent)
    send_queued_mail()

    html = mailoutbox[0].alternatives[0][0]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in mailoutbox[0].body  # plain text stays as typed


def send_queued_mail() -> None:
    """What the mail worker does with the rows queued so far."""
    queued = OutboundMessage.objects.filter(state=OutboundMessage.State.QUEUED)
    mailing.messages_send_now(list(queued.values_list("pk", flat=True)))


def test_a_receipt_is_not_sent_when_the_answers_were_reopened_before_the_worker_came(
    survey, answer_set, respondent, mailoutbox
):
    save(answer_set, survey.general, {"plan": "nei"})
    services.response_submit(answer_set=answer_set, contact=respondent)
    services.response_reopen(answer_set=answer_set, contact=respondent)

    send_queued_mail()

    assert mailoutbox == []
    receipt = OutboundMessage.objects.get(kind=MailKind.RECEIPT)
    assert receipt.state == OutboundMessage.State.CANCELLED


@pytest.fixture
def eager_celery():
    from ekommune.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_submit_brings_a_fresh_response_rate_snapshot(
    survey, answer_set, respondent, eager_celery, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from surveys.models import ResponseRateSnapshot

    cache.clear()
    save(answer_set, survey.general, {"plan": "nei"})

    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(answer_set=answer_set, contact=respondent)

    snapshot = ResponseRateSnapshot.objects.get(wave=survey.wave)
    assert snapshot.submitted == 1


def test_a_submit_is_saved_and_receipted_when_the_broker_is_down(
    survey, answer_set, respondent, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from kombu.exceptions import OperationalError

    from surveys.outreach import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    cache.clear()
    monkeypatch.setattr(tasks.rate_snapshot_take, "apply_async", broker_down)
    monkeypatch.setattr(tasks.send_messages, "apply_async", broker_down)
    save(answer_set, survey.general, {"plan": "nei"})

    with django_capture_on_commit_callbacks(execute=True):
        result = services.response_submit(answer_set=answer_set, contact=respondent)

    answer_set.refresh_from_db()
    assert result.newly_submitted and answer_set.status == AnswerSet.Status.SUBMITTED
    # The receipt waits as a queued row; the sweeper queues it again, and it is sent once.
    assert mailoutbox == []
    receipt = OutboundMessage.objects.get(kind=MailKind.RECEIPT)
    assert receipt.state == OutboundMessage.State.QUEUED
    monkeypatch.undo()
    swept = mailing.mail_sweep(now=timezone.now() + timedelta(hours=1))
    assert swept == [receipt.pk]
    send_queued_mail()
    send_queued_mail()
    assert len(mailoutbox) == 1
    receipt.refresh_from_db()
    assert receipt.state == OutboundMessage.State.SENT
    # Nothing is marked as queued, so the next submission (or the beat) tries again.
    assert cache.get(f"surveys:rate-snapshot-queued:{survey.wave.pk}") is None


def test_a_burst_of_submissions_queues_one_snapshot(survey, monkeypatch):
    from django.core.cache import cache

    from surveys.outreach import tasks

    queued = []
    cache.clear()
    monkeypatch.setattr(tasks.rate_snapshot_take, "apply_async", lambda *a, **k: queued.append(a))

    for _ in range(5):
        services.rate_snapshot_queue_soon(wave_id=survey.wave.pk)

    assert len(queued) == 1


def test_saving_answered_questions_again_reads_no_change_history(
    survey, answer_set, respondent, django_assert_num_queries
):
    first = save(answer_set, survey.general, {"plan": "ja", "employees": 3}, contact=respondent)
    revisions = first.revisions

    # Each stored answer's revision is its count of changes: no need to count them.
    with CaptureQueriesContext(connection) as captured:
        again = save(
            answer_set,
            survey.general,
            {"plan": "nei", "employees": 4},
            revisions=revisions,
            contact=respondent,
        )
    assert again.saved and not again.conflicts
    assert again.revisions == {"plan": 2, "employees": 2}
    assert not [
        query["sql"]
        for query in captured.captured_queries
        if "surveys_answerchange" in query["sql"] and query["sql"].startswith("SELECT")
    ]


def test_a_cleared_answer_given_again_continues_its_revisions(survey, answer_set, respondent):
    save(answer_set, survey.general, {"employees": 3}, contact=respondent)
    cleared = save(answer_set, survey.general, {"employees": None}, contact=respondent)
    assert cleared.cleared == ["employees"]

    again = save(answer_set, survey.general, {"employees": 5}, contact=respondent)

    assert again.revisions["employees"] == 3
    assert Answer.objects.get(question=survey.employees).revision == 3


def test_answers_read_before_a_colleagues_save_are_read_again(
    survey, answer_set, respondent, colleague
):
    """The page's copy of the stored answers saves a query only while nothing was written
    since; after a colleague's save the service reads them again and reports the conflict."""
    my_copy_of_the_set = AnswerSet.objects.get(pk=answer_set.pk)
    my_copy_of_the_answers = list(Answer.objects.filter(answer_set=answer_set))
    save(answer_set, survey.general, {"employees": 9}, contact=colleague)

    mine = services.response_save_section(
        answer_set=my_copy_of_the_set,
        section=survey.general,
        edit=services.SectionEdit(answers={"employees": (5, "")}, revisions={"employees": 0}),
        contact=respondent,
        stored=my_copy_of_the_answers,
    )

    assert [conflict.question.key for conflict in mine.conflicts] == ["employees"]
    assert Answer.objects.get(question=survey.employees).value == 9


def test_answers_read_after_the_set_are_used_as_they_are(survey, answer_set, respondent):
    save(answer_set, survey.general, {"employees": 3}, contact=respondent)
    fresh_set = AnswerSet.objects.get(pk=answer_set.pk)
    stored = list(Answer.objects.filter(answer_set=answer_set))

    with CaptureQueriesContext(connection) as captured:
        result = services.response_save_section(
            answer_set=fresh_set,
            section=survey.general,
            edit=services.SectionEdit(answers={"employees": (4, "")}, revisions={"employees": 1}),
            contact=respondent,
            stored=stored,
        )

    assert result.saved == ["employees"] and not result.conflicts
    assert Answer.objects.get(question=survey.employees).revision == 2
    answer_reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "surveys_answer"' in query["sql"]
    ]
    assert answer_reads == []
