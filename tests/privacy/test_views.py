"""Staff privacy pages: access requests, the erasure confirmation, permissions."""

import csv
import io

import pytest
from django.test import Client

from privacy import selectors
from tests import builders
from tests.privacy.traces import EMAIL, NAME, grant_privacy


@pytest.fixture
def privacy_client(db):
    user = grant_privacy(builders.make_staff(), "view_personal_data", "erase_personal_data")
    client = Client()
    builders.sign_in_verified(client, user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/staff/personvern/",
        "/staff/personvern/lagringstid/",
        "/staff/personvern/kontakter/1/slett/",
    ],
)
def test_privacy_pages_need_staff_with_the_privacy_permission(db, client, url):
    assert client.get(url).status_code == 302  # to the login page
    builders.sign_in_verified(client, builders.make_staff())
    assert client.get(url).status_code == 403


def test_viewing_personal_data_does_not_allow_erasing(traces):
    client = Client()
    builders.sign_in_verified(client, grant_privacy(builders.make_staff(), "view_personal_data"))

    page = client.post("/staff/personvern/", {"email": EMAIL})

    assert page.status_code == 200
    assert "Slett kontaktpersonen" not in page.content.decode()
    assert client.get(f"/staff/personvern/kontakter/{traces.person.pk}/slett/").status_code == 403
    assert client.post(f"/staff/personvern/kontakter/{traces.person.pk}/slett/").status_code == 403


def test_the_access_report_lists_contacts_mail_authorship_links_sessions_and_logs(
    traces, privacy_client
):
    page = privacy_client.post("/staff/personvern/", {"email": EMAIL.upper()}).content.decode()

    assert NAME in page
    assert "Digitaliseringsrådgiver" in page
    assert "mailbox full" in page  # the mail row's reason
    assert page.count("<h3") >= 7
    report = selectors.personal_data_report(email=EMAIL)
    rows = {section.title: len(section.rows) for section in report.sections}
    assert rows == {
        "Kontaktperson": 1,
        "E-post sendt fra undersøkelsen": 2,  # the invitation and the receipt of the submit
        "Svar du har gitt eller endret": 3,  # two saves and the submit
        "Svar du har sendt inn": 1,
        "Personlige lenker": 2,  # the invitation's and one issued by hand
        "Innlogginger (økter) som er i bruk": 1,
        "Administrasjonslogg": 1,
    }


def test_the_access_report_downloads_as_a_safe_csv(traces, privacy_client):
    traces.person.role = "=HYPERLINK(1)"
    traces.person.save()

    response = privacy_client.post("/staff/personvern/", {"email": EMAIL, "download": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="innsyn-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Innsyn: hva som er lagret om", EMAIL] == rows[0]
    assert any(NAME in row for row in rows)
    assert any("'=HYPERLINK(1)" in row for row in rows)


def test_an_address_we_know_nothing_about_says_so(db, privacy_client):
    page = privacy_client.post("/staff/personvern/", {"email": "ingen@example.invalid"})

    assert "Vi har ingenting lagret om denne adressen." in page.content.decode()


def test_a_malformed_address_gets_a_clear_message_and_is_kept(db, privacy_client):
    page = privacy_client.post("/staff/personvern/", {"email": "ikke en adresse"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "Oppgi en gyldig e-postadresse" in content
    assert 'value="ikke en adresse"' in content


def test_the_erasure_confirmation_lists_what_will_go_and_erases_only_on_post(
    traces, privacy_client
):
    url = f"/staff/personvern/kontakter/{traces.person.pk}/slett/"

    page = privacy_client.get(url).content.decode()

    assert NAME in page
    assert "E-poster til personen" in page
    assert "Oppføringer i administrasjonsloggen" in page
    traces.person.refresh_from_db()
    assert traces.person.name == NAME

    response = privacy_client.post(url, follow=True)

    assert "Kontaktpersonen er slettet." in response.content.decode()
    traces.person.refresh_from_db()
    assert traces.person.name == "" and selectors.is_pseudonymised(traces.person)
    # A second visit says it is done instead of offering it again.
    again = privacy_client.get(url, follow=True).content.decode()
    assert "Kontaktpersonen er allerede slettet." in again


def test_the_erasure_form_needs_a_csrf_token(traces):
    client = Client(enforce_csrf_checks=True)
    builders.sign_in_verified(client, grant_privacy(builders.make_staff(), "erase_personal_data"))

    response = client.post(f"/staff/personvern/kontakter/{traces.person.pk}/slett/")

    assert response.status_code == 403
    traces.person.refresh_from_db()
    assert traces.person.name == NAME


def test_the_privacy_pages_escape_what_people_typed(survey, privacy_client):
    builders.make_contact(
        organisation=survey.organisation, name="<script>alert(1)</script>", email=EMAIL
    )

    page = privacy_client.post("/staff/personvern/", {"email": EMAIL}).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_contact_admin_links_to_the_erasure(traces):
    client = Client()
    builders.sign_in_verified(client, builders.make_staff(is_superuser=True))

    page = client.get(f"/admin/municipalities/contact/{traces.person.pk}/change/")

    assert f'href="/staff/personvern/kontakter/{traces.person.pk}/slett/"' in page.content.decode()
