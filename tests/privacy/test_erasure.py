"""Erasing a contact: no trace of the name, address or role anywhere; answers and rates kept."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from municipalities.models import Contact
from privacy import selectors, services
from surveys.models import AccessToken, Answer, AnswerChange, OutboundMessage
from surveys.outreach.selectors import wave_rates
from tests.conftest import login_respondent
from tests.privacy.traces import EMAIL, NAME, ROLE


def tables_containing(text: str) -> list[str]:
    """Every column of every table (cast to text) that contains `text`, case-insensitively."""
    found = []
    needle = f"%{text.lower()}%"
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table = connection.ops.quote_name(table)
                quoted_column = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted_table} "  # noqa: S608 - names from the catalog
                    f"WHERE LOWER(CAST({quoted_column} AS TEXT)) LIKE %s",
                    [needle],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def answers_of(organisation):
    return sorted(
        Answer.objects.filter(answer_set__organisation=organisation).values_list(
            "question__key", "value", "other_text", "revision"
        )
    )


def test_erasing_a_contact_leaves_no_trace_of_name_address_or_role_in_any_table(traces):
    # The search itself finds the traces before the erasure, so it can fail.
    assert "municipalities_contact.email" in tables_containing(EMAIL)
    assert "surveys_outboundmessage.to_email" in tables_containing(EMAIL)
    assert "django_admin_log.change_message" in tables_containing(NAME)

    services.contact_erase(contact=traces.person)

    for text in (EMAIL, NAME, ROLE):
        assert tables_containing(text) == [], text


def test_erasure_keeps_the_organisations_answers_and_the_waves_rates(traces):
    wave, organisation = traces.survey.wave, traces.survey.organisation
    rates_before = wave_rates(wave).as_dict()
    answers_before = answers_of(organisation)
    changes_before = AnswerChange.objects.filter(answer_set__organisation=organisation).count()
    assert rates_before["overall"]["invited"] == 2
    assert rates_before["overall"]["submitted"] == 1

    services.contact_erase(contact=traces.person)

    assert wave_rates(wave).as_dict() == rates_before
    assert answers_of(organisation) == answers_before
    assert (
        AnswerChange.objects.filter(answer_set__organisation=organisation).count() == changes_before
    )
    answer_set = organisation.answer_sets.get(wave=wave)
    assert answer_set.is_submitted and answer_set.submitted_by_id == traces.person.pk


def test_erasure_ends_the_persons_sessions_and_links_but_not_the_colleagues(traces):
    colleague_client = login_respondent(Client(), traces.colleague, traces.survey.wave)
    services.contact_erase(contact=traces.person)

    overview = f"/svar/{traces.survey.wave.slug}/{traces.survey.organisation.number}/"
    assert traces.client.get(overview).status_code == 403
    assert colleague_client.get(overview).status_code == 200
    assert not AccessToken.objects.filter(contact=traces.person).exists()
    traces.person.refresh_from_db()
    assert not traces.person.is_active
    assert selectors.is_pseudonymised(traces.person)


def test_erasure_stops_unsent_mail_to_the_person(traces):
    OutboundMessage.objects.filter(contact=traces.person).update(state=OutboundMessage.State.QUEUED)

    services.contact_erase(contact=traces.person)

    messages = OutboundMessage.objects.filter(contact=traces.person)
    assert messages.exists()
    for message in messages:
        assert message.state == OutboundMessage.State.CANCELLED
        assert message.to_email.endswith("@slettet.invalid")


def test_erasing_twice_is_refused_with_a_clear_message(traces):
    services.contact_erase(contact=traces.person)

    with pytest.raises(services.PrivacyError) as error:
        services.contact_erase(contact=traces.person)
    assert error.value.code == "already_erased"


def test_erasure_removes_the_name_from_the_admin_log_as_a_whole_word_only(traces):
    other = LogEntry.objects.create(
        user=LogEntry.objects.get().user,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id="1",
        object_repr="Ingrid Personvernsenberg",
        action_flag=CHANGE,
        change_message="",
    )

    services.contact_erase(contact=traces.person)

    other.refresh_from_db()
    assert other.object_repr == "Ingrid Personvernsenberg"
    assert NAME not in LogEntry.objects.exclude(pk=other.pk).get().change_message
