"""An answer set's history: who changed which answer when, with the old and new value."""

from django.test import Client

from privacy import services
from surveys.answering.services import response_reopen
from surveys.models import Wave
from tests import builders
from tests.privacy.traces import NAME, grant_privacy


def history_url(traces, number: str | None = None) -> str:
    number = number or traces.survey.organisation.number
    return f"/svar/{traces.survey.wave.slug}/{number}/historikk/"


def test_respondents_see_who_changed_which_answer_with_old_and_new_value(traces):
    page = traces.client.get(history_url(traces))

    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    content = page.content.decode()
    assert content.count("<tr>") == 1 + 4  # header, three saves and the submit
    assert NAME in content and "Ola Kollega" in content
    assert "Har kommunen en plan?" in content
    # The change from Ja to Nei shows both values.
    assert "<td>Ja</td>\n            <td>Nei</td>" in content
    assert "Sendt inn" in content


def test_the_overview_links_to_the_history(traces):
    overview = f"/svar/{traces.survey.wave.slug}/{traces.survey.organisation.number}/"
    page = traces.client.get(overview).content.decode()

    assert f'href="{history_url(traces)}"' in page


def test_another_organisation_sees_only_its_own_history(traces, other_respondent_client):
    own = other_respondent_client.get(history_url(traces, traces.survey.other_organisation.number))
    theirs = other_respondent_client.get(history_url(traces))

    assert own.status_code == 200
    assert "Ingen svar er lagret ennå." in own.content.decode()
    assert NAME not in own.content.decode()
    assert theirs.status_code == 404


def test_another_wave_is_not_found_and_without_a_session_the_page_is_refused(traces, client):
    other = builders.make_wave(slug="annen-runde")

    number = traces.survey.organisation.number
    assert traces.client.get(f"/svar/{other.slug}/{number}/historikk/").status_code == 404
    assert client.get(history_url(traces)).status_code == 403


def test_the_history_stays_readable_after_the_wave_closed(traces):
    Wave.objects.filter(pk=traces.survey.wave.pk).update(status=Wave.Status.CLOSED)

    page = traces.client.get(history_url(traces))

    assert page.status_code == 200
    assert "Har kommunen en plan?" in page.content.decode()


def test_respondents_see_staff_changes_as_ks_and_staff_see_the_user_name(traces):
    staff = builders.make_staff(username="saksbehandler")
    answer_set = traces.survey.organisation.answer_sets.get()
    response_reopen(answer_set=answer_set, user=staff)

    respondent_page = traces.client.get(history_url(traces))
    staff_client = Client()
    builders.sign_in_verified(
        staff_client, grant_privacy(builders.make_staff(), "surveys.view_answerset")
    )
    staff_page = staff_client.get(f"/staff/personvern/svarsett/{answer_set.pk}/historikk/")

    assert "KS (administrator)" in respondent_page.content.decode()
    assert "saksbehandler" not in respondent_page.content.decode()
    assert staff_page.status_code == 200
    assert "saksbehandler" in staff_page.content.decode()


def test_the_staff_history_needs_the_permission_to_view_answer_sets(traces):
    answer_set = traces.survey.organisation.answer_sets.get()
    client = Client()
    builders.sign_in_verified(client, builders.make_staff())

    assert client.get(f"/staff/personvern/svarsett/{answer_set.pk}/historikk/").status_code == 403


def test_an_erased_contact_shows_as_erased_in_the_history(traces):
    services.contact_erase(contact=traces.person)

    page = traces.client.get(history_url(traces))
    # The person's own session ended; a colleague still sees the history.
    assert page.status_code == 403
    from tests.conftest import login_respondent

    colleague = login_respondent(Client(), traces.colleague, traces.survey.wave)
    content = colleague.get(history_url(traces)).content.decode()
    assert "Slettet kontaktperson" in content
    assert NAME not in content


def test_the_admins_list_of_answer_sets_links_each_history(traces):
    client = Client()
    builders.sign_in_verified(client, builders.make_staff(is_superuser=True))
    answer_set = traces.survey.organisation.answer_sets.get()

    page = client.get("/admin/surveys/answerset/").content.decode()

    assert f'href="/staff/personvern/svarsett/{answer_set.pk}/historikk/"' in page


def test_the_history_page_needs_the_same_queries_however_long_the_history(
    traces, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = history_url(traces)
    traces.client.get(url)
    with CaptureQueriesContext(connection) as before:
        traces.client.get(url)
    answer_set = traces.survey.organisation.answer_sets.get()
    response_reopen(answer_set=answer_set, contact=traces.person)
    for value in ("ja", "nei", "ja"):
        builders.make_saved_answer(
            question=traces.survey.plan, answer_set=answer_set, value=value, contact=traces.person
        )

    with django_assert_num_queries(len(before.captured_queries)):
        page = traces.client.get(url)
    assert page.content.decode().count("<tr>") == 1 + 4 + 4
